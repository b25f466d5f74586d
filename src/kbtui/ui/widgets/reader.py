"""The reader: one entry, its sections as Markdown, its links as focusable widgets."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown, Static

from kbtui.kb.model import Backlink, Entry, LinkKind, SectionKey, type_label
from kbtui.kb.trust import trust_parts
from kbtui.ui.widgets.links import EntryLink

_CITATION = re.compile(r"\[source:\s*([^\]\n]+)\](?!\()", re.IGNORECASE)
LINK_SECTIONS = {SectionKey.RELATED, SectionKey.WORKED_EXAMPLES, SectionKey.SOURCES}


@dataclass(frozen=True)
class LinkContext:
    """What the reader needs to know about the rest of the KB."""

    resolve: Callable[[str], tuple[str | None, bool]]
    title_of: Callable[[str], str | None]
    backlinks: Callable[[str], tuple[Backlink, ...] | None]  # None while the KB still loads


def _cite_links(markdown: str) -> str:
    def replace(match: re.Match[str]) -> str:
        names = [n.strip() for n in re.split(r"[,;]", match.group(1)) if n.strip()]
        inner = "; ".join(f"[{name}](cite:{name.replace(' ', '%20')})" for name in names)
        return f"[source: {inner}]" if inner else match.group(0)

    return _CITATION.sub(replace, markdown)


def _heading(text: str, note: str = "") -> Static:
    label = Text(text, style="bold")
    if note:
        label.append(" — ", style="dim")
        label.append(note, style="italic")
    return Static(label, classes="link-heading")


class Reader(VerticalScroll, can_focus=False):
    """Shows one entry. Tab walks its links (the reader itself takes no focus, so the
    first Tab from the list lands on a link); Page Up / Page Down scroll it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entry: Entry | None = None

    @staticmethod
    def placeholder() -> list[Widget]:
        text = Text()
        text.append("Nothing open yet.\n\n", style="bold")
        text.append("Type / to search, move with ↑ ↓ or j k, and press Enter to read.\n")
        text.append("Tab walks the links of an entry; Backspace goes back; ? lists every key.")
        return [Static(text, classes="placeholder")]

    async def show_placeholder(self) -> None:
        self.entry = None
        await self.remove_children()
        await self.mount_all(self.placeholder())

    async def show_entry(self, entry: Entry, context: LinkContext) -> None:
        self.entry = entry
        widgets: list[Widget] = []
        widgets.append(Static(Text(entry.title, style="bold"), classes="reader-title"))
        widgets.append(
            Static(
                Text(f"{type_label(entry.type)} · {entry.slug} · {entry.path}", style="dim"),
                classes="reader-meta",
            )
        )
        trust = Text()
        for number, part in enumerate(trust_parts(entry)):
            if number:
                trust.append(" · ", style="dim")
            warn = part in ("summary missing", "not verified", "no sources listed")
            trust.append(part, style="bold" if warn else "")
        widgets.append(
            Static(trust, classes="reader-trust" + (" -warning" if entry.summary_missing else ""))
        )
        if entry.steps:
            widgets.extend(self._steps(entry, context))
        seen_names: dict[str, int] = {}
        for section in () if entry.steps else entry.sections:
            seen_names[section.name.lower()] = seen_names.get(section.name.lower(), 0) + 1
            note = "appears twice in the file" if seen_names[section.name.lower()] > 1 else ""
            if section.key in LINK_SECTIONS:
                widgets.extend(self._link_section(entry, section.name, section.key, note, context))
            else:
                heading = section.name or "Notes"
                text = section.markdown.strip() or "_(empty)_"
                if section.key is SectionKey.SUMMARY and entry.summary_missing:
                    note = (note + "; " if note else "") + "summary missing"
                widgets.append(_heading(heading, note))
                widgets.append(
                    Markdown(_cite_links(text), open_links=False, classes="section-body")
                )
        citations: dict[str, None] = {}
        for link in entry.links:
            if link.kind is LinkKind.CITATION:
                citations[link.target] = None
        if citations:
            widgets.append(_heading("Cited in this entry"))
            for target in citations:
                slug, outside = context.resolve(target)
                widgets.append(
                    EntryLink(
                        target, slug, context.title_of(slug) if slug else None, outside=outside
                    )
                )
        widgets.extend(self._backlinks(entry, context))
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False)

    def _steps(self, entry: Entry, context: LinkContext) -> list[Widget]:
        widgets: list[Widget] = []
        if entry.intro:
            widgets.append(Markdown(entry.intro, open_links=False, classes="section-body"))
        widgets.append(_heading("Steps", "press p to present them one at a time"))
        for step in entry.steps:
            slug, outside = context.resolve(step.target)
            title = context.title_of(slug) if slug else None
            link = EntryLink(
                step.target, slug, f"{step.number}. {title or step.target}", step.note, outside
            )
            widgets.append(link)
        return widgets

    def _link_section(
        self, entry: Entry, name: str, key: SectionKey, note: str, context: LinkContext
    ) -> list[Widget]:
        widgets: list[Widget] = [_heading(name, note)]
        kinds = {
            SectionKey.RELATED: LinkKind.RELATED,
            SectionKey.WORKED_EXAMPLES: LinkKind.EXAMPLE,
            SectionKey.SOURCES: LinkKind.SOURCE,
        }
        sources = {s.text: s for s in entry.sources}
        links = [k for k in entry.links if k.section == name and k.kind is kinds[key]]
        for link in links:
            slug, outside = context.resolve(link.target)
            detail = ""
            if key is SectionKey.SOURCES:
                source = sources.get(link.label)
                if source is not None:
                    bits = [f"grounding: {source.grounding or 'not given'}"]
                    if source.raw:
                        bits.append("RAW" + (f" ({source.size:,} chars)" if source.size else ""))
                    detail = " · ".join(bits)
            title = context.title_of(slug) if slug else None
            widgets.append(EntryLink(link.target, slug, title, detail, outside))
        if key is SectionKey.SOURCES and entry.verification:
            verified = entry.verification
            widgets.append(
                Static(
                    Text(f"Verified {verified.date} by {verified.by}", style="italic"),
                    classes="verified",
                )
            )
        if not links:
            section = next((s for s in entry.sections if s.name == name), None)
            if section is not None and section.text.strip():
                widgets.append(Markdown(section.markdown, open_links=False, classes="section-body"))
            else:
                widgets.append(Static(Text("(empty)", style="dim"), classes="section-empty"))
        return widgets

    def _backlinks(self, entry: Entry, context: LinkContext) -> list[Widget]:
        widgets: list[Widget] = [_heading("Referenced by")]
        backlinks = context.backlinks(entry.slug)
        if backlinks is None:
            widgets.append(Static(Text("Finding backlinks…", style="dim"), id="backlinks-wait"))
        elif not backlinks:
            widgets.append(Static(Text("No other entry links here yet.", style="dim")))
        else:
            for backlink in backlinks:
                widgets.append(
                    EntryLink(
                        backlink.slug,
                        backlink.slug,
                        context.title_of(backlink.slug),
                        f"in {backlink.section}",
                    )
                )
        return widgets

    def links(self) -> list[EntryLink]:
        return list(self.query(EntryLink))

"""What an entry turns into in the reader: widgets for its title, trust line,
sections, links, citations and backlinks. KB text is shown as Text or Markdown,
never as Textual markup."""

from __future__ import annotations

from typing import Protocol

from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Markdown, Static

from kbtui.kb.boundary import display_name
from kbtui.kb.markdown import rewrite_citations
from kbtui.kb.model import LINK_SECTIONS, Backlink, Entry, LinkKind, SectionKey, type_label
from kbtui.kb.outline import EntryOutline
from kbtui.kb.trust import trust_parts, verification_line
from kbtui.ui.widgets.links import CITE, EntryLink


class LinkLookup(Protocol):
    """What an entry's view asks of the rest of the KB (the KB session answers)."""

    def resolve(self, target: str) -> tuple[str | None, bool]: ...

    def title_of(self, slug: str) -> str | None: ...

    def backlinks(self, slug: str) -> tuple[Backlink, ...] | None: ...


def cite_links(markdown: str) -> str:
    """``[source: a; b]`` as Markdown links the reader follows (``cite:a``)."""
    return rewrite_citations(
        markdown,
        lambda names: (
            "[source: "
            + "; ".join(f"[{name}]({CITE}{name.replace(' ', '%20')})" for name in names)
            + "]"
        ),
    )


class SectionHeading(Static):
    """A section's heading; ``section`` is the section's name in the file (for the
    editor's line and for ``[`` / ``]``)."""

    def __init__(self, label: Text, section: str | None) -> None:
        super().__init__(label, classes="link-heading")
        self.section = section


def _heading(text: str, note: str = "", section: str | None = None) -> Static:
    label = Text(text, style="bold")
    if note:
        label.append(" — ", style="dim")
        label.append(note, style="italic")
    return SectionHeading(label, section)


def entry_widgets(entry: Entry, context: LinkLookup) -> list[Widget]:
    """The widgets that show ``entry``: title, type, trust line, sections in file
    order, links, citations and backlinks."""
    widgets: list[Widget] = []
    widgets.append(Static(Text(entry.title, style="bold"), classes="reader-title"))
    widgets.append(
        Static(
            # slug and path are file names: data, through the boundary like all KB text
            Text(
                f"{display_name(type_label(entry.type))} · {display_name(entry.slug)} · "
                f"{display_name(entry.path)}",
                style="dim",
            ),
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
        widgets.extend(_steps(entry, context))
    seen_names: dict[str, int] = {}
    for section in () if entry.steps else entry.sections:
        seen_names[section.name.lower()] = seen_names.get(section.name.lower(), 0) + 1
        note = "appears twice in the file" if seen_names[section.name.lower()] > 1 else ""
        if section.key in LINK_SECTIONS:
            widgets.extend(_link_section(entry, section.name, section.key, note, context))
        else:
            heading = section.name or "Notes"
            text = section.markdown.strip() or "_(empty)_"
            if section.key is SectionKey.SUMMARY and entry.summary_missing:
                note = (note + "; " if note else "") + "summary missing"
            widgets.append(_heading(heading, note, section.name))
            widgets.append(Markdown(cite_links(text), open_links=False, classes="section-body"))
            widgets.extend(_cited_in(entry, section.name, context))
    widgets.extend(_backlinks(entry, context))
    widgets.append(_heading("Similar entries", "alike in content, not linked yet"))
    widgets.append(Vertical(Static(Text("Finding similar entries…", style="dim")), id="similar"))
    return widgets


def similar_links(outlines: list[EntryOutline]) -> list[Widget]:
    """The links of the "Similar entries" section (found after the entry is shown)."""
    if not outlines:
        return [Static(Text("Nothing alike enough yet.", style="dim"))]
    return [EntryLink(o.slug, o.slug, o.title, type_label(o.type)) for o in outlines]


def _cited_in(entry: Entry, section: str, context: LinkLookup) -> list[Widget]:
    """The sources a section cites, as links right after it: Tab reaches them in
    reading order (the citations inside the Markdown answer only the mouse)."""
    targets = dict.fromkeys(
        link.target
        for link in entry.links
        if link.kind is LinkKind.CITATION and link.section == section
    )
    if not targets:
        return []
    widgets: list[Widget] = [Static(Text("Cited in this section", style="dim"), classes="cited")]
    for target in targets:
        slug, outside = context.resolve(target)
        title = context.title_of(slug) if slug else None
        widgets.append(EntryLink(target, slug, title, outside=outside, show_slug=False))
    return widgets


def _steps(entry: Entry, context: LinkLookup) -> list[Widget]:
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
    entry: Entry, name: str, key: SectionKey, note: str, context: LinkLookup
) -> list[Widget]:
    widgets: list[Widget] = [_heading(name, note, name)]
    sources = {s.text: s for s in entry.sources}
    links = [k for k in entry.links if k.section == name and k.kind is LINK_SECTIONS[key]]
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
    if key is SectionKey.SOURCES and (entry.verification or entry.unverified):
        widgets.append(Static(Text(verification_line(entry), style="italic"), classes="verified"))
    if not links:
        section = next((s for s in entry.sections if s.name == name), None)
        if section is not None and section.text.strip():
            widgets.append(Markdown(section.markdown, open_links=False, classes="section-body"))
        else:
            widgets.append(Static(Text("(empty)", style="dim"), classes="section-empty"))
    return widgets


def _backlinks(entry: Entry, context: LinkLookup) -> list[Widget]:
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

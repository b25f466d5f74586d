"""An entry as the HTML templates show it: plain data, built once, for the web reader
and the handouts alike.

The shape follows the TUI's reader: title, type and file, the trust line, sections in
file order (a duplicated heading says so), link lists with "not in this KB" for a
missing target, citations, and "Referenced by". Every text from the KB passes the
boundary (:func:`display` / :func:`display_name`) here; the templates escape it.
Links become ``href`` values only through the caller's ``href`` function, so a page
can only ever link where its front end says (the web reader's routes, or a
handout's own anchors).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from markupsafe import Markup

from kbtui.kb.boundary import display, display_name
from kbtui.kb.model import LINK_SECTIONS, Backlink, Entry, LinkKind, SectionKey, type_label
from kbtui.kb.trust import trust_parts, verification_line
from kbtui.templates.markdown_html import MarkdownHTML, with_citation_links

LinkState = Literal["ok", "elsewhere", "missing", "outside"]
Href = Callable[[str], "str | None"]  # slug -> where a page links it; None: not here
WARNINGS = ("summary missing", "not verified", "no sources listed")


class Lookup(Protocol):
    """What an entry's view asks of the rest of the KB (the KB session answers)."""

    def resolve(self, target: str) -> tuple[str | None, bool]: ...

    def title_of(self, slug: str) -> str | None: ...

    def backlinks(self, slug: str) -> tuple[Backlink, ...] | None: ...


def anchor(slug: str) -> str:
    """The in-document id of an entry in a handout."""
    return "entry-" + re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")


@dataclass(frozen=True)
class LinkView:
    label: str
    state: LinkState
    href: str | None = None
    slug: str = ""  # the entry's slug, shown beside a title that differs from it
    detail: str = ""


@dataclass(frozen=True)
class SectionView:
    heading: str
    note: str = ""
    html: Markup | None = None
    links: tuple[LinkView, ...] = ()
    verification: str = ""
    is_summary: bool = False

    @property
    def empty(self) -> bool:
        return self.html is None and not self.links


@dataclass(frozen=True)
class StepView:
    number: int
    link: LinkView
    minutes: int | None = None
    note: str = ""


@dataclass(frozen=True)
class TrustPart:
    text: str
    warning: bool


@dataclass(frozen=True)
class EntryView:
    slug: str
    anchor: str
    title: str
    type_label: str
    file: str
    trust: tuple[TrustPart, ...]
    summary: str
    sections: tuple[SectionView, ...] = ()
    intro: Markup | None = None
    steps: tuple[StepView, ...] = ()
    citations: tuple[LinkView, ...] = ()
    backlinks: tuple[LinkView, ...] | None = ()
    show_backlinks: bool = True


class Linker:
    """Turns link targets into :class:`LinkView` for one page."""

    def __init__(self, lookup: Lookup, href: Href) -> None:
        self.lookup = lookup
        self.href = href

    def link(self, target: str, detail: str = "", label: str | None = None) -> LinkView:
        slug, outside = self.lookup.resolve(target)
        if slug is None:
            state: LinkState = "outside" if outside else "missing"
            return LinkView(display_name(label or target), state, detail=display(detail))
        title = self.lookup.title_of(slug)
        href = self.href(slug)
        shown = display_name(label or title or slug)
        return LinkView(
            shown, "ok" if href else "elsewhere", href, display_name(slug), display(detail)
        )

    def markdown(self) -> MarkdownHTML:
        return MarkdownHTML(self._inline_link)

    def _inline_link(self, target: str) -> tuple[LinkState, str | None]:
        slug, outside = self.lookup.resolve(target)
        if slug is None:
            return ("outside" if outside else "missing"), None
        href = self.href(slug)
        return ("ok" if href else "elsewhere"), href


def entry_view(
    entry: Entry,
    lookup: Lookup,
    href: Href,
    *,
    trainer: bool = False,
    backlinks: bool = True,
) -> EntryView:
    """``entry`` for a template. ``trainer`` adds a path's step notes and minutes;
    without it nothing meant for the trainer alone is in the view."""
    linker = Linker(lookup, href)
    render = linker.markdown()
    steps: tuple[StepView, ...] = ()
    intro: Markup | None = None
    sections: tuple[SectionView, ...] = ()
    if entry.steps:
        intro = render(display(entry.intro)) if entry.intro.strip() else None
        steps = tuple(
            StepView(
                step.number,
                linker.link(step.target),
                step.minutes if trainer else None,
                display(step.note) if trainer else "",
            )
            for step in entry.steps
        )
    else:
        sections = tuple(_sections(entry, linker, render))
    citations = tuple(
        linker.link(target)
        for target in dict.fromkeys(k.target for k in entry.links if k.kind is LinkKind.CITATION)
    )
    found = lookup.backlinks(entry.slug) if backlinks else ()
    return EntryView(
        slug=display_name(entry.slug),
        anchor=anchor(entry.slug),
        title=display_name(entry.title),
        type_label=display_name(type_label(entry.type)),
        file=display_name(entry.path),
        trust=tuple(TrustPart(display(p), p in WARNINGS) for p in trust_parts(entry)),
        summary=display(entry.summary or ""),
        sections=sections,
        intro=intro,
        steps=steps,
        citations=citations,
        backlinks=None
        if found is None
        else tuple(linker.link(b.slug, f"in {b.section}") for b in found),
        show_backlinks=backlinks,
    )


def _sections(entry: Entry, linker: Linker, render: MarkdownHTML) -> list[SectionView]:
    out: list[SectionView] = []
    seen: dict[str, int] = {}
    sources = {s.text: s for s in entry.sources}
    for section in entry.sections:
        name = section.name.lower()
        seen[name] = seen.get(name, 0) + 1
        note = "appears twice in the file" if seen[name] > 1 else ""
        heading = display_name(section.name or "Notes")
        if section.key in LINK_SECTIONS:
            kind = LINK_SECTIONS[section.key]
            links = []
            for link in entry.links:
                if link.section != section.name or link.kind is not kind:
                    continue
                detail = ""
                if section.key is SectionKey.SOURCES:
                    source = sources.get(link.label)
                    if source is not None:
                        bits = [f"grounding: {source.grounding or 'not given'}"]
                        if source.raw:
                            bits.append(
                                "RAW" + (f" ({source.size:,} chars)" if source.size else "")
                            )
                        detail = " · ".join(bits)
                links.append(linker.link(link.target, detail))
            html = None
            if not links and section.text.strip():
                html = render(display(section.markdown))
            checked = verification_line(entry) if section.key is SectionKey.SOURCES else ""
            out.append(SectionView(heading, note, html, tuple(links), display(checked)))
            continue
        if section.key is SectionKey.SUMMARY and entry.summary_missing:
            note = (note + "; " if note else "") + "summary missing"
        text = section.markdown.strip()
        html = render(with_citation_links(display(text))) if text else None
        out.append(SectionView(heading, note, html, is_summary=section.key is SectionKey.SUMMARY))
    return out

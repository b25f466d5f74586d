"""Printable handouts: one entry or a whole reading path as self-contained HTML or Markdown.

The HTML comes from the same templates as the room's web reader, carries its own
print stylesheet (each entry on its own page) and no external assets; links between
entries in the handout become in-document anchors, links to entries left out are
plain text. KB text stays data: raw HTML in an entry is escaped, never passed on.

A reading path's handout comes in two editions. The trainer's has each step's note
and planned minutes; the participant's (what every front end gives by default) has
neither: :func:`make_handout` picks one.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kbtui.kb import KnowledgeBase
from kbtui.kb.boundary import display, display_name
from kbtui.kb.markdown import rewrite_citations
from kbtui.kb.model import LINK_SECTIONS, Backlink, Entry, LinkKind, SectionKey, type_label
from kbtui.kb.trust import trust_line, verification_line
from kbtui.paths import write_atomic
from kbtui.templates.view import anchor as anchor

if TYPE_CHECKING:
    from kbtui.library import Library

FORMATS = ("html", "md")
EDITIONS = ("participant", "trainer")
DEFAULT_EDITION = "participant"


class ExportError(Exception):
    """The handout cannot be made or written; the message is one clear sentence."""


@dataclass(frozen=True)
class HandoutItem:
    entry: Entry
    step: int | None = None
    note: str = ""
    minutes: int | None = None  # planned for this step


@dataclass(frozen=True)
class Handout:
    title: str
    intro: str
    items: tuple[HandoutItem, ...]
    appendix: tuple[Entry, ...] = ()  # the sources the entries cite
    edition: str = ""  # "trainer" or "participant" for a reading path's handout

    @property
    def slugs(self) -> set[str]:
        return {i.entry.slug for i in self.items} | {e.slug for e in self.appendix}

    @property
    def total_minutes(self) -> int:
        return sum(i.minutes or 0 for i in self.items)

    def for_participants(self) -> Handout:
        """The same handout without anything meant for the trainer alone."""
        items = tuple(replace(i, note="", minutes=None) for i in self.items)
        return replace(self, items=items, edition="participant" if self.edition else "")


def _cited_sources(kb: KnowledgeBase, entries: list[Entry]) -> tuple[Entry, ...]:
    shown = {e.slug for e in entries}
    found: dict[str, Entry] = {}
    for entry in entries:
        for resolved in kb.links_of(entry.slug):
            slug = resolved.resolved
            if (
                slug
                and slug not in shown
                and resolved.link.kind in (LinkKind.SOURCE, LinkKind.CITATION)
                and kb.entries[slug].type == "source"
            ):
                found.setdefault(slug, kb.entries[slug])
    return tuple(found[s] for s in sorted(found))


def handout_for_entry(kb: KnowledgeBase, slug: str) -> Handout:
    entry = kb.get(slug)
    if entry is None:
        near = kb.closest(slug)
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        raise ExportError(f"No entry {slug!r} in this KB.{hint}")
    return Handout(
        entry.title, entry.summary or "", (HandoutItem(entry),), _cited_sources(kb, [entry])
    )


def find_path(kb: KnowledgeBase, name: str) -> Entry:
    candidates = [name, f"paths/{name}", f"paths/{Path(name).stem}"]
    for candidate in candidates:
        entry = kb.entries.get(candidate.lower())
        if entry is not None and entry.type == "path":
            return entry
    paths = sorted(s for s, e in kb.entries.items() if e.type == "path")
    listed = ", ".join(p.split("/", 1)[1] for p in paths) or "none"
    raise ExportError(f"No reading path {name!r} in this KB (paths: {listed}).")


def handout_for_path(kb: KnowledgeBase, name: str) -> Handout:
    path = find_path(kb, name)
    items: list[HandoutItem] = []
    for step in path.steps:
        slug, _ = kb.resolver.resolve(step.target)
        if slug is None:
            raise ExportError(
                f"Step {step.number} of {path.slug} names {step.target!r}, which is not in this KB."
            )
        items.append(HandoutItem(kb.entries[slug], step.number, step.note, step.minutes))
    if not items:
        raise ExportError(f"The reading path {path.slug} has no steps to export.")
    return Handout(
        path.title,
        path.intro,
        tuple(items),
        _cited_sources(kb, [i.entry for i in items]),
        edition="trainer",
    )


def make_handout(
    kb: KnowledgeBase, slug: str, is_path: bool, edition: str = DEFAULT_EDITION
) -> Handout:
    """The handout of an entry, or of a reading path in ``edition``."""
    if edition not in EDITIONS:
        raise ExportError(f"Unknown edition {edition!r}: use participant or trainer.")
    handout = handout_for_path(kb, slug) if is_path else handout_for_entry(kb, slug)
    return handout if edition == "trainer" else handout.for_participants()


class _KBLookup:
    """What an entry's view asks of the KB, answered by a fully loaded KB."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def resolve(self, target: str) -> tuple[str | None, bool]:
        slug, outside = self.kb.resolver.resolve(target)
        return slug, outside is not None

    def title_of(self, slug: str) -> str | None:
        entry = self.kb.entries.get(slug)
        return entry.title if entry is not None else None

    def backlinks(self, slug: str) -> tuple[Backlink, ...] | None:
        return self.kb.backlinks(slug)


EDITION_LABELS = {
    "participant": "Participant's edition",
    "trainer": "Trainer's edition: with the step notes and planned times",
}


def render_html(kb: KnowledgeBase, handout: Handout) -> str:
    """The handout as one self-contained HTML file (from the shared templates)."""
    from markupsafe import Markup

    from kbtui.templates import asset
    from kbtui.templates import render as render_template
    from kbtui.templates.view import entry_view

    lookup = _KBLookup(kb)
    included = handout.slugs

    def href(slug: str) -> str | None:
        return "#" + anchor(slug) if slug in included else None

    trainer = handout.edition == "trainer"
    items = [
        {
            "view": entry_view(item.entry, lookup, href, trainer=trainer, backlinks=False),
            "prefix": f"Step {item.step}: " if item.step else "",
            "note": display(item.note),
            "minutes": item.minutes,
        }
        for item in handout.items
    ]
    return render_template(
        "handout/handout.html",
        title=display_name(handout.title),
        intro=[display(p.strip()) for p in handout.intro.split("\n\n") if p.strip()],
        edition=EDITION_LABELS.get(handout.edition, ""),
        items=items,
        total_minutes=handout.total_minutes,
        appendix=[entry_view(e, lookup, href, backlinks=False) for e in handout.appendix],
        css=Markup(asset("handout/handout.css")),
        kb_name=display_name(kb.name),
    )


_RAW_HTML = re.compile(r"<(?=[A-Za-z!/?])")


def _md_escape_html(markdown: str) -> str:
    """Raw HTML in entry text stays text in the Markdown handout (a viewer that renders
    Markdown would otherwise run a ``<script>`` or load an ``<img>``)."""
    return _RAW_HTML.sub("&lt;", markdown)


def _md_link(kb: KnowledgeBase, target: str, label: str, included: set[str]) -> str:
    slug, _ = kb.resolver.resolve(target)
    clean = label.replace("[", "\\[").replace("]", "\\]")
    if slug in included:
        return f"[{clean}](#{anchor(slug)})"
    return clean + (f" (in the KB as {slug})" if slug else " (not in this KB)")


_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\([^)\n]*\)")


def _md_rewrite_links(kb: KnowledgeBase, markdown: str, included: set[str]) -> str:
    # An image would be fetched by whatever shows the Markdown: its description stays.
    markdown = _MD_IMAGE.sub(lambda m: f"[image: {m.group(1)}]".replace("[", "\\[", 1), markdown)
    markdown = re.sub(
        r"(?<!!)\[([^\[\]\n]*)\]\(([^)\s]*)\)",
        lambda m: _md_link(kb, m.group(2), m.group(1), included),
        markdown,
    )

    return rewrite_citations(
        markdown,
        lambda names: "(source: " + "; ".join(_md_link(kb, n, n, included) for n in names) + ")",
    )


def _md_entry(kb: KnowledgeBase, item: HandoutItem | Entry, included: set[str]) -> list[str]:
    entry = item.entry if isinstance(item, HandoutItem) else item
    step = f"Step {item.step}: " if isinstance(item, HandoutItem) and item.step else ""
    out = [f'<a id="{anchor(entry.slug)}"></a>', "", f"## {step}{entry.title}", ""]
    out += [f"*{display_name(type_label(entry.type))} · {trust_line(entry)}*", ""]
    if isinstance(item, HandoutItem) and item.minutes:
        out += [f"Planned: {item.minutes} min", ""]
    if isinstance(item, HandoutItem) and item.note:
        out += [f"> **Trainer's note:** {item.note}", ""]
    for section in entry.sections:
        out += [f"### {section.name or 'Notes'}", ""]
        if section.key in LINK_SECTIONS:
            lines = []
            for resolved in kb.links_of(entry.slug):
                if resolved.link.section == section.name:
                    title = kb.entries[resolved.resolved].title if resolved.resolved else ""
                    label = title or resolved.link.target
                    lines.append("- " + _md_link(kb, resolved.link.target, label, included))
            out += lines or [section.markdown]
            checked = verification_line(entry)
            if section.key is SectionKey.SOURCES and checked:
                out += ["", checked.rstrip(".") + "."]
        else:
            out.append(_md_rewrite_links(kb, _md_escape_html(section.markdown), included))
        out.append("")
    return out


def render_markdown(kb: KnowledgeBase, handout: Handout) -> str:
    included = handout.slugs
    out = [f"# {handout.title}", ""]
    if handout.edition:
        out += [f"*{EDITION_LABELS[handout.edition]}*", ""]
    if handout.intro:
        out += [handout.intro, ""]
    out += ["## Contents", ""]
    for number, item in enumerate(handout.items, 1):
        minutes = f" ({item.minutes} min)" if item.minutes else ""
        out.append(f"{number}. [{item.entry.title}](#{anchor(item.entry.slug)}){minutes}")
    if handout.appendix:
        out.append(f"{len(handout.items) + 1}. [Sources](#sources)")
    out.append("")
    if handout.total_minutes:
        out += [f"Planned: {handout.total_minutes} min in all.", ""]
    for item in handout.items:
        out += _md_entry(kb, item, included)
    if handout.appendix:
        out += ['<a id="sources"></a>', "", "## Sources", ""]
        for source in handout.appendix:
            out += _md_entry(kb, source, included)
    return "\n".join(out).rstrip() + "\n"


def render(kb: KnowledgeBase, handout: Handout, fmt: str) -> str:
    if fmt == "html":
        return render_html(kb, handout)
    if fmt == "md":
        return render_markdown(kb, handout)
    raise ExportError(f"Unknown format {fmt!r}: use html or md.")


def write_new(path: Path, text: str, force: bool = False) -> Path:
    """Write ``text`` to ``path`` in one step, with the user's usual file permissions.
    An existing file is replaced only with ``force``, and only if it is a regular file
    (never a device, a pipe, a socket or a folder)."""
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise ExportError(f"Could not write {path}: {error.strerror or error}.") from None
    if existing is not None:
        if stat.S_ISDIR(existing.st_mode):
            raise ExportError(f"{path} is a folder; give a file name for the handout.")
        if not stat.S_ISREG(existing.st_mode):
            raise ExportError(f"{path} is not a regular file; kbtui will not replace it.")
        if not force:
            raise ExportError(f"{path} already exists; add --force to overwrite it.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist.")
    try:
        write_atomic(path, text, shared=True)
    except OSError as error:
        raise ExportError(f"Could not write {path}: {error.strerror or error}.") from None
    return path


def write_handout(
    library: Library,
    slug: str,
    is_path: bool,
    fmt: str,
    folder: Path,
    edition: str = DEFAULT_EDITION,
) -> Path:
    """The handout of one entry or reading path (a path's in ``edition``: participant
    unless the trainer asks), written under a free name in ``folder``; returns where
    it went."""
    kb = library.load_all()  # rendered Markdown: the session's own graph has outlines only
    handout = make_handout(kb, slug, is_path, edition)
    return write_new(free_name(folder, slug.rsplit("/", 1)[-1], fmt), render(kb, handout, fmt))


def file_stem(stem: str) -> str:
    """``stem`` as a plain file name: letters, digits, dots, dashes and underscores."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "handout"


def free_name(folder: Path, stem: str, fmt: str) -> Path:
    """``folder/stem.fmt``, or ``stem-2.fmt`` and so on when that name is taken."""
    safe = file_stem(stem)
    candidate = folder / f"{safe}.{fmt}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{safe}-{number}.{fmt}"
        number += 1
    return candidate

"""Printable handouts: one entry or a whole reading path as self-contained HTML or Markdown.

The HTML carries its own print stylesheet and no external assets; links between
entries in the handout become in-document anchors, links to entries left out are
plain text. KB text stays data: raw HTML in an entry is escaped, never passed on.
"""

from __future__ import annotations

import html
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mistune

from kbtui.kb import KnowledgeBase
from kbtui.kb.markdown import rewrite_citations
from kbtui.kb.model import LINK_SECTIONS, Entry, LinkKind, SectionKey, type_label
from kbtui.kb.trust import trust_line, verification_line
from kbtui.paths import write_atomic

if TYPE_CHECKING:
    from kbtui.library import Library

FORMATS = ("html", "md")


class ExportError(Exception):
    """The handout cannot be made or written; the message is one clear sentence."""


@dataclass(frozen=True)
class HandoutItem:
    entry: Entry
    step: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Handout:
    title: str
    intro: str
    items: tuple[HandoutItem, ...]
    appendix: tuple[Entry, ...] = ()  # the sources the entries cite

    @property
    def slugs(self) -> set[str]:
        return {i.entry.slug for i in self.items} | {e.slug for e in self.appendix}


def anchor(slug: str) -> str:
    return "entry-" + re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")


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
        items.append(HandoutItem(kb.entries[slug], step.number, step.note))
    if not items:
        raise ExportError(f"The reading path {path.slug} has no steps to export.")
    return Handout(
        path.title, path.intro, tuple(items), _cited_sources(kb, [i.entry for i in items])
    )


def _with_citation_links(markdown: str) -> str:
    return rewrite_citations(
        markdown,
        lambda names: (
            "[source: " + "; ".join(f"[{n}]({n.replace(' ', '%20')})" for n in names) + "]"
        ),
    )


class _HandoutRenderer(mistune.HTMLRenderer):
    """Entry Markdown to HTML: KB links become anchors or text; nothing external loads."""

    def __init__(self, kb: KnowledgeBase, included: set[str]) -> None:
        super().__init__(escape=True)
        self.kb = kb
        self.included = included

    def link(self, text: str, url: str, title: str | None = None) -> str:
        slug, _ = self.kb.resolver.resolve(url)
        if slug in self.included:
            return f'<a href="#{anchor(slug)}">{text}</a>'
        return f'<span class="offline-link">{text}</span>'

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return f'<span class="image-omitted">[image: {html.escape(text)}]</span>'


def _html_links(kb: KnowledgeBase, entry: Entry, section: str, included: set[str]) -> str:
    rows = []
    for resolved in kb.links_of(entry.slug):
        link = resolved.link
        if link.section != section:
            continue
        slug = resolved.resolved
        label = html.escape(kb.entries[slug].title if slug else link.target)
        detail = ""
        if link.kind is LinkKind.SOURCE:
            source = next((s for s in entry.sources if s.text == link.label), None)
            if source is not None and source.grounding:
                detail = f' <span class="detail">grounding: {html.escape(source.grounding)}</span>'
        if slug in included:
            rows.append(f'<li><a href="#{anchor(slug)}">{label}</a>{detail}</li>')
        elif slug:
            rows.append(
                f'<li>{label} <span class="detail">(in the KB as {html.escape(slug)})'
                f"</span>{detail}</li>"
            )
        else:
            rows.append(f'<li>{label} <span class="detail">(not in this KB)</span></li>')
    return "<ul>" + "".join(rows) + "</ul>" if rows else ""


def _html_entry(
    kb: KnowledgeBase, item: HandoutItem | Entry, included: set[str], render: Any
) -> str:
    entry = item.entry if isinstance(item, HandoutItem) else item
    parts = [f'<section class="entry" id="{anchor(entry.slug)}">']
    step = f"Step {item.step}: " if isinstance(item, HandoutItem) and item.step else ""
    parts.append(f"<h2>{html.escape(step + entry.title)}</h2>")
    parts.append(
        f'<p class="meta">{html.escape(type_label(entry.type))} · '
        f"{html.escape(trust_line(entry))}</p>"
    )
    if isinstance(item, HandoutItem) and item.note:
        parts.append(
            f'<aside class="note"><strong>Trainer\'s note:</strong> '
            f"{html.escape(item.note)}</aside>"
        )
    for section in entry.sections:
        parts.append(f"<h3>{html.escape(section.name or 'Notes')}</h3>")
        if section.key in LINK_SECTIONS:
            links = _html_links(kb, entry, section.name, included)
            parts.append(links or render(section.markdown))
            checked = verification_line(entry)
            if section.key is SectionKey.SOURCES and checked:
                parts.append(f'<p class="detail">{html.escape(checked)}</p>')
        else:
            parts.append(render(_with_citation_links(section.markdown)))
    parts.append("</section>")
    return "\n".join(parts)


_CSS = """
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; color: #111; }
h1 { font-size: 1.8em; margin-bottom: .2em; }
h2 { font-size: 1.35em; border-bottom: 1px solid #999; padding-bottom: .15em; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 1em 0 .3em; }
.meta, .detail { color: #555; font-size: .9em; }
.note { border-left: 4px solid #333; background: #f2f2f2; padding: .4em .8em; margin: .6em 0; }
nav ol { padding-left: 1.4em; }
a { color: #111; }
.offline-link { text-decoration: underline dotted; }
@media print {
  body { margin: 0; max-width: none; }
  section.entry { break-before: page; }
  a { text-decoration: none; }
}
"""


def render_html(kb: KnowledgeBase, handout: Handout) -> str:
    included = handout.slugs
    renderer = mistune.create_markdown(renderer=_HandoutRenderer(kb, included))
    body = [f"<h1>{html.escape(handout.title)}</h1>"]
    if handout.intro:
        body.append(f'<p class="intro">{html.escape(handout.intro)}</p>')
    body.append("<nav><h2>Contents</h2><ol>")
    for item in handout.items:
        body.append(
            f'<li><a href="#{anchor(item.entry.slug)}">{html.escape(item.entry.title)}</a></li>'
        )
    if handout.appendix:
        body.append('<li><a href="#sources">Sources</a></li>')
    body.append("</ol></nav>")
    for item in handout.items:
        body.append(_html_entry(kb, item, included, renderer))
    if handout.appendix:
        body.append('<h2 id="sources">Sources</h2>')
        for source in handout.appendix:
            body.append(_html_entry(kb, source, included, renderer))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(handout.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        "<body>\n" + "\n".join(body) + '\n<footer class="detail">Made with kbtui from the KB '
        f"{html.escape(kb.name)}.</footer>\n</body>\n</html>\n"
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


def _md_rewrite_links(kb: KnowledgeBase, markdown: str, included: set[str]) -> str:
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
    out += [f"*{type_label(entry.type)} · {trust_line(entry)}*", ""]
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
                out += ["", checked + "."]
        else:
            out.append(_md_rewrite_links(kb, _md_escape_html(section.markdown), included))
        out.append("")
    return out


def render_markdown(kb: KnowledgeBase, handout: Handout) -> str:
    included = handout.slugs
    out = [f"# {handout.title}", ""]
    if handout.intro:
        out += [handout.intro, ""]
    out += ["## Contents", ""]
    for number, item in enumerate(handout.items, 1):
        out.append(f"{number}. [{item.entry.title}](#{anchor(item.entry.slug)})")
    if handout.appendix:
        out.append(f"{len(handout.items) + 1}. [Sources](#sources)")
    out.append("")
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


def write_handout(library: Library, slug: str, is_path: bool, fmt: str, folder: Path) -> Path:
    """The handout of one entry or reading path, written under a free name in
    ``folder``; returns where it went."""
    kb = library.load_all()  # rendered Markdown: the session's own graph has outlines only
    handout = handout_for_path(kb, slug) if is_path else handout_for_entry(kb, slug)
    stem = slug.rsplit("/", 1)[-1]
    return write_new(free_name(folder, stem, fmt), render(kb, handout, fmt))


def free_name(folder: Path, stem: str, fmt: str) -> Path:
    """``folder/stem.fmt``, or ``stem-2.fmt`` and so on when that name is taken."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "handout"
    candidate = folder / f"{safe}.{fmt}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{safe}-{number}.{fmt}"
        number += 1
    return candidate

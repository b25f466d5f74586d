"""Parse one KB entry (the user's format, warts included) with mistune's AST.

The format: an optional ``# Title``, then sections whose headings are either
Markdown headings (``## Summary``, setext too) or bare lines that are exactly a
known section name (``Summary``). Related and Worked examples are lists of link
targets; Sources & verification holds one source per line plus a
``Verified DATE by WHO`` line; ``[source: x]`` citations may appear anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, cast

from mistune.renderers.markdown import MarkdownRenderer

from kbtui.kb.boundary import display_name
from kbtui.kb.locate import Lines
from kbtui.kb.markdown import (
    CITATION,
    WIKI_LINK,
    Token,
    citation_names,
    heading_line,
    parse_markdown,
    plain_text,
)
from kbtui.kb.model import (
    Entry,
    Link,
    LinkKind,
    PathStep,
    Section,
    SectionKey,
    SourceLine,
    Verification,
    entry_type_for,
    shared_link,
)
from kbtui.kb.reading_paths import parse_path

_SECTION_NAMES: dict[str, SectionKey] = {
    "summary": SectionKey.SUMMARY,
    "body": SectionKey.BODY,
    "use it for": SectionKey.USE_IT_FOR,
    "worked examples": SectionKey.WORKED_EXAMPLES,
    "worked example": SectionKey.WORKED_EXAMPLES,
    "examples": SectionKey.WORKED_EXAMPLES,
    "related": SectionKey.RELATED,
    "open questions": SectionKey.OPEN_QUESTIONS,
    "sources & verification": SectionKey.SOURCES,
    "sources and verification": SectionKey.SOURCES,
    "sources": SectionKey.SOURCES,
}

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_VERIFIED = re.compile(
    r"^\W*verified\s*:?\s+(?:on\s+)?(\d{4}-\d{2}-\d{2})\s+by\s+(.+?)\s*\.?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# "Not yet verified: why." - an entry that says plainly it has not been checked.
_UNVERIFIED = re.compile(
    r"^\W*(?:not\s+(?:yet\s+)?verified|unverified)\b\s*[:.\-—–]?\s*(.*?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_GROUNDING = re.compile(r"grounding\s*[:=]\s*([A-Za-z][\w-]*)", re.IGNORECASE)
_RAW = re.compile(r"\bRAW\b")
_SIZE = re.compile(r"\(\s*([\d][\d,_ ]*)\s*(?:chars?|characters)\s*\)", re.IGNORECASE)
_BARE_TARGET = re.compile(r"^\s*<?([^\s<>—–]+?)>?[.,;:]*(?:\s|$)")


def section_key(name: str) -> SectionKey:
    return _SECTION_NAMES.get(_normalise_heading(name), SectionKey.OTHER)


def _normalise_heading(line: str) -> str:
    text = line.strip().strip("*_").strip().rstrip(":").strip().lower()
    return re.sub(r"\s+", " ", text)


def _mark_bare_headings(text: str) -> str:
    """Turn bare section-name lines into ``## `` headings (outside code fences)."""
    lines = text.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is not None or line.startswith(("    ", "\t")):
            continue
        if _normalise_heading(line) in _SECTION_NAMES and not line.lstrip().startswith("#"):
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if not _SETEXT_UNDERLINE.match(following):
                lines[i] = "## " + line.strip().strip("*_").strip().rstrip(":").strip()
    return "\n".join(lines)


def _walk(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        children = token.get("children")
        if isinstance(children, list):
            yield from _walk(children)


def _list_items(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in _walk(tokens):
        if token.get("type") == "list_item":
            yield token


def _item_own_children(item: Token) -> list[Token]:
    """The item's own paragraph tokens, without nested lists."""
    return [c for c in item.get("children", []) if c.get("type") != "list"]


def _target_from_item(item: Token) -> tuple[str, str] | None:
    own = _item_own_children(item)
    for token in _walk(own):
        if token.get("type") == "link":
            url = str(token.get("attrs", {}).get("url", "")).strip()
            if url:
                return url, plain_text(token.get("children", [])).strip() or url
    text = plain_text(own).strip()
    wiki = WIKI_LINK.search(text)
    if wiki:
        return wiki.group(1).strip(), (wiki.group(2) or wiki.group(1)).strip()
    bare = _BARE_TARGET.match(text)
    if bare:
        return bare.group(1), text
    return None


def _parse_source_line(text: str, target: str) -> SourceLine:
    grounding = _GROUNDING.search(text)
    size = _SIZE.search(text)
    size_value: int | None = None
    if size:
        digits = re.sub(r"\D", "", size.group(1))
        size_value = int(digits[:18]) if digits else None
    return SourceLine(
        target=target,
        grounding=grounding.group(1).lower() if grounding else None,
        raw=_RAW.search(text) is not None,
        size=size_value,
        text=text,
    )


def readable_title(slug: str) -> str:
    """A title made from the file name (which is data like any text: see boundary)."""
    last = slug.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").strip()
    return display_name(last[:1].upper() + last[1:] if last else slug)


class _SectionBuilder:
    def __init__(self, name: str, key: SectionKey, line: int = 0) -> None:
        self.name = name
        self.key = key
        self.line = line  # where the section starts in the file
        self.end = 0  # its last line
        self.tokens: list[Token] = []


def _render(tokens: list[Token], state: Any) -> str:
    try:
        return str(MarkdownRenderer()(tokens, state)).strip("\n")
    except Exception:
        return plain_text(tokens).strip("\n")


def parse_entry(
    text: str,
    slug: str,
    path: str = "",
    flags: frozenset[str] = frozenset(),
    render: bool = True,
) -> Entry:
    """Parse already-decoded, already-neutralised entry text into an :class:`Entry`.

    With ``render=False`` each section's ``markdown`` is its plain text: enough for
    checking and indexing, and a third faster than rendering Markdown back out.
    """
    source = _mark_bare_headings(text.replace("\r\n", "\n").replace("\r", "\n"))
    parsed, state = parse_markdown.parse(source)
    tokens = cast(list[Token], parsed)

    lines = Lines(source)
    title: str | None = None
    title_line = 0
    builders: list[_SectionBuilder] = []
    preamble = _SectionBuilder("", SectionKey.OTHER)
    current = preamble
    for token in tokens:
        if token.get("type") == "heading":
            level = int(token.get("attrs", {}).get("level", 1))
            heading = plain_text(token.get("children", [])).strip()
            key = section_key(heading)
            if level == 1 and title is None and not builders and key is SectionKey.OTHER:
                title = heading
                title_line = heading_line(token)
                continue
            if level <= 2 or key is not SectionKey.OTHER:
                starts = heading_line(token) or (builders[-1].line if builders else 1)
                current = _SectionBuilder(heading, key, starts)
                builders.append(current)
                continue
        current.tokens.append(token)

    if plain_text(preamble.tokens).strip():
        has_body = any(b.key is SectionKey.BODY for b in builders)
        preamble.name = "Notes" if has_body else "Body"
        preamble.key = SectionKey.OTHER if has_body else SectionKey.BODY
        preamble.line = lines.first_text_line(after=title_line)
        builders.insert(0, preamble)
    for number, builder in enumerate(builders, 1):
        following = builders[number].line - 1 if number < len(builders) else len(lines)
        builder.end = max(following, builder.line)

    sections: list[Section] = []
    links: list[Link] = []
    sources: list[SourceLine] = []
    verification: Verification | None = None
    unverified: str | None = None
    unverified_line = 0
    seen: dict[SectionKey | str, int] = {}
    duplicates: list[str] = []

    for builder in builders:
        text_value = plain_text(builder.tokens).strip("\n")
        sections.append(
            Section(
                builder.name,
                builder.key,
                _render(builder.tokens, state) if render else text_value,
                text_value,
                builder.line,
            )
        )

        def located(
            kind: LinkKind, target: str, label: str, builder: _SectionBuilder = builder
        ) -> Link:
            line = lines.find(target, builder.line, builder.end)
            return shared_link(builder.name, kind, target, label, line)

        ident: SectionKey | str = (
            builder.key if builder.key is not SectionKey.OTHER else builder.name.lower()
        )
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] == 2:
            duplicates.append(builder.name)

        if builder.key in (SectionKey.RELATED, SectionKey.WORKED_EXAMPLES):
            kind = LinkKind.RELATED if builder.key is SectionKey.RELATED else LinkKind.EXAMPLE
            for item in _list_items(builder.tokens):
                found = _target_from_item(item)
                if found:
                    links.append(located(kind, found[0], found[1]))
        elif builder.key is SectionKey.SOURCES:
            items = list(_list_items(builder.tokens))
            for item in items:
                found = _target_from_item(item)
                item_text = _VERIFIED.sub("", plain_text(_item_own_children(item)))
                item_text = _UNVERIFIED.sub("", item_text).strip()
                if (
                    found
                    and item_text
                    and not _VERIFIED.match(item_text)
                    and not _UNVERIFIED.match(item_text)
                ):
                    sources.append(_parse_source_line(item_text, found[0]))
                    links.append(located(LinkKind.SOURCE, found[0], item_text))
            if not items:  # sources written one per line, without list bullets
                for line in text_value.split("\n"):
                    bare = _BARE_TARGET.match(line)
                    if (
                        line.strip()
                        and bare
                        and not _VERIFIED.match(line)
                        and not _UNVERIFIED.match(line)
                    ):
                        sources.append(_parse_source_line(line.strip(), bare.group(1)))
                        links.append(located(LinkKind.SOURCE, bare.group(1), line))
        else:
            for token in _walk(builder.tokens):
                if token.get("type") == "link":
                    url = str(token.get("attrs", {}).get("url", "")).strip()
                    label = plain_text(token.get("children", [])).strip() or url
                    if url and not url.startswith("#"):
                        links.append(located(LinkKind.INLINE, url, label))
            for wiki in WIKI_LINK.finditer(text_value):
                target = wiki.group(1).strip()
                links.append(located(LinkKind.INLINE, target, wiki.group(2) or target))

        for citation in CITATION.finditer(text_value):
            for name in citation_names(citation.group(1)):
                links.append(located(LinkKind.CITATION, name, name))

        if builder.key is SectionKey.SOURCES or verification is None:
            found_v = _VERIFIED.search(text_value)
            if found_v and (verification is None or builder.key is SectionKey.SOURCES):
                where = lines.match(_VERIFIED, builder.line, builder.end) or builder.line
                verification = Verification(found_v.group(1), found_v.group(2).strip(), where)
        if builder.key is SectionKey.SOURCES and unverified is None:
            found_u = _UNVERIFIED.search(text_value)
            if found_u:
                unverified = found_u.group(1).strip() or "no reason given"
                unverified_line = lines.match(_UNVERIFIED, builder.line, builder.end)

    steps: tuple[PathStep, ...] = ()
    intro = ""
    if slug.startswith("paths/"):
        plan = parse_path(source, slug, title or readable_title(slug))
        steps, intro = plan.steps, plan.intro
        everywhere = (1, len(lines))  # steps come in order: each is searched from the last
        links = [
            Link("Steps", LinkKind.STEP, s.target, s.note, lines.find(s.target, *everywhere))
            for s in steps
        ] + [link for link in links if link.kind is LinkKind.CITATION]

    summary: str | None = None
    for section in sections:
        if section.key is SectionKey.SUMMARY:
            candidate = section.text.strip()
            if candidate and not candidate.upper().startswith("TBD"):
                summary = candidate
                break

    return Entry(
        slug=slug,
        path=path,
        title=title or readable_title(slug),
        type=entry_type_for(slug),
        sections=tuple(sections),
        links=tuple(links),
        sources=tuple(sources),
        verification=verification,
        unverified=None if verification else unverified,
        unverified_line=0 if verification else unverified_line,
        summary=summary,
        duplicate_sections=tuple(duplicates),
        flags=flags,
        steps=steps,
        intro=intro,
    )

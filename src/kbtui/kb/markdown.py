"""The KB's text rules, one home each: the Markdown parser, wiki links, citations.

Used by the entry parser, the reading-path parser, the reader and the handouts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from re import Match
from typing import Any

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState

Token = dict[str, Any]

_LINE_AT = "kbtui-line-at"  # (offset, line) last counted, kept in the parse's env


def _line_of(state: BlockState, offset: int) -> int:
    """The 1-based line of ``offset`` in the text being parsed, counted on from the last
    offset asked about (headings come in order), so a file of many headings stays linear."""
    start, line = state.env.get(_LINE_AT, (0, 1))
    if offset < start:
        start, line = 0, 1
    line += state.src.count("\n", start, offset)
    state.env[_LINE_AT] = (offset, line)
    return int(line)


class _HeadingLines(BlockParser):
    """mistune's block parser, noting the line each top-level heading starts on as its
    ``attrs["line"]``: sections know where they are in their file (for ``check`` and
    for opening an editor at them). Nested headings (in lists, quotes) are not sections."""

    def parse_atx_heading(self, m: Match[str], state: BlockState) -> int:
        end = super().parse_atx_heading(m, state)
        if state.parent is None:
            state.tokens[-1]["attrs"]["line"] = _line_of(state, m.start())
        return end

    def parse_setex_heading(self, m: Match[str], state: BlockState) -> int | None:
        last = state.last_token()
        was_paragraph = last is not None and last.get("type") == "paragraph"
        end = super().parse_setex_heading(m, state)
        turned = was_paragraph and last is not None and last.get("type") == "heading"
        if state.parent is None and turned and last is not None:
            text_lines = str(last.get("text", "")).rstrip("\n").count("\n") + 1
            last["attrs"]["line"] = _line_of(state, m.start()) - text_lines
        return end


# One parser for the whole KB: an AST, no HTML renderer.
parse_markdown = mistune.Markdown(renderer=None, block=_HeadingLines())


def heading_line(token: Token) -> int:
    """The line a top-level heading token starts on (0 when not known)."""
    return int(token.get("attrs", {}).get("line", 0))


# [[target]] or [[target|label]]
WIKI_LINK = re.compile(r"\[\[([^\]|\n]+)(?:\|([^\]\n]*))?\]\]")
# [source: a; b] anywhere in the text (not when already a Markdown link "[..](..)")
CITATION = re.compile(r"\[source:\s*([^\]\n]+)\](?!\()", re.IGNORECASE)


def citation_names(inner: str) -> list[str]:
    """The source names in one ``[source: a; b, c]`` citation."""
    return [name.strip() for name in re.split(r"[,;]", inner) if name.strip()]


def rewrite_citations(markdown: str, replace: Callable[[list[str]], str]) -> str:
    """Each citation in ``markdown`` replaced by ``replace(names)``."""

    def one(match: re.Match[str]) -> str:
        names = citation_names(match.group(1))
        return replace(names) if names else match.group(0)

    return CITATION.sub(one, markdown)


def plain_text(tokens: Iterable[Token]) -> str:
    """Readable text of an AST fragment: blocks on their own lines."""
    parts: list[str] = []
    for token in tokens:
        kind = token.get("type")
        if kind in ("text", "codespan", "inline_html"):
            parts.append(str(token.get("raw", "")))
        elif kind == "softbreak" or kind == "linebreak":
            parts.append("\n")
        elif kind == "block_code":
            parts.append(str(token.get("raw", "")).rstrip("\n") + "\n")
        elif kind == "block_html":
            parts.append(str(token.get("raw", "")))
        elif kind == "blank_line" or kind == "thematic_break":
            continue
        elif "children" in token:
            inner = plain_text(token["children"])
            if kind in ("paragraph", "heading", "block_text", "list_item", "block_quote"):
                inner = inner.rstrip("\n") + "\n"
            parts.append(inner)
    return "".join(parts)

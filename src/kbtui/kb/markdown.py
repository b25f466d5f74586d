"""The KB's text rules, one home each: the Markdown parser, wiki links, citations.

Used by the entry parser, the reading-path parser, the reader and the handouts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import mistune

Token = dict[str, Any]

# One parser for the whole KB: an AST, no HTML renderer.
parse_markdown = mistune.create_markdown(renderer=None)

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

"""Entry Markdown to HTML, for the web reader and the handouts alike.

Raw HTML in an entry is escaped, never passed on; images are not loaded (their
description is shown); a link becomes an ``<a>`` only when the page's link policy
gives an ``href`` for the entry it names. Everything else - a missing entry, a URL,
``javascript:``, a path out of the KB - is text, marked as what it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Literal

import mistune
from markupsafe import Markup
from mistune.util import striptags

from kbtui.kb.markdown import rewrite_citations

InlineState = Literal["ok", "elsewhere", "missing", "outside"]
InlinePolicy = Callable[[str], tuple[InlineState, "str | None"]]
_WEB_URL = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)


def with_citation_links(markdown: str) -> str:
    """``[source: a; b]`` as Markdown links to the entries it names."""
    return rewrite_citations(
        markdown,
        lambda names: (
            "[source: " + "; ".join(f"[{n}]({n.replace(' ', '%20')})" for n in names) + "]"
        ),
    )


class _Renderer(mistune.HTMLRenderer):
    def __init__(self, policy: InlinePolicy) -> None:
        super().__init__(escape=True)
        self.policy = policy

    def link(self, text: str, url: str, title: str | None = None) -> str:
        state, href = self.policy(url)
        if state == "ok" and href:
            return f'<a href="{escape(href)}">{text}</a>'
        if state == "elsewhere":
            return f'<span class="offline-link">{text}</span>'
        if state == "missing":
            return f'<span class="missing">{text}</span> {_detail("not in this KB")}'
        # A URL or a path out of the KB: the target shown as text, never followed.
        where = escape(url) if _WEB_URL.match(url) else f"outside the KB: {escape(url)}"
        return f'<span class="offline-link">{text}</span> {_detail(where)}'

    def image(self, text: str, url: str, title: str | None = None) -> str:
        # ``text`` is the description already rendered (and escaped): keep its words
        return f'<span class="image-omitted">[image: {striptags(text)}]</span>'


class MarkdownHTML:
    """Callable: Markdown text -> safe HTML (Markup), links by ``policy``."""

    def __init__(self, policy: InlinePolicy) -> None:
        self._markdown = mistune.create_markdown(renderer=_Renderer(policy))

    def __call__(self, markdown: str) -> Markup:
        return Markup(str(self._markdown(markdown)))


def _detail(text: str) -> str:
    return f'<span class="detail">({text})</span>'

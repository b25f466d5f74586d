"""Search in the room's reader: the KB session's hits, as the search templates show them.

The index holds a reading path's whole text, step notes and planned minutes too (the
trainer searches them in the TUI). The room never sees those: a path's hit shows a
snippet of what a participant reads of the path (its intro and its steps by title),
and a path that only its notes matched is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kbtui.kb.boundary import display, display_name
from kbtui.kb.labels import type_label
from kbtui.library import EntryUnavailable, SearchUnavailable

if TYPE_CHECKING:
    from kbtui.index.results import SearchHit
    from kbtui.library import Library

SEARCH_LIMIT = 20
SNIPPET_WIDTH = 160
SCAN = 2500  # characters of a path's text looked through for a snippet
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SPACE = re.compile(r"\s+")

Segments = tuple[dict[str, Any], ...]
Href = Callable[[str], str]


def search_context(library: Library, query: str, href: Href) -> dict[str, Any]:
    """What ``web/hits.html`` shows for ``query``."""
    context: dict[str, Any] = {
        "query": query,
        "notice": "",
        "hits": (),
        "total": 0,
        "suggestion": "",
        "suggestion_href": "",
    }
    if not query:
        return context
    try:
        result = library.search(query, limit=SEARCH_LIMIT)
    except SearchUnavailable:
        context["notice"] = "Search is getting ready; try again in a moment."
        return context
    matcher = library.term_matcher(query)
    hits = []
    for hit in result.hits:
        snippet = _snippet(hit)
        if hit.type == "path":
            shown = _path_snippet(library, hit.slug, matcher)
            if shown is None:
                continue  # only the trainer's notes matched
            snippet = shown or _title_only(hit)
        hits.append(
            {
                "title": display_name(hit.title),
                "href": href(hit.slug),
                "type_label": display_name(type_label(hit.type)),
                "snippet": snippet,
            }
        )
    context["total"] = result.total - (len(result.hits) - len(hits))
    context["hits"] = tuple(hits)
    if result.suggestion:
        context["suggestion"] = display_name(result.suggestion)
        context["suggestion_href"] = "/search?q=" + quote(result.suggestion)
    return context


def _snippet(hit: SearchHit) -> Segments:
    return tuple({"text": display(s.text), "match": s.match} for s in hit.snippet)


def _title_only(hit: SearchHit) -> Segments:
    return ({"text": display_name(hit.title), "match": False},)


def _path_snippet(library: Library, slug: str, matcher: Callable[[str], bool]) -> Segments | None:
    """A snippet of the participant's view of the path ``slug``: () when it cannot be
    read (the hit then shows its title), None when only its notes match the query."""
    try:
        path = library.read(slug)
    except EntryUnavailable:
        return ()
    steps = []
    for step in path.steps:
        target, _ = library.resolve(step.target)
        title = library.title_of(target) if target is not None else None
        steps.append(title or step.target)
    shown = display(_SPACE.sub(" ", " ".join((path.intro, " · ".join(steps)))).strip())
    notes = " ".join(step.note for step in path.steps)
    if not matcher(path.title + " " + shown) and notes and matcher(notes):
        return None
    return _marked(shown, matcher)


def _marked(text: str, matcher: Callable[[str], bool]) -> Segments:
    """A window of ``text`` around the first word ``matcher`` finds, matches marked."""
    text = text[:SCAN]
    words = list(_WORD.finditer(text))
    first = next((w for w in words if matcher(w.group())), None)
    start = 0
    if first is not None and first.start() > SNIPPET_WIDTH // 4:
        space = text.find(" ", first.start() - SNIPPET_WIDTH // 4)
        start = space + 1 if 0 <= space < first.start() else first.start()
    end = min(len(text), start + SNIPPET_WIDTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    segments: list[dict[str, Any]] = []
    if start:
        segments.append({"text": "…", "match": False})
    at = start
    for word in words:
        if word.start() < start or word.end() > end or not matcher(word.group()):
            continue
        if word.start() > at:
            segments.append({"text": text[at : word.start()], "match": False})
        segments.append({"text": word.group(), "match": True})
        at = word.end()
    segments.append({"text": text[at:end] + ("…" if end < len(text) else ""), "match": False})
    return tuple(s for s in segments if s["text"])

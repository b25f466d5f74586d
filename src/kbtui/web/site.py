"""The web reader's pages: what each address shows, from the KB session alone.

Every handler here is synchronous: Starlette runs it on its thread pool, where it may
read an entry or search the index (the KB session is thread-safe). An address names
an entry by its slug, which is looked up in the listing - never used as a path - so
``../``, absolute paths and symlinks out have nothing to reach: an entry's file is
read only by the session, through the boundary's ``read_inside``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kbtui.kb.boundary import display_name
from kbtui.kb.labels import type_label
from kbtui.kb.outline import EntryOutline, group_entries
from kbtui.library import EntryUnavailable, LibraryEvent, ListingChanged
from kbtui.room import FollowState, Room
from kbtui.templates import asset, render
from kbtui.templates.view import entry_view
from kbtui.web.search import search_context
from kbtui.web.searches import RecentSearches

if TYPE_CHECKING:
    from kbtui.kb.graph import KnowledgeBase
    from kbtui.kb.model import Entry
    from kbtui.library import Library

LIST_LIMIT = 60  # entries of one type on the front page; the rest on the type's page
MAX_QUERY = 200
STATIC = {
    "room.css": ("web/room.css", "text/css; charset=utf-8"),
    "room.js": ("web/room.js", "text/javascript; charset=utf-8"),
    "icon.svg": ("web/icon.svg", "image/svg+xml"),
}
HANDOUT_TYPES = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
# A handout is a download: should a browser show it anyway, it runs nothing.
HANDOUT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def entry_href(slug: str) -> str:
    # A slug from a file name that is not UTF-8 goes out as that name's own bytes.
    return "/e/" + quote(slug, safe="/", errors="surrogateescape")


def handout_href(slug: str) -> str:
    return "/handout/" + quote(slug, safe="/", errors="surrogateescape")


def slug_param(request: Request, prefix: str) -> str:
    """The slug in the URL after ``prefix``, read from the raw path so that the bytes
    of a file name that is not UTF-8 come back as the slug the KB knows."""
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes) and raw.startswith(prefix.encode()):
        return unquote(raw[len(prefix) :].decode("latin-1"), errors="surrogateescape")
    return str(request.path_params["slug"])


def _type_anchor(entry_type: str) -> str:
    return "type-" + (re.sub(r"[^a-z0-9]+", "-", entry_type.lower()).strip("-") or "other")


@dataclass(frozen=True)
class _Item:
    title: str
    href: str
    warning: str


@dataclass(frozen=True)
class _Group:
    type: str
    label: str
    anchor: str
    count: int
    items: tuple[_Item, ...]
    more: str


@dataclass(frozen=True)
class _Asset:
    body: bytes
    media_type: str
    version: str


class Site:
    """The pages of one room's reader, over one KB session."""

    def __init__(self, library: Library, room: Room, kb_name: str) -> None:
        self.library = library
        self.room = room
        self.kb_name = display_name(kb_name)
        self.assets = {
            name: _asset(asset(source).encode(), media) for name, (source, media) in STATIC.items()
        }
        self._kb: KnowledgeBase | None = None  # fully parsed, for handouts
        self._kb_lock = threading.Lock()
        self.searches: RecentSearches[dict[str, Any]] = RecentSearches()
        self._unsubscribe = library.subscribe(self._library_event)

    def close(self) -> None:
        self._unsubscribe()

    def _library_event(self, event: LibraryEvent) -> None:
        self.searches.clear()  # whatever changed, searches are answered afresh
        if isinstance(event, ListingChanged):
            with self._kb_lock:
                self._kb = None  # the files changed: handouts parse them again

    # -- rendering ---------------------------------------------------------------------

    def static_url(self, name: str) -> str:
        return f"/static/{name}?v={self.assets[name].version}"

    def html(self, template: str, **context: Any) -> str:
        context.setdefault("query", "")
        return render(template, kb_name=self.kb_name, static=self.static_url, **context)

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(
            self.html(template, **context), status, headers={"cache-control": "no-cache"}
        )

    def error_page(self, status: int, message: str) -> str:
        heading = {
            400: "That request is not one this reader understands",
            403: "Not for this room",
            404: "Not here",
            405: "This reader only reads",
            429: "Too many tries",
            503: "Not ready yet",
        }.get(status, "Something went wrong")
        return self.html("web/error.html", heading=heading, message=message)

    def code_page(self, message: str, status: int, next_path: str) -> bytes:
        """The page shown instead of any other until the room code is given."""
        return self.html("web/code.html", message=message, next=next_path).encode()

    # -- the list --------------------------------------------------------------------------

    def _groups(self, limit: int | None) -> list[_Group]:
        groups = []
        for entry_type, members in group_entries(self.library.outlines):
            shown = members if limit is None else members[:limit]
            groups.append(
                _Group(
                    entry_type,
                    display_name(type_label(entry_type)),
                    _type_anchor(entry_type),
                    len(members),
                    tuple(_item(o) for o in shown),
                    f"/type/{quote(entry_type)}" if len(shown) < len(members) else "",
                )
            )
        return groups

    def index(self, request: Request) -> Response:
        return self.page(
            "web/list.html", groups=self._groups(LIST_LIMIT), total=len(self.library.outlines)
        )

    def of_type(self, request: Request) -> Response:
        wanted = request.path_params["kind"]
        group = next((g for g in self._groups(None) if g.type == wanted), None)
        if group is None:
            raise HTTPException(404, "This KB has no entries of that type.")
        return self.page("web/type.html", group=group)

    # -- one entry -------------------------------------------------------------------------

    def _read(self, slug: str) -> Entry:
        try:
            return self.library.read(slug)
        except EntryUnavailable as error:
            raise HTTPException(404, f"This entry cannot be shown: {error.reason}.") from None

    def entry(self, request: Request) -> Response:
        asked = slug_param(request, "/e/")
        slug = asked.lower()
        if self.library.outline(slug) is None:
            found, _ = self.library.resolve(asked)
            if found is not None and self.library.outline(found) is not None:
                return RedirectResponse(entry_href(found), 307)
            raise HTTPException(
                404, f"There is no entry {display_name(asked)!r} in this KB. Try the search."
            )
        entry = self._read(slug)
        view = entry_view(entry, self.library, entry_href)
        handout = handout_href(slug)
        return self.page(
            "web/entry.html",
            view=view,
            is_path=bool(entry.steps),
            handout_html=handout + "?format=html",
            handout_md=handout + "?format=md",
        )

    # -- search ------------------------------------------------------------------------------

    def _search(self, query: str) -> dict[str, Any]:
        """What the search pages show for ``query``: the same answer for everyone who
        asks it, until the KB changes (a "getting ready" answer is never kept)."""
        context = self.searches.answer(query, self._search_afresh)
        if context["notice"]:
            self.searches.clear()
        return context

    def _search_afresh(self, query: str) -> dict[str, Any]:
        return search_context(self.library, query, entry_href)

    def search(self, request: Request) -> Response:
        context = self._search(_query(request))
        return self.page("web/search.html", 503 if context["notice"] else 200, **context)

    def search_hits(self, request: Request) -> Response:
        context = self._search(_query(request))
        return HTMLResponse(
            self.html("web/hits.html", **context),
            503 if context["notice"] else 200,
            headers={"cache-control": "no-store"},
        )

    # -- reading paths and handouts -------------------------------------------------------

    def paths(self, request: Request) -> Response:
        shown = []
        for outline in self.library.paths():
            try:
                path = self.library.read(outline.slug)
            except EntryUnavailable:
                continue
            view = entry_view(path, self.library, entry_href, backlinks=False)
            handout = handout_href(outline.slug)
            shown.append(
                {
                    "title": view.title,
                    "href": entry_href(outline.slug),
                    "steps": view.steps,
                    "handout_html": handout + "?format=html",
                    "handout_md": handout + "?format=md",
                }
            )
        return self.page("web/paths.html", paths=shown)

    def _full_kb(self) -> KnowledgeBase:
        with self._kb_lock:
            if self._kb is None:
                self._kb = self.library.load_all()
            return self._kb

    def handout(self, request: Request) -> Response:
        from kbtui.export import ExportError, file_stem, make_handout, render

        slug = slug_param(request, "/handout/").lower()
        fmt = request.query_params.get("format", "html")
        if fmt not in HANDOUT_TYPES:
            raise HTTPException(400, "A handout comes as format=html or format=md.")
        outline = self.library.outline(slug)
        if outline is None:
            raise HTTPException(404, "There is no such entry or reading path in this KB.")
        try:
            kb = self._full_kb()
            # Participants only ever get the participant's edition here.
            handout = make_handout(kb, slug, outline.type == "path", "participant")
            text = render(kb, handout, fmt)
        except ExportError as error:
            raise HTTPException(404, str(error)) from None
        name = f"{file_stem(slug.rsplit('/', 1)[-1])}.{fmt}"
        return Response(
            text,
            media_type=HANDOUT_TYPES[fmt],
            headers={
                "content-disposition": f'attachment; filename="{name}"',
                "content-security-policy": HANDOUT_POLICY,
                "cache-control": "no-store",
            },
        )

    # -- follow the trainer ---------------------------------------------------------------

    def now_context(self, state: FollowState) -> dict[str, Any]:
        """What the Follow page shows for ``state``: never a trainer's note."""
        if not state.presenting or state.path_slug is None or state.step is None:
            return {"now": None, "seq": state.seq}
        try:
            path = self.library.read(state.path_slug)
        except EntryUnavailable:
            return {"now": None, "seq": state.seq}
        total = len(path.steps)
        if not 1 <= state.step <= total:
            return {"now": None, "seq": state.seq}
        step = path.steps[state.step - 1]
        view = None
        slug, _ = self.library.resolve(step.target)
        if slug is not None:
            try:
                view = entry_view(self.library.read(slug), self.library, entry_href)
            except EntryUnavailable:
                view = None
        now = {
            "path_title": display_name(path.title),
            "path_href": entry_href(path.slug),
            "step": state.step,
            "total": total,
            "view": view,
            "target": display_name(step.target),
            "title": view.title if view is not None else display_name(step.target),
        }
        return {"now": now, "seq": state.seq}

    def follow(self, request: Request) -> Response:
        return self.page("web/follow.html", **self.now_context(self.room.state))

    def follow_now(self, request: Request) -> Response:
        context = self.now_context(self.room.state)
        return HTMLResponse(
            self.html("web/now.html", **context), headers={"cache-control": "no-store"}
        )

    def now_payload(self, state: FollowState) -> str:
        """The SSE data for ``state``: the Follow page's new content, as one JSON line."""
        context = self.now_context(state)
        now = context["now"]
        title = f"Step {now['step']}: {now['title']} · {self.kb_name}" if now else "Follow"
        return json.dumps({"html": self.html("web/now.html", **context), "title": title})

    # -- assets ------------------------------------------------------------------------------

    def static(self, request: Request) -> Response:
        found = self.assets.get(str(request.path_params["name"]))
        if found is None:
            raise HTTPException(404, "No such file.")
        return Response(
            found.body,
            media_type=found.media_type,
            headers={"cache-control": "public, max-age=86400", "etag": f'"{found.version}"'},
        )


def _item(outline: EntryOutline) -> _Item:
    # A reading path is a session plan: it has no Summary to miss (as in the TUI's list).
    warning = "summary missing" if outline.summary_missing and outline.type != "path" else ""
    return _Item(display_name(outline.title), entry_href(outline.slug), warning)


def _asset(body: bytes, media_type: str) -> _Asset:
    return _Asset(body, media_type, hashlib.sha256(body).hexdigest()[:12])


def _query(request: Request) -> str:
    return request.query_params.get("q", "").strip()[:MAX_QUERY]

"""The room's web reader as one ASGI application (Starlette), over one KB session.

Outermost, a guard turns any failure into a plain 500 page and one log line (never
a traceback, to the browser or the terminal); inside it the room's gate (code,
cookie, security headers); inside that the routes. Everything is GET (and HEAD):
the reader only reads.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kbtui.library import Library
from kbtui.paths import kb_display_name
from kbtui.room import Room
from kbtui.web.follow import StepRenders, events_endpoint
from kbtui.web.gate import RoomGate, Sleep, Throttle
from kbtui.web.site import Site

log = logging.getLogger("kbtui.web")


class RoomApp:
    """The ASGI app, with the :class:`Site` it serves (closed when the server stops)."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:  # a bug must cost one page, never the server
            log.error("A request failed: %s: %s", type(error).__name__, error)
            if scope["type"] == "http" and not started:
                body = self.site.error_page(
                    500, "The reader could not show this page. It keeps running: go back."
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})

    def close(self) -> None:
        self.site.close()


def inline(page: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
    """``page`` answered on the server's event loop itself. A page is a few
    milliseconds of work: handing it to a worker thread and back costs more under a
    room's load (two thread switches, each a wait for the interpreter's lock)."""

    async def endpoint(request: Request) -> Response:
        return page(request)

    return endpoint


def build_app(
    library: Library,
    room: Room,
    throttle: Throttle | None = None,
    sleep: Sleep | None = None,
) -> RoomApp:
    """The reader for ``library``'s KB, let in by ``room``'s code."""
    site = Site(library, room, kb_display_name(library.root))
    renders = StepRenders(site)

    async def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        detail = error.detail if isinstance(error, HTTPException) else ""
        message = detail if detail and detail != _reason(status) else _default(status)
        return HTMLResponse(site.error_page(status, message), status)

    handler: Callable[[Request, Exception], Awaitable[Response]] = http_error
    routes = [
        Route("/", inline(site.index)),
        Route("/type/{kind}", inline(site.of_type)),
        Route("/e/{slug:path}", inline(site.entry)),
        Route("/search", inline(site.search)),
        Route("/search/hits", inline(site.search_hits)),
        Route("/paths", inline(site.paths)),
        Route("/handout/{slug:path}", site.handout),  # a path's pack: on a worker thread
        Route("/follow", inline(site.follow)),
        Route("/follow/now", inline(site.follow_now)),
        Route("/follow/events", events_endpoint(room, renders)),  # type: ignore[arg-type]
        Route("/static/{name}", inline(site.static)),
    ]

    async def server_error(request: Request, error: Exception) -> Response:
        message = "The reader could not show this page. It keeps running: go back."
        return HTMLResponse(site.error_page(500, message), 500)

    starlette = Starlette(
        routes=routes, exception_handlers={HTTPException: handler, Exception: server_error}
    )
    gate = RoomGate(
        starlette,
        room,
        site.code_page,
        throttle,
        **({"sleep": sleep} if sleep is not None else {}),
    )
    return RoomApp(gate, site)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _default(status: int) -> str:
    return {
        404: "There is nothing at this address in the room's reader.",
        405: "The room's reader only shows pages; it takes nothing in.",
    }.get(status, "That request could not be answered.")

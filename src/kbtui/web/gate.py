"""Only the room gets in: the room code, its cookie, the slowdown for wrong codes, and
the security headers every response carries. A plain ASGI middleware.

A device gets in with ``?code=CODE`` on any address (the QR code carries it) or by
typing the code into the form it is shown instead of the page. The right code sets
a cookie holding the room's long random token and redirects to the same address
without the code. A wrong code is answered only after a pause that doubles with each
wrong code from the same client, and for as long again after the answer every
further try from it is refused unchecked: guessing six characters from 31 takes
years, not minutes.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from kbtui.room import Room

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]

COOKIE = "kbtui_room"
COOKIE_MAX_AGE = 12 * 3600  # a training day
OPEN_PREFIXES = ("/static/",)  # the stylesheet and script: no KB text in them

# The app's own script and styles, nothing inline, nothing from anywhere else.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


@dataclass
class _Record:
    failures: int = 0
    until: float = 0.0  # no try is checked before this time
    seen: float = 0.0


class Throttle:
    """Wrong codes per client: pause ``base`` s after the first, doubling to ``cap``.
    ``clock`` is injectable for tests (monotonic seconds)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        base: float = 1.0,
        cap: float = 30.0,
        forget_after: float = 3600.0,
        max_clients: int = 10_000,
    ) -> None:
        self.clock = clock
        self.base = base
        self.cap = cap
        self.forget_after = forget_after
        self.max_clients = max_clients
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def wait_left(self, client: str) -> float:
        """Seconds before ``client`` may try again (0 when it may now)."""
        record = self._records.get(client)
        if record is None:
            return 0.0
        now = self.clock()
        if now - record.seen > self.forget_after:
            del self._records[client]
            return 0.0
        return max(0.0, record.until - now)

    def failed(self, client: str) -> float:
        """Note a wrong code; returns how long to hold the answer back."""
        now = self.clock()
        record = self._records.pop(client, None) or _Record()
        record.failures += 1
        delay: float = min(self.cap, self.base * 2.0 ** (record.failures - 1))
        # The answer is held back ``delay``; then ``delay`` more pass before the next
        # try is even looked at, however many the client sends meanwhile.
        record.until = now + 2 * delay
        record.seen = now
        self._records[client] = record
        while len(self._records) > self.max_clients:
            self._records.popitem(last=False)  # the longest-quiet client goes first
        return delay

    def passed(self, client: str) -> None:
        self._records.pop(client, None)


Refusal = Callable[[str, int, str], bytes]  # (message, status, next path) -> an HTML page


class RoomGate:
    """Lets a request through only with the room's cookie or code (unless the room
    needs none), and adds the security headers to every response."""

    def __init__(
        self,
        app: ASGIApp,
        room: Room,
        refusal: Refusal,
        throttle: Throttle | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.app = app
        self.room = room
        self.refusal = refusal
        self.throttle = throttle or Throttle()
        self.sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        path = scope.get("path") or "/"
        if not self.room.require_code or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        cookie = _cookie(headers.get("cookie", ""))
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        code = next((value for name, value in query if name == "code"), None)
        if code is None and cookie is not None and self.room.check_token(cookie):
            await self.app(scope, receive, send)
            return
        here = local_path(path)
        if code is None:
            await _page(send, 403, self.refusal("", 403, here))
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.throttle.wait_left(client)
        if wait > 0:
            message = f"Too many wrong codes from this device: try again in {wait:.0f} s."
            await _page(send, 429, self.refusal(message, 429, here), retry_after=wait)
            return
        if self.room.check_code(code):
            self.throttle.passed(client)
            rest = [(name, value) for name, value in query if name != "code"]
            location = quote(here) + ("?" + urlencode(rest) if rest else "")
            await _redirect(send, location, self.room.cookie_token)
            return
        await self.sleep(self.throttle.failed(client))
        message = "That is not this room's code. Check it with the trainer and try again."
        await _page(send, 403, self.refusal(message, 403, here))


def local_path(path: str) -> str:
    """``path`` as an address on this server only: never ``//elsewhere``."""
    return "/" + path.lstrip("/\\")


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }


def _cookie(header: str) -> str | None:
    if COOKIE not in header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # http.cookies raises its own CookieError and others on junk
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


def _with_security_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
            if b"content-security-policy" not in names:
                headers.append((b"content-security-policy", PAGE_POLICY.encode()))
            message["headers"] = headers
        await send(message)

    return sending


async def _page(send: Send, status: int, body: bytes, retry_after: float = 0.0) -> None:
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if retry_after:
        headers.append((b"retry-after", str(max(1, round(retry_after))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str, token: str) -> None:
    cookie = f"{COOKIE}={token}; Max-Age={COOKIE_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1", "replace")),
                (b"set-cookie", cookie.encode()),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})

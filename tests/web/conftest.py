"""The room's web reader under test: a small KB with a hostile entry, one KB session
(index on disk, links loaded), a Room, and either an in-process client (Starlette's
TestClient) or the real server on 127.0.0.1 with a port of its own."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kbtui.library import Library
from kbtui.room import Room
from kbtui.web.app import build_app
from kbtui.web.gate import COOKIE
from kbtui.web.server import RoomServer
from tests.conftest import write_kb

HOSTILE_TITLE = '<script>alert("title")</script> Hostile'
KB = {
    "distributed-organizing.md": (
        "# Distributed organizing\n\n## Summary\nMany hands, one plan.\n\n## Body\n"
        "Local teams act together [source: moblab]. See [one-to-ones](one-to-ones) and "
        "[the web](https://example.org/page).\n\n"
        "## Related\n- one-to-ones\n- not-here\n\n## Worked examples\n- case-studies/gezi-park\n\n"
        "## Sources & verification\n- sources/moblab — grounding: secondary\n"
        "Verified 2026-01-02 by tester.\n"
    ),
    "one-to-ones.md": "# One-to-ones\n\n## Summary\nListen first, talk later.\n\n## Related\n"
    "- distributed-organizing\n",
    "case-studies/gezi-park.md": "# Gézi Park\n\n## Summary\nA park, a square, a movement "
    "organised by many.\n\n## Related\n- distributed-organizing\n",
    "sources/moblab.md": "# MobLab\n\n## Summary\nA campaigning lab.\n",
    "hostile.md": (
        f"# {HOSTILE_TITLE}\n\n## Summary\nAn <img src=x onerror=alert(1)> image and "
        '<a href="javascript:alert(2)">a link</a>.\n\n## Body\n'
        "<script>alert(3)</script>\n\n[click me](javascript:alert(4)) and "
        "[data](data:text/html,<script>alert(5)</script>) and ![pic](http://evil.example/x.png) "
        "and [out](../../etc/passwd).\n\n"
        '<iframe src="http://evil.example"></iframe>\n\n'
        "## Related\n- javascript:alert(6)\n- distributed-organizing\n"
    ),
    "paths/first.md": "# First session\n\nAn intro for the room.\n\n"
    "1. distributed-organizing — 15 min — SECRET-NOTE ask the room for examples\n"
    "2. one-to-ones — 20 min — SECRET-NOTE practise in pairs\n"
    "3. case-studies/gezi-park\n",
}


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", KB)


@pytest.fixture
def library(kb_root: Path) -> Iterator[Library]:
    library = Library(kb_root)
    assert library.open_index() is not None
    library.load_graph(pause=False)
    yield library
    library.close()


@pytest.fixture
def room() -> Room:
    return Room(code="abc234")


@pytest.fixture
def open_room() -> Room:
    return Room(require_code=False)


@pytest.fixture
def client(library: Library, room: Room) -> Iterator[TestClient]:
    """A client that has given the room code (it carries the cookie)."""
    with TestClient(build_app(library, room), follow_redirects=False) as client:
        client.cookies.set(COOKIE, room.cookie_token)
        yield client


@pytest.fixture
def server(library: Library, room: Room) -> Iterator[RoomServer]:
    notices: list[str] = []
    server = RoomServer(library, room, "127.0.0.1", 0, notice=notices.append)
    server.start()
    yield server
    server.stop()


def raw_get(port: int, target: bytes, cookie: str | None = None) -> tuple[int, bytes]:
    """One GET with ``target`` exactly as given (no client tidies it): status, body."""
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    if cookie:
        lines.append(f"Cookie: {COOKIE}={cookie}".encode())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body

"""Nothing outside the KB is served: encoded ../, absolute paths and symlinks out are
refused, and no address lists a folder. Sent as raw HTTP to the real server, so no
client tidies the paths first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kbtui.library import Library
from kbtui.room import Room
from kbtui.web.server import RoomServer
from tests.web.conftest import raw_get

SECRET = "SECRET OUTSIDE THE KB"


@pytest.fixture
def leaky_kb(kb_root: Path, tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"# Secret\n\n## Summary\n{SECRET}.\n", encoding="utf-8")
    (outside / "more.md").write_text(f"# More\n\n## Summary\n{SECRET} too.\n", encoding="utf-8")
    (kb_root / "leak.md").symlink_to(outside / "secret.md")
    (kb_root / "linked-folder").symlink_to(outside, target_is_directory=True)
    return kb_root


@pytest.fixture
def leaky_server(leaky_kb: Path, room: Room) -> Iterator[RoomServer]:
    library = Library(leaky_kb)
    library.open_index()
    library.load_graph(pause=False)
    server = RoomServer(library, room, "127.0.0.1", 0)
    server.start()
    yield server
    server.stop()
    library.close()


ATTEMPTS = [
    b"/e/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    b"/e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/e/..%252F..%252Fetc%252Fpasswd",
    b"/e/../../../../etc/passwd",
    b"/e//etc/passwd",
    b"/e/%2Fetc%2Fpasswd",
    b"//etc/passwd",
    b"/etc/passwd",
    b"/static/..%2F..%2F..%2Fpyproject.toml",
    b"/static/%2e%2e/room.py",
    b"/static/../templates/web/base.html",
    b"/handout/..%2F..%2Fetc%2Fpasswd?format=md",
    b"/e/leak",
    b"/e/linked-folder/secret",
    b"/handout/leak?format=md",
    b"/e/%00",
    b"/e/one-to-ones%00.md",
    b"/e/%ff%fe",
]


@pytest.mark.parametrize("target", ATTEMPTS)
def test_nothing_outside_the_kb_is_served(
    leaky_server: RoomServer, room: Room, target: bytes
) -> None:
    status, body = raw_get(leaky_server.port, target, room.cookie_token)
    assert 400 <= status < 500, (target, status)
    assert SECRET.encode() not in body and b"root:" not in body and b"[project]" not in body
    assert b"Traceback" not in body


def test_symlinked_entries_are_not_listed_or_found(leaky_server: RoomServer, room: Room) -> None:
    for target in (b"/", b"/search?q=secret", b"/search/hits?q=outside"):
        status, body = raw_get(leaky_server.port, target, room.cookie_token)
        assert status == 200 and SECRET.encode() not in body
        assert b"/e/leak" not in body and b"linked-folder" not in body


@pytest.mark.parametrize(
    "folder", [b"/e/", b"/e/sources/", b"/static/", b"/handout/", b"/e/case-studies", b"/type/"]
)
def test_no_address_lists_a_folder(server: RoomServer, room: Room, folder: bytes) -> None:
    status, body = raw_get(server.port, folder, room.cookie_token)
    assert status == 404, folder
    assert b"moblab" not in body and b"gezi-park" not in body


def test_the_server_keeps_answering_after_all_that(leaky_server: RoomServer, room: Room) -> None:
    for target in ATTEMPTS:
        raw_get(leaky_server.port, target, room.cookie_token)
    status, body = raw_get(leaky_server.port, b"/e/one-to-ones", room.cookie_token)
    assert status == 200 and b"Listen first" in body

"""Only the room gets in: the code is required by default, a cookie carries it after
the first visit, wrong codes are slowed down per client, and --no-code opens it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from kbtui.library import Library
from kbtui.room import Room
from kbtui.web.app import build_app
from kbtui.web.gate import COOKIE, Throttle
from tests.web.conftest import raw_get


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)  # the answer would wait this long


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def stranger(library: Library, room: Room, time: FakeTime) -> Iterator[TestClient]:
    """A client that has not given the code."""
    app = build_app(library, room, throttle=Throttle(clock=time.clock), sleep=time.sleep)
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/e/one-to-ones",
        "/search?q=organising",
        "/handout/paths/first",
        "/follow",
        "/follow/events",
        "/nowhere",
    ],
)
def test_without_the_code_nothing_of_the_kb_is_shown(stranger: TestClient, url: str) -> None:
    page = stranger.get(url)
    assert page.status_code == 403
    assert "Room code" in page.text and "<form" in page.text
    for kb_text in ("One-to-ones", "Listen first", "Distributed organizing", "First session"):
        assert kb_text not in page.text


def test_the_right_code_sets_a_cookie_and_drops_the_code_from_the_address(
    stranger: TestClient, room: Room
) -> None:
    entered = stranger.get("/e/one-to-ones", params={"code": "ABC-234", "x": "1"})
    assert entered.status_code == 303
    assert entered.headers["location"] == "/e/one-to-ones?x=1"
    cookie = entered.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={room.cookie_token};") and "HttpOnly" in cookie
    assert "abc234" not in cookie  # the cookie is the room's token, not the short code
    page = stranger.get("/e/one-to-ones")  # the client keeps the cookie now
    assert page.status_code == 200 and "Listen first" in page.text
    assert stranger.get("/search", params={"q": "organising"}).status_code == 200


def test_a_forged_cookie_does_not_get_in(stranger: TestClient, room: Room) -> None:
    for forged in ("abc234", room.cookie_token[:-1], "", "x" * 500):
        stranger.cookies.set(COOKIE, forged)
        assert stranger.get("/").status_code == 403
    stranger.cookies.clear()
    assert stranger.get("/", headers={"cookie": "junk;;; ===; kbtui_room"}).status_code == 403


def test_wrong_codes_are_slowed_down_per_client(stranger: TestClient, time: FakeTime) -> None:
    first = stranger.get("/", params={"code": "wrong1"})
    assert first.status_code == 403 and "not this room" in first.text
    # Until the pause is over, every try is refused unchecked - the right code too.
    blocked = stranger.get("/", params={"code": "abc234"})
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "2"
    for _ in range(4):
        time.now += 1000  # wait out each pause, then guess wrong again
        assert stranger.get("/", params={"code": "wrong2"}).status_code == 403
    assert time.slept == [1.0, 2.0, 4.0, 8.0, 16.0]  # doubling with each wrong code
    time.now += 31  # the answer waited 16 s; 16 more before the next try counts
    assert stranger.get("/", params={"code": "abc234"}).status_code == 429
    time.now += 2
    assert stranger.get("/", params={"code": "abc234"}).status_code == 303  # and forgiven


def test_the_pause_doubles_up_to_a_cap_and_is_per_client() -> None:
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0], base=1.0, cap=30.0)
    delays = [throttle.failed("10.0.0.5") for _ in range(8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert throttle.wait_left("10.0.0.5") == 60 and throttle.wait_left("10.0.0.6") == 0
    throttle.passed("10.0.0.5")
    assert throttle.wait_left("10.0.0.5") == 0


def test_the_throttle_forgets_and_stays_bounded() -> None:
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0], max_clients=100, forget_after=600)
    for n in range(1000):
        throttle.failed(f"client-{n}")
    assert len(throttle._records) == 100
    now[0] += 601
    assert throttle.wait_left("client-999") == 0


def test_the_code_form_goes_back_to_the_page_asked_for(stranger: TestClient) -> None:
    page = stranger.get("/e/one-to-ones")
    assert 'action="/e/one-to-ones"' in page.text


def test_the_code_never_sends_a_device_to_another_host(server: object) -> None:
    from kbtui.web.server import RoomServer

    assert isinstance(server, RoomServer)
    status, body = raw_get(server.port, b"//evil.example/x")
    assert status == 403 and b'action="/evil.example/x"' in body
    for target in (b"//evil.example/x?code=abc234", b"/\\evil.example/x?code=abc234"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            head = sock.recv(65536).split(b"\r\n\r\n")[0]
        location = next(
            line for line in head.split(b"\r\n") if line.lower().startswith(b"location")
        )
        assert location.split(b": ", 1)[1].startswith(b"/evil.example"), location


def test_static_assets_need_no_code(stranger: TestClient) -> None:
    assert stranger.get("/static/room.css").status_code == 200
    assert stranger.get("/static/room.js").status_code == 200


def test_no_code_lets_anyone_in(library: Library, open_room: Room) -> None:
    with TestClient(build_app(library, open_room)) as client:
        assert client.get("/e/one-to-ones").status_code == 200
        assert "Listen first" in client.get("/e/one-to-ones").text


def test_the_real_server_slows_a_wrong_code_down(server: object, room: Room) -> None:
    from kbtui.web.server import RoomServer

    assert isinstance(server, RoomServer)
    status, body = raw_get(server.port, b"/?code=nope22")
    assert status == 403 and b"not this room" in body
    status, _ = raw_get(server.port, b"/?code=abc234")
    assert status == 429  # this client must wait out its pause first

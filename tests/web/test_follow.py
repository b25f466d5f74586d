"""Follow the trainer: the event stream shows the step Room.show sets, to every
follower, again after a reconnection, and counts who follows. Over real HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time

from kbtui.room import Room, RoomChanged
from kbtui.web.gate import COOKIE
from kbtui.web.server import RoomServer


class Stream:
    """One follower: a raw connection to /follow/events, read event by event."""

    def __init__(self, port: int, token: str, query: str = "", headers: str = "") -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(
            (
                f"GET /follow/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {COOKIE}={token}\r\nAccept: text/event-stream\r\n{headers}\r\n"
            ).encode()
        )
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1])
        self.headers = head.decode("latin-1").lower()

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the stream ended")
            self.buffer += chunk
        found, _, self.buffer = self.buffer.partition(marker)
        return found

    def event(self) -> dict[str, str]:
        """The next event's fields (chunked transfer framing skipped)."""
        while True:
            raw = self._until(b"\n\n").decode()
            fields: dict[str, str] = {}
            for line in raw.split("\n"):
                if ":" in line and not line.startswith(("\r", " ")):
                    name, _, value = line.partition(":")
                    name = name.strip().split("\r\n")[-1]
                    if name in ("id", "event", "data", "retry"):
                        fields[name] = value.removeprefix(" ")
            if fields:
                return fields

    def step_event(self) -> dict[str, str]:
        while True:
            found = self.event()
            if found.get("event") == "step":
                return found

    def close(self) -> None:
        self.sock.close()


def wait_for(condition: object, timeout: float = 10.0) -> bool:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_follower_sees_the_step_now_and_every_change(server: RoomServer, room: Room) -> None:
    room.show("paths/first", 1)
    stream = Stream(server.port, room.cookie_token)
    try:
        assert stream.status == 200 and "text/event-stream" in stream.headers
        assert stream.event() == {"retry": "1000"}  # reconnect a second after a drop
        first = stream.step_event()
        assert first["id"] == str(room.state.seq)
        payload = json.loads(first["data"])
        assert "step 1 of 3" in payload["html"] and "Distributed organizing" in payload["html"]
        assert "SECRET-NOTE" not in payload["html"]  # never a trainer's note
        # The presenter, on its own thread, presses Space.
        threading.Thread(target=room.show, args=("paths/first", 2)).start()
        second = stream.step_event()
        assert int(second["id"]) == int(first["id"]) + 1
        assert "step 2 of 3" in json.loads(second["data"])["html"]
        assert "Step 2: One-to-ones" in json.loads(second["data"])["title"]
        room.clear()
        assert "not presenting" in json.loads(stream.step_event()["data"])["html"]
    finally:
        stream.close()


def test_every_follower_sees_each_change(server: RoomServer, room: Room) -> None:
    streams = [Stream(server.port, room.cookie_token, f"?device=d{n}") for n in range(8)]
    try:
        for stream in streams:
            stream.step_event()  # the state now (nothing shown yet)
        assert wait_for(lambda: room.followers == 8)
        room.show("paths/first", 3)
        for stream in streams:
            assert "Gézi Park" in json.loads(stream.step_event()["data"])["html"]
    finally:
        for stream in streams:
            stream.close()


def test_a_reconnection_gets_what_it_missed_and_nothing_twice(
    server: RoomServer, room: Room
) -> None:
    room.show("paths/first", 1)
    seen = str(room.state.seq)
    # The browser reconnects after its Wi-Fi came back, saying what it last had.
    same = Stream(server.port, room.cookie_token, headers=f"Last-Event-ID: {seen}\r\n")
    try:
        assert same.event() == {"retry": "1000"}
        room.show("paths/first", 2)  # the next event is the change, not step 1 again
        assert "step 2 of 3" in json.loads(same.step_event()["data"])["html"]
    finally:
        same.close()
    missed = Stream(server.port, room.cookie_token, f"?last={seen}")  # the page's own retry
    try:
        missed.event()
        assert "step 2 of 3" in json.loads(missed.step_event()["data"])["html"]
    finally:
        missed.close()


def test_the_follower_count_rises_and_falls_and_is_announced(
    server: RoomServer, room: Room
) -> None:
    heard: list[RoomChanged] = []
    room.subscribe(heard.append)
    phones = [Stream(server.port, room.cookie_token, f"?device=phone{n}") for n in range(3)]
    assert wait_for(lambda: room.followers == 3)
    again = Stream(server.port, room.cookie_token, "?device=phone0")  # phone0 reconnects
    assert wait_for(lambda: room.followers == 3)
    for stream in (*phones, again):
        stream.close()
    assert wait_for(lambda: room.followers == 0)  # each left: noticed at once, no ping needed
    assert heard and heard[-1].followers == 0 and max(e.followers for e in heard) == 3


def test_the_stream_needs_the_room_code(server: RoomServer, room: Room) -> None:
    stream = Stream(server.port, "forged")
    try:
        assert stream.status == 403
    finally:
        stream.close()
    assert room.followers == 0


def test_stopping_the_server_ends_every_stream(library: object, room: Room) -> None:
    from kbtui.library import Library

    assert isinstance(library, Library)
    server = RoomServer(library, room, "127.0.0.1", 0)
    server.start()
    streams = [Stream(server.port, room.cookie_token) for _ in range(4)]
    for stream in streams:
        stream.step_event()
    server.stop()
    for stream in streams:
        try:
            while True:
                stream.event()
        except (EOFError, OSError):
            pass  # the stream ended, as it should
        stream.close()
    assert room.followers == 0 and not server.running

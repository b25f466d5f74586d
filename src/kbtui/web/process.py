"""The room's web reader in a process of its own, started and led by the app.

Serving a room of phones is steady Python work (pages, searches as thirty people
type, sixty open Follow streams). In the app's own process it would hold the
interpreter's lock the trainer's keystrokes wait for; in a child process it runs on
the other core. :class:`RoomProcess` is what the app holds: a :class:`RoomServer` to
the screens that show its addresses and QR code, with a :class:`PresentersRoom` the
presenter leads as any room.

The app binds the socket (so a taken port is said at once, as one sentence) and hands
it to the child, ``python -m kbtui.web.process``, with one JSON line on its stdin:
the KB, the cache, the room code. Then JSON lines both ways:

- app to child: ``{"show": [path, step]}``, ``{"clear": true}``, ``{"refresh": true}``
  (the KB changed: the app's sync has updated the index on disk);
- child to app: ``{"ready": true}`` or ``{"error": sentence}`` once, then
  ``{"followers": n}`` and ``{"notice": text}``.

The child ends when its stdin does: when sharing stops, and when the app ends in any
way, even killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kbtui.room import PresentersRoom, Room, RoomChanged
from kbtui.web.server import STOP_TIMEOUT, RoomServer, RoomServerError

if TYPE_CHECKING:
    from kbtui.library import Library, LibraryEvent

# The child runs this much nicer than the app: when both want a core, the scheduler
# gives it to the trainer's keys (see _yield_to_the_app).
NICENESS = 10
READY_TIMEOUT = 120.0  # seconds for the child to open the index and the links


class RoomProcess(RoomServer):
    """The web reader of ``library`` for ``room``, served by a child process."""

    room: PresentersRoom

    def __init__(
        self,
        library: Library,
        room: PresentersRoom,
        host: str = "0.0.0.0",
        port: int = 8765,
        notice: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(library, room, host, port, notice)
        self._child: subprocess.Popen[str] | None = None
        self._write_lock = threading.Lock()
        self._unsubscribe: list[Callable[[], None]] = []

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.poll() is None

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def start(self) -> None:
        """Bind, start the child and wait until it serves. Raises
        :class:`RoomServerError` with one sentence when it cannot."""
        if self.running:
            return
        sock = self._bind()
        self.port = sock.getsockname()[1]
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "kbtui.web.process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                pass_fds=[sock.fileno()],
                text=True,
                encoding="utf-8",
                start_new_session=True,  # Ctrl+C in the app's terminal is the app's
            )
        except OSError as error:
            sock.close()
            raise RoomServerError(f"The room's server could not start ({error}).") from None
        self._child = child
        cache = self.library.cache_root
        self._send(
            {
                "kb": str(self.library.root),
                "cache": None if cache is None else str(cache),
                "fd": sock.fileno(),
                "host": self.host,
                "port": self.port,
                "code": self.room.code,
                "require_code": self.room.require_code,
            }
        )
        sock.close()  # the child holds it now
        answer = _first_line(child, READY_TIMEOUT)
        if answer.get("ready") is not True:
            self.stop()
            why = answer.get("error") or "it did not start"
            raise RoomServerError(str(why))
        threading.Thread(target=self._listen, name="kbtui-room-child", daemon=True).start()
        self._unsubscribe = [
            self.room.subscribe(self._room_changed),
            self.library.subscribe(self._library_changed),
        ]
        if self.room.state.presenting:
            self._room_changed(RoomChanged(self.room.state, self.room.followers))

    def stop(self) -> None:
        """Stop the child (its followers' streams end first), waiting a few seconds."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin is not None:
            with self._write_lock, contextlib.suppress(OSError):
                child.stdin.close()
        try:
            child.wait(STOP_TIMEOUT * 2)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
        self.room.heard_followers(0)

    # -- the two directions ----------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        child = self._child
        if child is None or child.stdin is None:
            return
        with self._write_lock:
            try:
                child.stdin.write(json.dumps(message) + "\n")
                child.stdin.flush()
            except (OSError, ValueError):  # the child is gone: running says so
                pass

    def _room_changed(self, change: RoomChanged) -> None:
        state = change.state
        if state.presenting:
            self._send({"show": [state.path_slug, state.step]})
        else:
            self._send({"clear": True})

    def _library_changed(self, event: LibraryEvent) -> None:
        from kbtui.library import IndexReady

        if isinstance(event, IndexReady) and event.report.changed:
            self._send({"refresh": True})

    def _listen(self) -> None:
        child = self._child
        if child is None or child.stdout is None:
            return
        for line in child.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "followers" in message:
                self.room.heard_followers(int(message["followers"]))
            elif "notice" in message and self.notice is not None:
                self.notice(str(message["notice"]))
        self.room.heard_followers(0)


def _first_line(child: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    """The child's first message, or an error if it says nothing in time."""
    found: list[str] = []

    def read() -> None:
        if child.stdout is not None:
            found.append(child.stdout.readline())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found or not found[0]:
        return {"error": "The room's server could not start (it ended or did not answer)."}
    try:
        message: dict[str, Any] = json.loads(found[0])
    except ValueError:
        return {"error": "The room's server could not start (it answered nonsense)."}
    return message


# -- the child -------------------------------------------------------------------------


def _say(out: IO[str], lock: threading.Lock, message: dict[str, Any]) -> None:
    with lock:
        try:
            out.write(json.dumps(message) + "\n")
            out.flush()
        except (OSError, ValueError):
            pass


def _yield_to_the_app() -> None:
    """Make way for the trainer's keys: run nicer than the app, and keep to one of its
    processors (the last) when it has more, so the app always has the others. A room
    of sixty takes under a fifth of one core; on two cores, the app's keystroke-to-results
    p95 under the room's load came 14 ms over its figure without the room when the
    server could run on either core, 3-7 ms over when it kept to one."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)
    with contextlib.suppress(OSError, AttributeError):  # no affinity on macOS or Windows
        cpus = os.sched_getaffinity(0)
        if len(cpus) > 1:
            os.sched_setaffinity(0, {max(cpus)})


def child_main(stdin: IO[str], stdout: IO[str]) -> int:
    """Serve the room until stdin ends (run as ``python -m kbtui.web.process``)."""
    import socket

    from kbtui.library import Library

    lock = threading.Lock()
    _yield_to_the_app()
    try:
        config = json.loads(stdin.readline())
        sock = socket.socket(fileno=int(config["fd"]))
        cache = config.get("cache")
        library = Library(Path(config["kb"]), cache_root=Path(cache) if cache else None)
    except (ValueError, KeyError, TypeError, OSError) as error:
        _say(stdout, lock, {"error": f"The room's server could not start ({error})."})
        return 1
    try:
        library.open_index()  # a failure is kept: pages still read, search says so
        library.load_graph(pause=False)
        room = Room(config.get("code"), require_code=bool(config.get("require_code", True)))
        server = RoomServer(
            library,
            room,
            str(config.get("host", "0.0.0.0")),
            int(config.get("port", 0)),
            notice=lambda text: _say(stdout, lock, {"notice": text}),
            sock=sock,
        )
        server.start()
    except (RoomServerError, OSError) as error:
        _say(stdout, lock, {"error": str(error)})
        library.close()
        return 1
    room.subscribe(lambda change: _say(stdout, lock, {"followers": change.followers}))
    refresh = _Refresher(library)
    _say(stdout, lock, {"ready": True})
    try:
        for line in stdin:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "show" in message:
                path_slug, step = message["show"]
                room.show(str(path_slug), int(step))
            elif "clear" in message:
                room.clear()
            elif "refresh" in message:
                refresh.ask()
    finally:
        server.stop()
        refresh.stop()
        library.close()
    return 0


class _Refresher:
    """Brings the child's library in step after the app synced the index: one refresh
    at a time on a thread of its own, asks made meanwhile folded into the next."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._wanted = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._run, name="kbtui-room-refresh", daemon=True)
        self._thread.start()

    def ask(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._done = True
        self._wanted.set()
        self._thread.join(STOP_TIMEOUT)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._done:
                return
            self._wanted.clear()
            try:
                self.library.refresh()
            except Exception:  # any failure of the moment: the next ask tries again
                continue


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(child_main(sys.stdin, sys.stdout))

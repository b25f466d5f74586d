"""The room's server: uvicorn on a thread of its own, the addresses to give the room,
and the QR code that carries one of them to a phone.

``RoomServer(library, room, host, port).start()`` binds the port at once (so "port
in use" is an error the caller sees, in one sentence), then serves on a background
thread with its own event loop; no signal handler is installed, so it runs inside
the TUI as well as under ``kbtui serve``. ``stop()`` ends every follower's stream
and the server within a few seconds.

Log lines (one per problem, never a traceback) go to the ``notice`` callback, if
given, and nowhere else: inside a terminal app a stray line on stderr would tear
the screen.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from kbtui.room import Room
from kbtui.web.interfaces import local_interfaces

if TYPE_CHECKING:
    import uvicorn

    from kbtui.library import Library
    from kbtui.web.app import RoomApp

DEFAULT_PORT = 8765
ALL_INTERFACES = ("0.0.0.0", "", "::")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "kbtui.web")


class RoomServerError(Exception):
    """The server cannot start; the message is one clear sentence."""


@dataclass(frozen=True)
class RoomAddress:
    interface: str  # e.g. "wlan0", or "loopback"
    url: str  # with the room code when one is needed
    loopback: bool  # reachable from this machine only


class _Notices(logging.Handler):
    def __init__(self, notice: Callable[[str], object] | None) -> None:
        super().__init__(logging.WARNING)
        self.notice = notice

    def emit(self, record: logging.LogRecord) -> None:
        if self.notice is not None:
            self.notice(record.getMessage().splitlines()[0] if record.getMessage() else "")


class RoomServer:
    """The web reader of ``library`` for ``room``, on ``host``:``port``."""

    def __init__(
        self,
        library: Library,
        room: Room,
        host: str = "0.0.0.0",
        port: int = DEFAULT_PORT,
        notice: Callable[[str], object] | None = None,
        sock: socket.socket | None = None,
    ) -> None:
        self.library = library
        self._sock = sock  # already bound and listening (by the app, for its child)
        self.room = room
        self.host = host
        self.port = port
        self.notice = notice
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._app: RoomApp | None = None
        self._handler = _Notices(notice)
        self._failure: BaseException | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Bind and serve; returns once the server answers. Raises
        :class:`RoomServerError` when the port is taken or the host is not this
        machine's."""
        if self.running:
            return
        import uvicorn

        from kbtui.web.app import build_app

        sock, self._sock = self._sock or self._bind(), None
        self.port = sock.getsockname()[1]
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(self._handler)
            logger.propagate = False
        self._app = build_app(self.library, self.room)
        config = uvicorn.Config(
            self._app,
            log_config=None,
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            proxy_headers=False,  # the client's own address counts, for the code's slowdown
            server_header=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=5,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._failure = None

        def run() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except BaseException as error:  # reported to start() below, or logged
                self._failure = error
                logging.getLogger("kbtui.web").error("The room's server stopped: %s", error)
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name="kbtui-room-server", daemon=True)
        self._thread.start()
        started = threading.Event()

        def wait() -> None:
            while not server.started and self._thread is not None and self._thread.is_alive():
                started.wait(0.02)

        wait()
        if not server.started:
            self.stop()
            why = self._failure or "it did not start"
            raise RoomServerError(f"The room's server could not start ({why}).")

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # Said to be TCP, asyncio sets TCP_NODELAY on each connection it accepts (it
        # leaves a socket of protocol 0 alone): no answer waits for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            if hasattr(socket, "SO_REUSEADDR") and not hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
                # lets a restart bind while old connections linger; never a live port
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(2048)
        except OSError as error:
            sock.close()
            raise RoomServerError(_bind_sentence(self.host, self.port, error)) from None
        except OverflowError:
            sock.close()
            raise RoomServerError(f"Port {self.port} is not a port (use 1-65535).") from None
        sock.setblocking(False)
        return sock

    def stop(self) -> None:
        """End every follower's stream, then the server; waits a few seconds at most."""
        self.room.end_all()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT)
        self._thread = None
        self._server = None
        if self._app is not None:
            self._app.close()
            self._app = None
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(self._handler)

    # -- where the room finds it -------------------------------------------------------

    @property
    def addresses(self) -> list[RoomAddress]:
        """One address per local network interface the server listens on (the room's
        networks first, this machine's own last), each with the room code."""
        if self.host in ALL_INTERFACES:
            found = [(i.name, i.address, i.loopback) for i in local_interfaces()]
        else:
            found = [(self.host, self.host, self.host.startswith("127.") or self.host == "::1")]
        return [RoomAddress(name, self.url_for(host), loop) for name, host, loop in found]

    def url_for(self, host: str) -> str:
        shown = f"[{host}]" if ":" in host else host
        code = f"?code={quote(self.room.code)}" if self.room.require_code else ""
        return f"http://{shown}:{self.port}/{code}"

    @property
    def url(self) -> str:
        """The address for the QR code: the first one the room can reach."""
        found = self.addresses
        room = [a for a in found if not a.loopback]
        return (room or found)[0].url if found else self.url_for("127.0.0.1")

    def reach(self) -> str:
        """Who can reach the server, in one sentence."""
        if self.host in ALL_INTERFACES:
            who = "Anyone on this machine's networks"
        elif self.host.startswith("127.") or self.host in ("localhost", "::1"):
            return "Only this machine can reach it (--host 0.0.0.0 opens it to the room)."
        else:
            who = f"Anyone who can reach {self.host}"
        if self.room.require_code:
            return f"{who} who has the room code {self.room.code} can read this KB (read only)."
        return f"{who} can read this KB (read only; no room code asked)."


def _bind_sentence(host: str, port: int, error: OSError) -> str:
    if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return (
            f"Port {port} is already in use on {host or 'this machine'}: "
            f"stop what uses it, or choose another with --port."
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"Port {port} needs special rights here: choose one above 1024 with --port."
    if error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        return f"{host} is not an address of this machine: give one of its own with --host."
    return f"Cannot listen on {host}:{port} ({error.strerror or error})."


# -- the QR code -------------------------------------------------------------------------

_HALVES = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_lines(url: str, border: int = 4) -> list[str]:
    """``url`` as a QR code in Unicode blocks, two module rows per line: "█" marks dark
    modules, so draw the lines dark on light (black on white) - the way a phone's
    camera reads it, whatever the terminal's own colours. The ``border`` of light
    modules is the quiet zone a scanner needs."""
    import segno

    code = segno.make(url, error="m", micro=False)
    rows = [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return [
        "".join(_HALVES[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    ]

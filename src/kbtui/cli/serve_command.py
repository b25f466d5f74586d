"""``kbtui serve``: the KB on every phone in the room, until Ctrl+C."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from typing import Any

from kbtui.cli.errors import UsageError
from kbtui.cli.output import say, warn
from kbtui.paths import resolve_kb

DEFAULT_HOST = "0.0.0.0"  # a room's phones reach the laptop over its network
# Black on white, whatever the terminal's colours: the way a camera reads a QR code.
_QR_ON = "\x1b[30;107m"
_QR_OFF = "\x1b[0m"


def add_serve_command(commands: Any, add_kb: Callable[..., None]) -> None:
    serve = commands.add_parser(
        "serve",
        help="share the KB with the room: a read-only web reader for phones on this network",
        description=(
            "Serve a read-only web reader of the KB to the devices on this machine's "
            "networks (a room's Wi-Fi or this laptop's hotspot). Phones scan the QR code "
            "it prints; a room code in that address keeps out anyone not in the room."
        ),
    )
    add_kb(serve, argparse.SUPPRESS)
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="H",
        help="the address to listen on (default 0.0.0.0: every network of this machine; "
        "127.0.0.1 keeps it to this machine)",
    )
    serve.add_argument(
        "--port", type=int, default=8765, metavar="P", help="the port (default 8765)"
    )
    serve.add_argument(
        "--no-code",
        action="store_true",
        help="let in anyone who can reach the address, without the room code",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from kbtui.cli.search_commands import ProgressBar
    from kbtui.library import Library
    from kbtui.room import Room
    from kbtui.web.server import RoomServer, RoomServerError, qr_lines

    if not 0 <= args.port <= 65535:
        raise UsageError(f"Port {args.port} is not a port (use 1-65535).")
    library = Library(resolve_kb(getattr(args, "kb", None)))
    if library.open_index(progress=ProgressBar("Indexing")) is None:
        warn(f"Search is unavailable ({library.index_error}); reading still works.")
    library.load_graph(pause=False)
    room = Room(require_code=not args.no_code)
    server = RoomServer(library, room, args.host, args.port, notice=warn)
    try:
        server.start()
    except RoomServerError as error:
        raise UsageError(str(error)) from None
    try:
        say(f"kbtui is serving {len(library)} entries to the room (read only).")
        say(server.reach())
        say()
        for address in server.addresses:
            where = "this machine only" if address.loopback else address.interface
            say(f"  {address.url}   ({where})")
        say()
        _print_qr(qr_lines(server.url))
        say(f"Scan to open {server.url}")
        if room.require_code:
            say(f"Or open the address and type the room code: {room.code}")
        say("Press Ctrl+C to stop.")
        sys.stdout.flush()
        threading.Event().wait()  # until Ctrl+C
    except KeyboardInterrupt:
        say("\nStopping the room's server.")
    finally:
        server.stop()
        library.close()
    return 0


def _print_qr(lines: list[str]) -> None:
    colour = sys.stdout.isatty()
    for line in lines:
        sys.stdout.write((_QR_ON + line + _QR_OFF if colour else line) + "\n")

"""Share with the room: the web reader started inside the running app, its addresses,
a QR code a phone camera reads from the laptop screen, and how many devices follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from kbtui.kb.boundary import display

if TYPE_CHECKING:
    from kbtui.room import RoomChanged
    from kbtui.web.server import RoomServer


@dataclass
class FollowersChanged(Message):
    """How many devices follow the presenter now (relayed from the room's thread)."""

    followers: int


class RoomScreen(ModalScreen[bool]):
    """The room's panel; dismissed with True when the trainer stops sharing."""

    BINDINGS = [
        Binding("escape", "close", "Close the panel", id="room.close"),
        Binding("s", "stop", "Stop sharing", id="room.stop"),
    ]

    def __init__(self, server: RoomServer) -> None:
        super().__init__()
        self.server = server
        self._unsubscribe = server.room.subscribe(self._heard)

    def _heard(self, change: RoomChanged) -> None:  # on the room's thread
        self.post_message(FollowersChanged(change.followers))

    def compose(self) -> ComposeResult:
        from kbtui.web.server import qr_lines

        with VerticalScroll(id="room-box"):
            yield Static(Text("Share with the room", style="bold"), id="room-title")
            lines = Text()
            for address in self.server.addresses:
                where = "this machine only" if address.loopback else address.interface
                lines.append(f"{display(address.url)}", style="bold")
                lines.append(f"   {display(where)}\n", style="dim")
            lines.append(display(self.server.reach()), style="italic")
            yield Static(lines, id="room-addresses")
            yield Static(Text("\n".join(qr_lines(self.server.url)), no_wrap=True), id="room-qr")
            yield Static(self._count(self.server.room.followers), id="room-followers")
            yield Static(Text("s stops sharing · Esc closes this panel", style="dim"))

    @staticmethod
    def _count(followers: int) -> Text:
        noun = "device follows" if followers == 1 else "devices follow"
        return Text(f"{followers} {noun} the presenter.", style="bold")

    @on(FollowersChanged)
    def _followers(self, message: FollowersChanged) -> None:
        self.query_one("#room-followers", Static).update(self._count(message.followers))

    def on_unmount(self) -> None:
        self._unsubscribe()

    def action_close(self) -> None:
        self.dismiss(False)

    def action_stop(self) -> None:
        self.dismiss(True)

"""The training room: what the presenter shows, who follows it, and the room code.

A :class:`Room` is the follow state of one training. The presenter (on the TUI's
thread) calls :meth:`Room.show` with the reading path and the step it shows; every
device that opened the web reader's Follow page holds a :class:`FollowChannel` (one
Server-Sent Events connection) and gets the change pushed to it at once. Listeners
(the TUI) hear of every change of step and of the number of followers.

No Textual and no web framework here: the server side needs only an asyncio loop.
Each channel has a small queue that lives on its connection's event loop; a change
is handed to it with ``call_soon_threadsafe``, so :meth:`show` is safe to call from
any thread and never waits for a slow phone. A follower only ever needs the latest
step, so a full queue drops its oldest item.

The room code is short and easy to type on a phone: six letters and digits with
none that look alike (no 0/o, 1/l/i). It goes into the QR code's address; a device
that presented it once carries :attr:`Room.cookie_token` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 6
QUEUE_SIZE = 4  # changes waiting for one slow connection; older ones are dropped


@dataclass(frozen=True)
class FollowState:
    """What the presenter shows. ``seq`` grows with every change: it is the event id
    a reconnecting browser sends back (``Last-Event-ID``)."""

    seq: int
    path_slug: str | None = None
    step: int | None = None  # the step's number, 1 for the first

    @property
    def presenting(self) -> bool:
        return self.path_slug is not None and self.step is not None


@dataclass(frozen=True)
class RoomChanged:
    """The step shown or the number of followers changed."""

    state: FollowState
    followers: int


RoomListener = Callable[[RoomChanged], object]


class _Closed:
    """Put in a channel's queue when the channel is to end (server stopping, or the
    same device connected again)."""


CLOSED = _Closed()


def make_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as a code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.lower() if ch not in " -_\t")


class FollowChannel:
    """One follower's connection. Created and read on the server's event loop."""

    def __init__(self, room: Room, device: str | None) -> None:
        self.room = room
        self.device = device
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[FollowState | _Closed] = asyncio.Queue(QUEUE_SIZE)
        self.closed = False

    def deliver(self, item: FollowState | _Closed) -> None:
        """Called on the channel's loop: queue ``item``, dropping the oldest if full."""
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(item)

    def send(self, item: FollowState | _Closed) -> bool:
        """From any thread: hand ``item`` to the channel's loop. False when that loop
        is gone (the server stopped under it)."""
        try:
            self.loop.call_soon_threadsafe(self.deliver, item)
        except RuntimeError:
            return False
        return True

    async def next(self, timeout: float) -> FollowState | _Closed | None:
        """The next change, CLOSED when the channel ends, None after ``timeout`` s."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.room._leave(self)


class Room:
    """The follow state of one training, shared by the presenter and the server."""

    def __init__(self, code: str | None = None, require_code: bool = True) -> None:
        self.code = normalise_code(code) if code else make_code()
        self.require_code = require_code
        # What a device that gave the right code keeps in a cookie: long and random,
        # so the cookie cannot be guessed even though the code is short.
        self.cookie_token = secrets.token_urlsafe(24)
        self._lock = threading.Lock()
        self._state = FollowState(0)
        self._channels: list[FollowChannel] = []
        self._listeners: list[RoomListener] = []

    # -- the code ------------------------------------------------------------------

    def check_code(self, given: str) -> bool:
        """Whether ``given`` is this room's code (in constant time)."""
        return hmac.compare_digest(normalise_code(given).encode(), self.code.encode())

    def check_token(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.cookie_token.encode())

    # -- the presenter's side ----------------------------------------------------------

    def show(self, path_slug: str, step: int) -> None:
        """The presenter now shows step number ``step`` (1 for the first) of the reading
        path ``path_slug``. Safe from any thread; returns at once."""
        if step < 1:
            raise ValueError(f"step numbers start at 1, not {step}")
        self._change(path_slug, step)

    def clear(self) -> None:
        """The presenter stopped presenting."""
        self._change(None, None)

    def _change(self, path_slug: str | None, step: int | None) -> None:
        with self._lock:
            if self._state.path_slug == path_slug and self._state.step == step:
                return
            self._state = FollowState(self._state.seq + 1, path_slug, step)
            state = self._state
            channels = list(self._channels)
        gone = [channel for channel in channels if not channel.send(state)]
        for channel in gone:
            channel.close()
        self._announce()

    @property
    def state(self) -> FollowState:
        return self._state

    @property
    def followers(self) -> int:
        """Devices following now: one per device id, one per connection without."""
        with self._lock:
            return self._counted()

    def _counted(self) -> int:  # under the lock
        return _count(self._channels)

    # -- listeners ---------------------------------------------------------------------

    def subscribe(self, listener: RoomListener) -> Callable[[], None]:
        """Call ``listener`` on every change of step or follower count, on the thread
        that made it (the presenter's, or the server's); returns the unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def _announce(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
            event = RoomChanged(self._state, self._counted())
        for listener in listeners:
            listener(event)

    # -- the server's side (on its event loop) -----------------------------------------

    def join(self, device: str | None = None) -> FollowChannel:
        """A new follower connection. ``device`` (a random id the page keeps) lets the
        same phone reconnecting replace its old, perhaps half-dead connection."""
        channel = FollowChannel(self, device)
        with self._lock:
            replaced = [c for c in self._channels if device and c.device == device]
            self._channels = [c for c in self._channels if c not in replaced]
            self._channels.append(channel)
        for old in replaced:
            old.closed = True
            old.send(CLOSED)
        self._announce()
        return channel

    def _leave(self, channel: FollowChannel) -> None:
        with self._lock:
            if channel not in self._channels:
                return
            self._channels.remove(channel)
        self._announce()

    def end_all(self) -> None:
        """End every follower connection (the server is stopping)."""
        with self._lock:
            channels, self._channels = self._channels, []
        for channel in channels:
            channel.closed = True
            channel.send(CLOSED)
        if channels:
            self._announce()


class PresentersRoom(Room):
    """The presenter's side of a room whose web server runs in another process
    (:mod:`kbtui.web.process`): :meth:`show` and :meth:`clear` as in any room, handed
    on to that process; the followers are counted there and told here."""

    def __init__(self, code: str | None = None, require_code: bool = True) -> None:
        super().__init__(code, require_code)
        self._remote_followers = 0

    def heard_followers(self, count: int) -> None:
        """The server's process counted ``count`` followers."""
        with self._lock:
            if count == self._remote_followers:
                return
            self._remote_followers = count
        self._announce()

    def _counted(self) -> int:
        return self._remote_followers


def _count(channels: list[FollowChannel]) -> int:
    devices = {c.device for c in channels if c.device}
    return len(devices) + sum(1 for c in channels if not c.device)

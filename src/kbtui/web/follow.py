"""Follow the trainer: one Server-Sent Events stream per following device.

The stream opens with ``retry: 1000`` (a browser that lost the line tries again
after a second), then the step shown now - unless the browser says with
``Last-Event-ID`` (or ``?last=`` when the page itself reconnects) that it already has
it - then every change as it happens, and a ``ping`` event every few seconds so the
page can tell a live line from a dead one. Each step's content is rendered once (on
the thread pool) and shared by every follower.
"""

from __future__ import annotations

import asyncio
import contextlib
import re

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from kbtui.room import FollowChannel, FollowState, Room
from kbtui.web.site import Site

PING_EVERY = 10.0  # seconds; the page reconnects after 25 s without a word
RECONNECT_MS = 1000
KEEP_RENDERS = 4
_DEVICE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class StepRenders:
    """The Follow page's content for each recent state, rendered once for everyone.
    Used on the server's event loop only."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._tasks: dict[int, asyncio.Task[str]] = {}

    async def payload(self, state: FollowState) -> str:
        task = self._tasks.get(state.seq)
        if task is None:
            task = asyncio.ensure_future(run_in_threadpool(self.site.now_payload, state))
            self._tasks[state.seq] = task
            for old in sorted(self._tasks)[:-KEEP_RENDERS]:
                del self._tasks[old]
        return await asyncio.shield(task)


class EventStream(Response):
    """The response that is one follower's stream, until the device leaves or the
    server stops."""

    media_type = "text/event-stream"

    def __init__(self, room: Room, renders: StepRenders, last: str, device: str | None) -> None:
        super().__init__(
            None,
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
            media_type=self.media_type,
        )
        self.room = room
        self.renders = renders
        self.last = last
        self.device = device

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        channel = self.room.join(self.device)
        try:
            raw = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
            await send({"type": "http.response.start", "status": 200, "headers": raw})
            async with anyio.create_task_group() as group:

                async def until_gone() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(until_gone)
                await self._stream(send, channel)
                group.cancel_scope.cancel()
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the device went away mid-write: its stream simply ends
        finally:
            channel.close()

    async def _stream(self, send: Send, channel: FollowChannel) -> None:
        async def write(text: str) -> None:
            await send({"type": "http.response.body", "body": text.encode(), "more_body": True})

        await write(f"retry: {RECONNECT_MS}\n\n")
        state = self.room.state
        sent = state.seq
        if self.last != str(state.seq):
            await write(await self._event(state))
        while True:
            item = await channel.next(PING_EVERY)
            if item is None:
                await write("event: ping\ndata: \n\n")
                continue
            if not isinstance(item, FollowState):
                return  # closed: the server stops, or the device connected again
            if item.seq <= sent:
                continue  # already sent (a change that raced the first state)
            await write(await self._event(item))
            sent = item.seq

    async def _event(self, state: FollowState) -> str:
        payload = await self.renders.payload(state)
        return f"id: {state.seq}\nevent: step\ndata: {payload}\n\n"


def events_endpoint(room: Room, renders: StepRenders) -> object:
    async def follow_events(request: Request) -> Response:
        last = request.headers.get("last-event-id") or request.query_params.get("last", "")
        device = request.query_params.get("device", "")
        return EventStream(room, renders, last, device if _DEVICE.match(device) else None)

    return follow_events

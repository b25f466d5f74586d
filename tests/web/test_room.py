"""The room's follow state: steps, followers, listeners, the code, and the channels
that carry a change from any thread to the server's event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from kbtui.room import CLOSED, CODE_ALPHABET, FollowState, Room, RoomChanged, make_code


def test_codes_are_short_easy_to_type_and_random() -> None:
    codes = {make_code() for _ in range(200)}
    assert len(codes) > 190  # random, not a fixed or counted code
    for code in codes:
        assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert not set("01ilo") & set(CODE_ALPHABET)  # nothing that looks like another


def test_check_code_forgives_case_spaces_and_dashes_only() -> None:
    room = Room(code="abc234")
    assert room.check_code("abc234") and room.check_code("ABC-234") and room.check_code(" abc 234")
    assert not room.check_code("abc235") and not room.check_code("") and not room.check_code("abc")
    assert room.check_token(room.cookie_token) and not room.check_token("abc234")
    assert len(room.cookie_token) >= 30 and room.cookie_token != Room(code="abc234").cookie_token


def test_show_moves_the_step_and_tells_listeners() -> None:
    room = Room()
    heard: list[RoomChanged] = []
    unsubscribe = room.subscribe(heard.append)
    assert room.state == FollowState(0) and not room.state.presenting
    room.show("paths/first", 1)
    room.show("paths/first", 1)  # the same step again is no change
    room.show("paths/first", 2)
    assert [(e.state.seq, e.state.step) for e in heard] == [(1, 1), (2, 2)]
    assert room.state.presenting and room.state.path_slug == "paths/first"
    room.clear()
    assert heard[-1].state == FollowState(3) and not room.state.presenting
    unsubscribe()
    room.show("paths/first", 3)
    assert len(heard) == 3
    with pytest.raises(ValueError, match="start at 1"):
        room.show("paths/first", 0)


def test_followers_are_counted_per_device_and_a_reconnect_replaces_the_old_line() -> None:
    room = Room()
    counts: list[int] = []
    room.subscribe(lambda event: counts.append(event.followers))

    async def scenario() -> tuple[int, object, int, int]:
        first = room.join("phone-a")
        second = room.join("phone-b")
        anonymous = room.join(None)
        again = room.join("phone-a")  # the same phone after its Wi-Fi came back
        seen_by_old = await first.next(1.0)
        during = room.followers
        for channel in (second, anonymous, again):
            channel.close()
        first.close()  # already replaced: closing it changes nothing
        return during, seen_by_old, room.followers, len(counts)

    during, seen_by_old, after, events = asyncio.run(scenario())
    assert during == 3  # phone-a once, phone-b, one anonymous connection
    assert seen_by_old is CLOSED
    assert after == 0
    assert counts == [1, 2, 3, 3, 2, 1, 0] and events == 7


def test_a_step_shown_from_another_thread_reaches_every_channel() -> None:
    room = Room()

    async def scenario() -> list[object]:
        channels = [room.join(f"device-{n}") for n in range(5)]
        presenter = threading.Thread(target=room.show, args=("paths/first", 4))
        presenter.start()
        got = [await channel.next(5.0) for channel in channels]
        presenter.join()
        return got

    got = asyncio.run(scenario())
    assert all(isinstance(g, FollowState) and g.step == 4 and g.seq == 1 for g in got)


def test_a_slow_follower_keeps_only_the_latest_changes() -> None:
    room = Room()

    async def scenario() -> list[int]:
        channel = room.join("slow")
        for step in range(1, 11):
            room.show("paths/first", step)
        await asyncio.sleep(0)  # let the loop hand the changes over
        seen = []
        while (item := await channel.next(0.05)) is not None:
            assert isinstance(item, FollowState)
            seen.append(item.step or 0)
        return seen

    seen = asyncio.run(scenario())
    assert seen[-1] == 10 and len(seen) <= 4  # bounded, and the newest is never lost


def test_end_all_closes_every_channel_and_a_gone_loop_is_dropped() -> None:
    room = Room()

    async def scenario() -> list[object]:
        channels = [room.join(None) for _ in range(3)]
        room.end_all()
        return [await c.next(1.0) for c in channels]

    assert asyncio.run(scenario()) == [CLOSED] * 3
    assert room.followers == 0

    async def leave_open() -> None:
        room.join("left-behind")

    asyncio.run(leave_open())  # that loop is closed now, its channel never closed
    assert room.followers == 1
    room.show("paths/first", 1)  # cannot reach the dead loop: the channel is dropped
    assert room.followers == 0

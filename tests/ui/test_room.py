"""Share with the room from the running app: the web reader starts on the app's own KB
session, its panel shows the address and a QR code, and the presenter leads it."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from textual.pilot import Pilot

from kbtui.ui.app import KBApp
from kbtui.ui.screens.presenter import PresenterScreen
from kbtui.ui.screens.room import RoomScreen
from tests.ui.conftest import settle
from tests.ui.test_app import drive, screen_text


async def until_shown(pilot: Pilot[None], kind: type) -> None:
    for _ in range(200):
        await settle(pilot, rounds=1)
        if isinstance(pilot.app.screen, kind):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never showed")


def test_share_with_the_room_and_present_to_it(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until_shown(pilot, RoomScreen)
        server = app.room_server
        assert server is not None and server.running
        text = screen_text(app)
        assert server.room.code in text and "█" in text  # the address with its code, a QR
        url = server.url_for("127.0.0.1")
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(url, timeout=10) as page:  # the same KB, on the web
            assert page.status == 200
            assert "Street teams" in page.read().decode("utf-8")
        await pilot.press("escape")
        app.present("paths/first-evening")
        await until_shown(pilot, PresenterScreen)
        await settle(pilot)
        assert server.room.state.path_slug == "paths/first-evening"
        assert server.room.state.step == 1
        await pilot.press("space")
        await settle(pilot)
        assert server.room.state.step == 2  # followers' pages follow the presenter
        await pilot.press("escape")
        await settle(pilot)
        assert not server.room.state.presenting
        await pilot.press("s")
        await until_shown(pilot, RoomScreen)
        await pilot.press("s")  # stop sharing
        await settle(pilot)
        assert app.room_server is None and not server.running

    drive(ui_kb, scenario, room_host="127.0.0.1", room_port=0)


def test_the_room_is_served_by_a_process_of_its_own_that_follows_the_app(ui_kb: Path) -> None:
    """Serving a room of phones must not take the app's interpreter from the trainer's
    keystrokes: the web reader runs in a child process, led by the app (the presenter's
    step, the KB's changes) and gone when sharing stops."""
    import os
    import threading
    import time

    seen: dict[str, object] = {}

    def fetch(opener: urllib.request.OpenerDirector, url: str) -> str:
        with opener.open(url, timeout=10) as page:
            return str(page.read().decode("utf-8"))

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until_shown(pilot, RoomScreen)
        server = app.room_server
        assert server is not None and server.running
        seen["pid"] = server.pid
        assert server.pid is not None
        seen["niceness"] = os.getpriority(os.PRIO_PROCESS, server.pid)
        seen["cpus"] = os.sched_getaffinity(server.pid)
        seen["threads"] = [t.name for t in threading.enumerate()]
        base = server.url_for("127.0.0.1").split("?")[0]
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        assert "Street teams" in fetch(browser, server.url_for("127.0.0.1"))
        await pilot.press("escape")
        app.present("paths/first-evening")
        await until_shown(pilot, PresenterScreen)
        await pilot.press("space")
        await settle(pilot)
        deadline = time.monotonic() + 10
        while "step 2 of 3" not in (now := fetch(browser, base + "follow/now")):
            assert time.monotonic() < deadline, now
            time.sleep(0.1)
        await pilot.press("escape")
        (ui_kb / "new-arrival.md").write_text(
            "# A new arrival\n\n## Summary\nWritten while the room reads.\n", encoding="utf-8"
        )
        app.library.refresh()  # as the watcher does when the file appears
        await settle(pilot)
        deadline = time.monotonic() + 10
        while "A new arrival" not in fetch(browser, base):
            assert time.monotonic() < deadline, "the room never listed the new entry"
            time.sleep(0.1)
        await pilot.press("s")
        await until_shown(pilot, RoomScreen)
        await pilot.press("s")  # stop sharing
        await settle(pilot)
        seen["running"] = server.running

    drive(ui_kb, scenario, room_host="127.0.0.1", room_port=0, watch=False)
    assert seen["pid"] != os.getpid()
    # It yields the cores to the app when both want them: the trainer's keys first.
    assert seen["niceness"] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    # And it keeps to one of the app's processors, leaving the others to the app.
    ours = os.sched_getaffinity(0)
    assert seen["cpus"] == ({max(ours)} if len(ours) > 1 else ours)
    assert "kbtui-room-server" not in seen["threads"]  # no server thread in the app
    assert seen["running"] is False
    pid = seen["pid"]
    assert isinstance(pid, int)
    deadline = time.monotonic() + 10
    while (
        Path(f"/proc/{pid}").exists()
        and Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0
    ):
        assert time.monotonic() < deadline, "the room's process outlived sharing"
        time.sleep(0.1)

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

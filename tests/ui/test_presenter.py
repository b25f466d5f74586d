"""The presenter, driven with Pilot: steps, notes, body on demand, detours and back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Digits, Static

from kbtui.ui.app import KBApp
from kbtui.ui.screens.main import MainScreen
from kbtui.ui.screens.presenter import PresenterScreen
from kbtui.ui.widgets.links import EntryLink
from tests.conftest import write_kb
from tests.ui.conftest import settle

KB = {
    "distributed-organizing.md": "# Distributed organizing\n\n## Summary\nMany hands, one plan.\n\n"
    "## Body\nTeams act locally.\n\n## Related\n- one-to-ones\n- power-mapping\n",
    "one-to-ones.md": "# One-to-ones\n\n## Summary\nListen before you ask.\n\n## Body\n"
    "A planned conversation.\n\n## Related\n- distributed-organizing\n",
    "power-mapping.md": "# Power mapping\n\n## Summary\nWho decides, who sways them.\n",
    "paths/first.md": "# First session\n\nAn intro.\n\n"
    "1. distributed-organizing — Ask the room for a local example.\n"
    "2. one-to-ones — Practise in pairs.\n",
}


def text_of(screen: PresenterScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def present(
    kb: Path,
    scenario: Callable[[KBApp, Pilot[None]], Awaitable[None]],
    size: tuple[int, int] = (80, 24),
    **options: object,
) -> None:
    app = KBApp(kb, save=False, **options)  # type: ignore[arg-type]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(app, pilot)

    asyncio.run(run())


def test_presenter_walks_a_path(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", KB)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert "step 1 of 2" in text_of(screen, "#present-where")
        assert "Distributed organizing" in text_of(screen, "#present-title")
        assert "Many hands" in text_of(screen, "#present-summary")
        assert "Ask the room" in text_of(screen, "#present-note")
        assert str(screen.query_one("#present-number", Digits).value) == "1"
        assert not screen.query_one("#present-body").display

        await pilot.press("enter")  # the body on demand
        await settle(pilot)
        assert screen.query_one("#present-body").display

        await pilot.press("space")
        await settle(pilot)
        assert "step 2 of 2" in text_of(screen, "#present-where")
        assert "Practise in pairs" in text_of(screen, "#present-note")
        assert not screen.query_one("#present-body").display  # hidden again per step

        await pilot.press("right")  # past the end: stays, says so
        await settle(pilot)
        assert "step 2 of 2" in text_of(screen, "#present-where")

        await pilot.press("left")
        await settle(pilot)
        assert "step 1 of 2" in text_of(screen, "#present-where")

        # Tab to a link, follow it out, Backspace back to the path.
        await pilot.press("tab")
        assert isinstance(app.focused, EntryLink)
        target = app.focused.slug
        await pilot.press("enter")
        await settle(pilot)
        assert screen.detour is not None and screen.detour.slug == target
        assert "detour" in text_of(screen, "#present-where")
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.detour is None
        assert "Distributed organizing" in text_of(screen, "#present-title")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    present(kb, scenario, present="paths/first")


def test_presenter_from_the_app_with_p(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", KB)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PresenterScreen)
        assert app.screen.path_slug == "paths/first"

    present(kb, scenario, size=(120, 40), open_slug="paths/first")


def test_presenting_a_missing_path_says_so(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", KB)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert "Nothing to present" in text_of(screen, "#present-where")
        await pilot.press("space", "left", "enter")  # harmless
        assert app.is_running

    present(kb, scenario, present="paths/nope")

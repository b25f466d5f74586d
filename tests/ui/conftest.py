"""Helpers for driving the app with Pilot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ui-kb"


@pytest.fixture
def ui_kb(tmp_path: Path) -> Path:
    """A private copy of the UI fixture KB (tests may add files to it)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "ui-kb"))


async def settle(pilot: Pilot[None], rounds: int = 4) -> None:
    """Let workers finish and the messages they post be handled."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await searches_done(pilot)
    await pilot.pause()


async def searches_done(pilot: Pilot[None]) -> None:
    """Wait while the search pane's thread has a query in hand."""
    from kbtui.ui.widgets.search_pane import SearchPane

    panes = list(pilot.app.query(SearchPane)) if pilot.app.screen_stack else []
    for _ in range(500):
        if all(pane.idle for pane in panes):
            return
        await pilot.pause(0.01)

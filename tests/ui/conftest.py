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
    """Wait while the main screen's search thread has a query in hand."""
    screen = getattr(pilot.app, "main_screen", None)
    searcher = getattr(screen, "searcher", None)
    for _ in range(500):
        if searcher is None or searcher.idle:
            return
        await pilot.pause(0.01)

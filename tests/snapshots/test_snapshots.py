"""Snapshot tests (pytest-textual-snapshot) at 80x24 and 120x40, one theme.

Regenerate after an intended UI change with `pytest tests/snapshots --snapshot-update`,
then look at the SVGs before committing them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kbtui.ui.app import KBApp

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ui-kb"
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    # A fixed absolute path keeps the header and paths identical on every machine.
    target = Path("/tmp/kbtui-snapshot-kb")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(FIXTURE, target)
    yield target
    shutil.rmtree(target, ignore_errors=True)


def make_app(kb: Path, **options: object) -> KBApp:
    app = KBApp(kb, save=False, **options)  # type: ignore[arg-type]
    app.theme = "textual-dark"
    return app


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_entry_list(snap_compare, kb: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(kb), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_open_entry(snap_compare, kb: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(kb, open_slug="street-teams")
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_search_hits(snap_compare, kb: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"door")
        await settle(pilot)

    assert snap_compare(make_app(kb), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_help_screen(snap_compare, kb: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(kb), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_presenter(snap_compare, kb: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(kb, present="paths/first-evening")
    assert snap_compare(app, terminal_size=size, run_before=settle)

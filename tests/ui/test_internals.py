"""Guards for the private Textual internals kbtui relies on (kbtui.ui.internals).

Each test fails when Textual changes what an override depends on, so an upgrade shows
at once which override to revisit instead of failing somewhere in the UI."""

from __future__ import annotations

import asyncio
import inspect

from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from kbtui.ui.internals import QuickOptionList, QuietInput, hold_updates, release_updates


def test_option_list_internals_are_still_there() -> None:
    assert callable(OptionList._update_lines)
    assert callable(OptionList._clear_caches)
    assert callable(OptionList._get_visual)
    assert callable(OptionList._get_left_gutter_width)
    assert "_divider" in inspect.signature(Option.__init__).parameters or hasattr(
        Option("x"), "_divider"
    )


def test_input_value_watcher_is_still_private() -> None:
    assert callable(Input._watch_value)
    assert list(inspect.signature(Input._watch_value).parameters) == ["self", "value"]


def test_app_batch_methods_are_still_there() -> None:
    assert callable(App._begin_batch) and callable(App._end_batch)


class _Lists(App[None]):
    def compose(self) -> ComposeResult:
        options = [Option(f"entry {n} " + "word " * (n % 7), id=f"e{n}") for n in range(40)]
        yield OptionList(*options, id="plain")
        yield QuickOptionList(*options, id="quick")


def test_the_quick_line_map_is_the_one_option_list_builds() -> None:
    """Same options, same width: the same lines, heights and scroll size."""

    async def run() -> None:
        app = _Lists()
        async with app.run_test(size=(40, 60)) as pilot:
            await pilot.pause()
            plain = app.query_one("#plain", OptionList)
            quick = app.query_one("#quick", QuickOptionList)
            assert quick._line_cache.lines == plain._line_cache.lines
            assert quick._line_cache.heights == plain._line_cache.heights
            assert quick._line_cache.index_to_line == plain._line_cache.index_to_line
            assert quick.virtual_size == plain.virtual_size

    asyncio.run(run())


class _Box(App[None]):
    def compose(self) -> ComposeResult:
        yield QuietInput(id="box")


def test_the_quiet_input_still_echoes_and_keeps_its_size() -> None:
    async def run() -> None:
        app = _Box()
        async with app.run_test(size=(40, 5)) as pilot:
            box = app.query_one(QuietInput)
            box.focus()
            await pilot.press(*"organising")
            assert box.value == "organising"
            assert box.virtual_size.height == 1
            hold_updates(app)  # held and released in pairs, as the search pane does
            release_updates(app)
            await pilot.press("x")
            assert box.value == "organisingx"

    asyncio.run(run())

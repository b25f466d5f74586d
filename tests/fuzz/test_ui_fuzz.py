"""Fuzzed KBs in the TUI under Pilot: the reader and the command palette.

Each example writes a generated hostile KB (see ``kbgen``): entries whose names carry
controls, bidi and markup, whose titles carry Textual markup (one of them a
``[@click=app.screenshot(...)]`` aimed at a folder we watch) and escape sequences, and
traps that lead to a secret outside the KB. The app opens each entry in the reader and
finds it again through the palette (ctrl+p). The app keeps running, the markup is drawn
literally, nothing a terminal would act on is drawn, the clicked would-be action writes
no screenshot, and the secret never shows.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.command import CommandPalette
from textual.pilot import Pilot

from kbtui.library import Library
from kbtui.ui.app import KBApp
from kbtui.ui.screens.main import MainScreen
from tests.fuzz.kbgen import (
    BIDI,
    ESCAPES,
    Entry,
    build_kb,
    file_name,
    fuzz,
    hostile_text,
    unsafe_in,
)
from tests.ui.conftest import settle
from tests.ui.test_app import drawn_in, locate, reader, reader_slug, screen_text

LITERALS = ["[b]", "[/]", "[@click=app.quit]", "[link=file:///etc/passwd]", "[bold red]", "["]


@st.composite
def ui_entries(draw: st.DrawFn, number: int) -> tuple[Entry, str, str]:
    """An entry, the word that finds it and the markup its title must show literally."""
    word = f"zq{number}fuzz"
    literal = draw(st.sampled_from(LITERALS))
    title = f"{word} {literal} {draw(st.sampled_from(ESCAPES + BIDI))}"
    entry = Entry(
        folder=draw(st.none() | file_name),
        name=f"{number}-{draw(file_name)}",  # one file per entry
        title=title,
        bare_format=False,  # a bare first line is not a title: the file name is
        body=draw(hostile_text),
        related=tuple(draw(st.lists(st.sampled_from(["../secret", "SECRET", "leak"]), max_size=2))),
    )
    return entry, word, literal


def assert_safe_screen(app: KBApp, token: str) -> None:
    drawn = screen_text(app)
    assert not unsafe_in(drawn), unsafe_in(drawn)
    assert token not in drawn
    assert app.is_running and app.return_code is None


@fuzz(6)
@given(data=st.data())
def test_the_reader_and_the_palette_show_hostile_entries_literally(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shots = base / "shots"
        shots.mkdir()
        made = [data.draw(ui_entries(n), label=f"entry {n}") for n in range(2)]
        trap = Entry(
            None,
            "trap",
            f"zqtrap [@click=app.screenshot('pwn.svg','{shots}')]click",
            False,
            "Click the title.",
            (),
        )
        built = build_kb(base, [entry for entry, _, _ in made] + [trap], ["leak", "../secret"])
        slugs = {
            e.title.split()[0]: slug
            for slug, e in Library(built.root).load_all().entries.items()
            if e.title.startswith("zq")
        }
        app = KBApp(built.root, save=False, watch=False)

        async def scenario(pilot: Pilot[None]) -> None:
            for _entry, word, literal in made:
                app.open_entry(slugs[word])
                await settle(pilot)
                assert reader_slug(app) == slugs[word]
                assert literal in drawn_in(app, reader(app))
                assert_safe_screen(app, built.token)

                await pilot.press("ctrl+p")
                await settle(pilot)
                assert isinstance(app.screen, CommandPalette)
                await pilot.press(*word)
                await settle(pilot)
                assert f"{word} {literal}" in screen_text(app)
                assert_safe_screen(app, built.token)
                await pilot.press("escape")
                await settle(pilot)
                assert isinstance(app.screen, MainScreen)

            for climb in ("leak", "deep/climb", "outside/secret", "../secret"):
                app.open_entry(climb)
                await settle(pilot)
                assert_safe_screen(app, built.token)

            app.open_entry(slugs["zqtrap"])
            await settle(pilot)
            await pilot.click(offset=locate(app, "screenshot", within=reader(app)))
            await settle(pilot)
            assert_safe_screen(app, built.token)
            assert list(shots.iterdir()) == []

        async def run() -> None:
            async with app.run_test(size=(160, 40)) as pilot:
                await settle(pilot)
                await scenario(pilot)

        asyncio.run(run())
        assert app.return_code is None

"""The TUI driven with Pilot: every path a trainer or curator takes, asserted on state."""

from __future__ import annotations

import asyncio
import io
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from kbtui.ui.app import KBApp
from kbtui.ui.screens.bookmarks import BookmarksScreen
from kbtui.ui.screens.help import HelpScreen
from kbtui.ui.screens.main import MainScreen
from kbtui.ui.widgets.entry_list import EntryList
from kbtui.ui.widgets.links import EntryLink
from kbtui.ui.widgets.reader import Reader
from tests.ui.conftest import settle

Scenario = Callable[[KBApp, Pilot[None]], Awaitable[None]]


def drive(
    kb: Path, scenario: Scenario, size: tuple[int, int] = (120, 40), **options: object
) -> KBApp:
    app = KBApp(kb, **options)  # type: ignore[arg-type]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(app, pilot)

    asyncio.run(run())
    return app


def main_screen(app: KBApp) -> MainScreen:
    assert app.main_screen is not None
    return app.main_screen


def reader_slug(app: KBApp) -> str | None:
    entry = main_screen(app).query_one(Reader).entry
    return entry.slug if entry else None


def options(app: KBApp) -> list[str]:
    entries = main_screen(app).query_one(EntryList)
    return [str(entries.get_option_at_index(i).prompt) for i in range(entries.option_count)]


def link_to(app: KBApp, slug: str | None, target: str | None = None) -> EntryLink:
    for link in main_screen(app).query_one(Reader).links():
        if link.slug == slug and (target is None or link.target == target):
            return link
    raise AssertionError(f"no link to {slug!r}")


async def open_entry(app: KBApp, pilot: Pilot[None], slug: str) -> None:
    app.open_entry(slug)
    await settle(pilot)


def test_list_groups_entries_by_type(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        shown = options(app)
        for heading in ("Reading paths (1)", "Concepts (3)", "Case studies (1)", "Sources (1)"):
            assert heading in shown
        assert shown.index("Reading paths (1)") < shown.index("Concepts (3)")
        assert app.sub_title == "ui-kb · 6 entries"

    drive(ui_kb, scenario)


def test_search_as_you_type_then_open(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"knock")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.shown_query == "knock"
        assert options(app)[0].startswith("Door knocking")
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        await pilot.press("escape")  # from the search box back to the list
        assert isinstance(app.focused, EntryList)
        await pilot.press("escape")  # again: clear the search, back to the groups
        await settle(pilot)
        assert "Concepts (3)" in options(app)

    drive(ui_kb, scenario)


def test_q_in_the_search_box_is_typed_not_quit(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", "q")
        assert main_screen(app).query_one("#search", Input).value == "q"
        assert app.is_running

    drive(ui_kb, scenario)


def test_did_you_mean(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"lanturn", "space")
        await settle(pilot)
        assert "Did you mean: lantern?" in options(app)[0]
        main_screen(app).query_one(EntryList).focus()
        await pilot.press("enter")  # choosing the suggestion searches for it
        await settle(pilot)
        assert main_screen(app).query_one("#search", Input).value == "lantern"
        assert options(app)[0].startswith("Lantern walk")

    drive(ui_kb, scenario)


def test_follow_related_links_by_keyboard_back_and_forward(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        assert reader_slug(app) == "street-teams"
        await pilot.press("tab")  # the list -> the first link in the reader
        assert isinstance(app.focused, EntryLink)
        while not (isinstance(app.focused, EntryLink) and app.focused.slug == "door-knocking"):
            await pilot.press("tab")
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert screen.check_action("back", ()) is True
        assert screen.check_action("forward", ()) is None  # greyed out
        await pilot.press("backspace")
        await settle(pilot)
        assert reader_slug(app) == "street-teams"
        assert screen.check_action("forward", ()) is True
        await pilot.press("alt+right")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        await pilot.press("alt+left")
        await settle(pilot)
        assert reader_slug(app) == "street-teams"
        # A new visit drops the forward history.
        await open_entry(app, pilot, "lantern-walk")
        assert screen.check_action("forward", ()) is None
        assert screen.history.back_stack == ["street-teams"]

    drive(ui_kb, scenario, open_slug="street-teams")


def test_follow_links_and_navigate_by_mouse(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        await pilot.click(link_to(app, "case-studies/harbour-strike"))
        await settle(pilot)
        assert reader_slug(app) == "case-studies/harbour-strike"
        assert not screen.query_one("#nav-back").disabled
        assert screen.query_one("#nav-forward").disabled
        await pilot.click("#nav-back")
        await settle(pilot)
        assert reader_slug(app) == "street-teams"
        await pilot.click("#nav-forward")
        await settle(pilot)
        assert reader_slug(app) == "case-studies/harbour-strike"
        # Clicking an entry in the list opens it.
        entries = screen.query_one(EntryList)
        index = entries.get_option_index("lantern-walk")
        line = next(y for y, (option, _) in enumerate(entries._lines) if option == index)
        await pilot.click(entries, offset=(2, line - int(entries.scroll_offset.y)))
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"

    drive(ui_kb, scenario, open_slug="street-teams")


def test_missing_link_is_marked_and_harmless(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        missing = link_to(app, None, "ghost-entry")
        assert missing.has_class("-missing")
        assert "not in this KB" in str(missing.render())
        missing.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert any("not an entry in this KB" in str(n.message) for n in app._notifications)

    drive(ui_kb, scenario, open_slug="door-knocking")


def test_backlinks_trust_line_and_citations(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        reader = main_screen(app).query_one(Reader)
        text = " ".join(str(w.render()) for w in reader.query("Static"))
        assert "Referenced by" in text
        assert {"door-knocking", "lantern-walk", "case-studies/harbour-strike"} <= {
            link.slug for link in reader.links()
        }
        assert "summary missing" in text and "1 RAW" in text
        assert "verified 2026-05-01 by test-curator" in text
        assert "appears twice in the file" in text
        assert link_to(app, "sources/field-guide", "field-guide")  # the [source: …] citation

    drive(ui_kb, scenario, open_slug="street-teams")


def test_bookmarks(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("b")
        assert app.kb_state.bookmarks == ["lantern-walk"]
        assert any("★" in o for o in options(app))
        await open_entry(app, pilot, "door-knocking")
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert reader_slug(app) == "lantern-walk"
        await pilot.press("b")  # toggles off
        assert app.kb_state.bookmarks == []
        await settle(pilot)

    app = drive(ui_kb, scenario, open_slug="lantern-walk")
    saved = json.loads((Path(os.environ["KBTUI_DATA_DIR"]) / "state.json").read_text())
    assert saved["kbs"][str(ui_kb)]["bookmarks"] == []
    assert app.return_code in (None, 0)


def test_help_lists_the_live_bindings(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.table)
        text = console.export_text()
        for description in ("Search", "Back", "Forward", "Bookmark", "Follow link", "Quit"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)

    drive(ui_kb, scenario, open_slug="street-teams")


def test_palette_jumps_to_an_entry(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"harbour")
        await settle(pilot, rounds=6)
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "case-studies/harbour-strike"

    drive(ui_kb, scenario)


def test_hostile_entry_is_shown_literally(ui_kb: Path) -> None:
    (ui_kb / "hostile.md").write_bytes(
        b"# [bold]Loud[/bold]\n\n## Summary\nClick [@click=app.quit]here[/] now \x1b[31mred\x07."
        b"\n\n## Body\nMore [@click=app.quit]bait[/].\n\n## Related\n- [@click=app.quit]\n"
    )

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        reader = main_screen(app).query_one(Reader)
        title = str(reader.query(".reader-title").first().render())
        assert title == "[bold]Loud[/bold]"
        entry = reader.entry
        assert entry is not None and "[@click=app.quit]here[/]" in entry.summary  # type: ignore[operator]
        assert "\x1b" not in entry.summary and "␛" in entry.summary  # type: ignore[operator]
        for y in range(3, 30, 2):
            await pilot.click(reader, offset=(10, y))
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.is_running and reader_slug(app) == "hostile"

    drive(ui_kb, scenario, open_slug="hostile")


def test_corrupt_state_file_is_set_aside(ui_kb: Path) -> None:
    data = Path(os.environ["KBTUI_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "state.json").write_text("{definitely not json", encoding="utf-8")

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert any("damaged" in str(n.message) for n in app._notifications)
        assert app.is_running

    drive(ui_kb, scenario)
    kept = list(data.glob("state.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "{definitely not json"


def test_history_survives_a_restart(ui_kb: Path) -> None:
    async def visit(app: KBApp, pilot: Pilot[None]) -> None:
        await open_entry(app, pilot, "door-knocking")
        await open_entry(app, pilot, "lantern-walk")
        await settle(pilot)

    drive(ui_kb, visit)

    async def check(app: KBApp, pilot: Pilot[None]) -> None:
        assert reader_slug(app) == "lantern-walk"
        assert main_screen(app).history.back_stack == ["door-knocking"]

    drive(ui_kb, check)


def test_narrow_terminal_shows_one_pane_at_a_time(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        assert screen.has_class("-narrow")
        assert screen.query_one("#sidebar").display and not screen.query_one("#reading").display
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert screen.has_class("-reading")
        assert screen.query_one("#reading").display and not screen.query_one("#sidebar").display
        await pilot.press("slash")
        assert not screen.has_class("-reading") and isinstance(app.focused, Input)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not screen.has_class("-narrow")

    drive(ui_kb, scenario, size=(80, 24))


def test_theme_toggles(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before
        assert app.state.theme == app.theme

    drive(ui_kb, scenario)


def test_option_list_is_the_entry_list() -> None:
    assert issubclass(EntryList, OptionList)


def test_export_a_handout_from_the_app(ui_kb: Path, tmp_path: Path) -> None:
    from kbtui.ui.screens.export import ExportScreen

    out = tmp_path / "handouts"
    out.mkdir()

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        app.action_export("html")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        folder = app.screen.query_one("#export-folder", Input)
        folder.value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("Handout written to" in str(n.message) for n in app._notifications)

    drive(ui_kb, scenario, open_slug="paths/first-evening")
    written = list(out.iterdir())
    assert [p.name for p in written] == ["first-evening.html"]
    assert "Step 3: Harbour strike" in written[0].read_text(encoding="utf-8")


def test_no_color_is_honoured(ui_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert app.no_color

    drive(ui_kb, scenario)

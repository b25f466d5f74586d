"""Reading by keyboard: the focus model and every key of the reading flow, by Pilot.

One test per item seen when the app was tried as a new user (issue 12), driven with
keys only and checked on what a person would see: focus, the list's highlight, the
reader's scroll, the search box, the nav bar, the footer, the palette."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Input, Markdown

from kbtui.ui.app import KBApp
from kbtui.ui.screens.help import HelpScreen
from kbtui.ui.screens.presenter import PresenterScreen
from kbtui.ui.widgets.entry_list import EntryList
from kbtui.ui.widgets.links import EntryLink
from kbtui.ui.widgets.reader import Reader
from tests.conftest import write_kb
from tests.ui.conftest import settle
from tests.ui.test_app import drive, entry_list, notices, reader, reader_slug, screen_text

LONG_BODY = "\n\n".join(f"Paragraph {n} about door knocking and street teams." for n in range(60))


def long_entry(kb: Path) -> Path:
    """A concept whose body is far taller than the terminal."""
    write_kb(
        kb,
        {
            "long-read.md": f"# Long read\n\n## Summary\nA long one. Really long.\n\n"
            f"## Body\n{LONG_BODY}\n\n## Related\n- door-knocking\n- street-teams\n",
        },
    )
    return kb


def footer_text(app: KBApp) -> str:
    return screen_text(app).splitlines()[-1]


def test_showing_the_list_moves_focus_into_it_and_hiding_it_into_the_reader(ui_kb: Path) -> None:
    """80x24, --open, l, Down, Down, Enter: the list highlight moves and Enter opens a
    list item, not one of the entry's links."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert reader_slug(app) == "street-teams"
        assert app.focused is reader(app)
        await pilot.press("l")
        assert isinstance(app.focused, EntryList)
        before = app.focused.highlighted
        await pilot.press("down", "down")
        assert app.focused.highlighted != before
        chosen = app.focused.highlighted_option
        assert chosen is not None and chosen.id != "street-teams"
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == chosen.id
        await pilot.press("l")  # the list again, then hidden: focus back in the reader
        await pilot.press("l")
        assert app.focused is reader(app)

    drive(ui_kb, scenario, size=(80, 24), open_slug="street-teams")


def test_the_reader_scrolls_from_the_list_and_tab_reaches_the_body(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("escape")  # into the list
        assert isinstance(app.focused, EntryList)
        highlighted = app.focused.highlighted
        await pilot.press("pagedown")
        assert reader(app).scroll_y > 0  # the reader paged, not the list
        assert app.focused.highlighted == highlighted
        await pilot.press("space")
        second = reader(app).scroll_y
        assert second > 0
        await pilot.press("shift+space")
        assert reader(app).scroll_y < second
        await pilot.press("G")
        assert reader(app).scroll_y == reader(app).max_scroll_y
        await pilot.press("g")
        assert reader(app).scroll_y == 0
        await pilot.press("tab")
        assert app.focused is reader(app)  # the Body first, not the first link
        await pilot.press("j", "j")
        assert reader(app).scroll_y == 2  # line by line in the reader
        await pilot.press("k")
        assert reader(app).scroll_y == 1
        await pilot.press("right_square_bracket")
        assert reader(app).scroll_y > 1  # the next section's heading

    drive(long_entry(ui_kb), scenario, open_slug="long-read")


def test_enter_in_the_search_box_opens_the_hit_and_moves_to_the_reader(ui_kb: Path) -> None:
    """/knock, Enter, b: the query stays "knock" and the entry is bookmarked."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        box = app.query_one("#search", Input)
        await pilot.press("slash", *"knock")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert app.focused is reader(app)
        await pilot.press("b")
        assert box.value == "knock"
        assert list(app.user.bookmarks) == ["door-knocking"]
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert box.value == "knock"

    drive(ui_kb, scenario)


def test_slash_selects_the_old_query_so_typing_replaces_it(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        box = app.query_one("#search", Input)
        await pilot.press("slash", *"dist")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("slash", *"lantern")
        await settle(pilot)
        assert box.value == "lantern"

    drive(ui_kb, scenario)


def test_back_and_forward_restore_the_place_and_the_focused_link(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        view = reader(app)
        await pilot.press("tab")  # the body
        await pilot.press("pagedown")
        await pilot.press("tab")  # the first link after the part in view
        focused = app.focused
        assert isinstance(focused, EntryLink) and focused.slug is not None
        index = view.links().index(focused)
        scrolled = view.scroll_y
        target = focused.slug
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == target
        await pilot.press("backspace")
        await settle(pilot)
        assert reader_slug(app) == "long-read"
        assert view.scroll_y == scrolled
        assert isinstance(app.focused, EntryLink) and view.links().index(app.focused) == index
        assert app.focused.has_pseudo_class("focus")  # visibly
        await pilot.press("alt+right")
        await settle(pilot)
        assert reader_slug(app) == target

    drive(long_entry(ui_kb), scenario, open_slug="long-read")


def test_the_bookmark_button_keeps_its_label(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        button = app.query_one("#nav-bookmark", Button)
        width = button.size.width
        await pilot.press("b")
        await settle(pilot)
        assert "★ Bookmarked" in screen_text(app)  # drawn whole, not a lone star
        await pilot.press("b")
        await settle(pilot)
        assert "☆ Bookmark" in screen_text(app)
        assert button.size.width == width  # no padding added on the way back

    drive(ui_kb, scenario, open_slug="street-teams")


def test_the_footer_shows_the_focused_panes_keys_and_always_help(ui_kb: Path) -> None:
    async def typing(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", "k")
        await settle(pilot)
        footer = footer_text(app)
        for hint in ("Open the top hit", "Into the results", "Back to the list", "Help"):
            assert hint in footer, footer

    drive(ui_kb, typing)

    async def on_a_link(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")
        assert isinstance(app.focused, EntryLink)
        footer = footer_text(app)
        assert "Follow the link" in footer and "Help" in footer, footer

    drive(ui_kb, on_a_link, size=(80, 24), open_slug="street-teams")


async def discovered(app: KBApp, pilot: Pilot[None]) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.pause(0.3)  # discovery hits arrive from the providers
    shown = app.screen.query_one("CommandList")
    texts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
    await pilot.press("escape")
    await settle(pilot)
    return texts


def test_the_palette_has_one_of_each_command_in_a_stable_order(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        first = await discovered(app, pilot)
        themes = [t for t in first if "theme" in t.lower()]
        assert len(themes) == 1, first
        assert not any(t.startswith("Keys") for t in first), first
        assert any(t.startswith("Help") for t in first)
        app.present("paths/first-evening")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert await discovered(app, pilot) == first

    drive(ui_kb, scenario)


def test_p_in_a_kb_without_reading_paths_says_so(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", {"a.md": "# A\n\n## Summary\nOne. Two.\n"})

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("p")
        await settle(pilot)
        assert any("no reading paths" in n for n in notices(app)), notices(app)

    drive(kb, scenario)


def test_choosing_a_missing_link_searches_for_its_words(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        ghost = next(link for link in reader(app).links() if link.slug is None)
        ghost.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Search for “ghost entry”" in screen_text(app)  # offered first
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.query_one("#search", Input).value == "ghost entry"

    drive(ui_kb, scenario, open_slug="door-knocking")


def test_help_explains_the_marks_in_the_list(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await settle(pilot)
        assert "summary is missing" in screen_text(app) or any(
            "summary is missing" in str(w.render()) for w in app.screen.query("#help-extra")
        )

    drive(ui_kb, scenario)


def test_the_presenter_body_is_reachable_at_80x24_and_links_are_labelled(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await settle(pilot)
        assert isinstance(app.screen, PresenterScreen)
        await pilot.press("space", "enter")  # step 2, its body
        await settle(pilot)
        assert "Volunteers work in pairs" in screen_text(app)  # in view, not below the fold
        labels = screen_text(app)
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        labels += screen_text(app)
        assert "Worked examples" in labels and "Related" in labels

    drive(ui_kb, scenario, size=(80, 24), present="paths/first-evening")


def test_present_from_the_command_line_ends_at_the_shell_on_escape(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, PresenterScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not app.is_running

    drive(ui_kb, scenario, present="paths/first-evening")


def test_search_says_what_is_wrong_with_a_query_and_marks_the_words_found(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        box = app.query_one("#search", Input)
        for query, shown, hidden in (
            ("type:", "", "Did you mean: the"),
            ('"unclosed phrase', "", "Did you mean: closed"),
            ("type:foo", "its types are: case-study, concept, notes, path, source", ""),
            ("lantrn", "Enter searches for it", ""),
        ):
            box.value = query
            await settle(pilot)
            shown_list = entry_list(app)
            prompts = [
                str(shown_list.get_option_at_index(i).prompt).replace("\n", " ")
                for i in range(shown_list.option_count)
            ]
            text = screen_text(app) + " ".join(prompts)
            assert not hidden or hidden not in text, (query, text)
            assert shown in text, (query, text)
        box.value = "volunteers"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        marked = list(reader(app).query(".section-body.-match"))
        assert marked and all(isinstance(block, Markdown) for block in marked)
        assert "“volunteers” · n / N" in screen_text(app)

    drive(ui_kb, scenario)


def test_n_jumps_between_the_sections_holding_the_searched_words(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        box = app.query_one("#search", Input)
        box.value = "paragraph"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "long-read"
        view: Reader = reader(app)
        assert view.marked >= 1
        assert view.scroll_y == 0
        first = next(iter(view.query(".section-body.-match")))
        await pilot.press("n")
        assert view.scroll_y == first.virtual_region.y  # the marked section to the top
        await pilot.press("n")
        await settle(pilot)
        assert any("No more sections" in n for n in notices(app)), notices(app)

    drive(long_entry(ui_kb), scenario)


def test_the_keyboard_flow_leaves_nothing_running_in_the_background(ui_kb: Path) -> None:
    """A last check that all this leaves the app quiet: no worker still running."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"door", "enter", "tab", "enter", "backspace")
        await settle(pilot)
        assert not [w for w in app.workers if w.is_running]
        assert isinstance(entry_list(app), EntryList)

    drive(ui_kb, scenario)

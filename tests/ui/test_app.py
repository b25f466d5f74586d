"""The TUI driven with Pilot: every path a trainer or curator takes, asserted on state.

Each test starts the app on a private copy of tests/fixtures/ui-kb (see ``kb`` below),
waits for the index and graph workers, drives it with keys and the mouse, and checks
what changed: the entry in the reader, focus, history, bookmarks, notifications, the
screen stack, and what is drawn on screen.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.color import Color
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Markdown, OptionList, Static
from textual.widgets._toast import Toast

from kbtui.ui.app import DARK_THEME, LIGHT_THEME, KBApp
from kbtui.ui.screens.bookmarks import BookmarksScreen
from kbtui.ui.screens.choices import MissingLinkScreen
from kbtui.ui.screens.help import HelpScreen
from kbtui.ui.screens.main import MainScreen
from kbtui.ui.widgets.entry_list import EntryList, GroupList, HitList
from kbtui.ui.widgets.links import EntryLink
from kbtui.ui.widgets.reader import Reader
from tests.ui.conftest import settle

Scenario = Callable[[KBApp, Pilot[None]], Awaitable[None]]

# Control bytes are added at test time so the committed fixture stays plain text.
HOSTILE_BYTES = b"\n## Open questions\nEscape \x1b[31mred\x1b[0m and a bell \x07 here.\n"


@pytest.fixture
def kb(ui_kb: Path) -> Path:
    """The UI fixture KB, with raw ESC and BEL bytes added to its hostile entry."""
    hostile = ui_kb / "hostile.md"
    hostile.write_bytes(hostile.read_bytes() + HOSTILE_BYTES)
    return ui_kb


def data_dir() -> Path:
    return Path(os.environ["KBTUI_DATA_DIR"])


def drive(
    kb: Path,
    scenario: Scenario,
    size: tuple[int, int] = (120, 40),
    notifications: bool = False,
    **options: object,
) -> KBApp:
    app = KBApp(kb, **options)  # type: ignore[arg-type]

    async def run() -> None:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await settle(pilot)
            await scenario(app, pilot)

    asyncio.run(run())
    return app


# -- looking at the app -----------------------------------------------------------------


def main_screen(app: KBApp) -> MainScreen:
    assert app.main_screen is not None
    return app.main_screen


def reader(app: KBApp) -> Reader:
    return main_screen(app).query_one("#reader", Reader)


def reader_slug(app: KBApp) -> str | None:
    entry = reader(app).entry
    return entry.slug if entry else None


def entry_list(app: KBApp) -> EntryList:
    """The list on screen: grouped entries, or the hits while there is a query."""
    shown = [widget for widget in main_screen(app).query(EntryList) if widget.display]
    assert len(shown) == 1, shown
    return shown[0]


def option_ids(app: KBApp) -> list[str | None]:
    entries = entry_list(app)
    return [entries.get_option_at_index(i).id for i in range(entries.option_count)]


def option_texts(app: KBApp) -> list[str]:
    entries = entry_list(app)
    return [str(entries.get_option_at_index(i).prompt) for i in range(entries.option_count)]


def history(app: KBApp) -> dict[str, object]:
    return app.user.history.to_dict()


def link_to(app: KBApp, slug: str | None, target: str | None = None) -> EntryLink:
    for link in reader(app).links():
        if link.slug == slug and (target is None or link.target == target):
            return link
    raise AssertionError(f"no link to {slug!r} (target {target!r})")


def nav_disabled(app: KBApp) -> tuple[bool, bool]:
    screen = main_screen(app)
    return (
        screen.query_one("#nav-back", Button).disabled,
        screen.query_one("#nav-forward", Button).disabled,
    )


def notices(app: KBApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def screen_lines(app: KBApp) -> list[str]:
    """The text of every row of the current screen, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: KBApp) -> str:
    return "\n".join(screen_lines(app))


def drawn_in(app: KBApp, widget: Widget) -> str:
    """The text drawn inside ``widget``'s region of the screen, row by row."""
    region = widget.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return "\n".join(strip.crop(region.x, region.right).text for strip in strips)


def locate(app: KBApp, text: str, within: Widget | None = None) -> tuple[int, int]:
    """Screen (x, y) of the first cell of ``text`` as drawn inside ``within``."""
    region = within.region if within is not None else app.screen.region
    for y, line in enumerate(screen_lines(app)):
        if not region.y <= y < region.bottom:
            continue
        start = 0
        while (found := line.find(text, start)) >= 0:
            x = cell_len(line[:found])
            if region.x <= x and x + cell_len(text) <= region.right:
                return x, y
            start = found + 1
    raise AssertionError(f"{text!r} is not drawn on screen:\n{screen_text(app)}")


def widget_texts(widget: Widget) -> list[str]:
    """The text each Static and Markdown block under ``widget`` renders."""
    texts = []
    for child in widget.query(Static):
        rendered = child.render()
        texts.append(rendered.plain if hasattr(rendered, "plain") else str(rendered))
    return texts


async def open_entry(app: KBApp, pilot: Pilot[None], slug: str) -> None:
    """Open an entry the way the palette and the bookmarks list do (a new visit)."""
    app.open_entry(slug)
    await settle(pilot)


async def show(pilot: Pilot[None], widget: Widget) -> None:
    """Scroll ``widget`` into view so the mouse can reach it."""
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()


# -- the list -----------------------------------------------------------------------------


def test_list_groups_entries_by_type_with_counts(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert isinstance(entry_list(app), OptionList)
        shown = option_texts(app)
        headings = [
            "Reading paths (1)",
            "Concepts (4)",
            "Case studies (1)",
            "Sources (1)",
            "Notes (1)",  # any other folder is a group of its own
        ]
        assert [text for text in shown if text.endswith(")")] == headings
        ids = option_ids(app)
        concepts = ids[ids.index("/group/concept") + 1 : ids.index("/group/case-study")]
        assert concepts == ["door-knocking", "hostile", "lantern-walk", "street-teams"]
        assert app.sub_title == "ui-kb · 8 entries"
        # Nothing open yet: the reader invites a search; back, forward and bookmark are off.
        screen = main_screen(app)
        assert reader_slug(app) is None
        assert "Nothing open yet." in screen_text(app)
        assert screen.check_action("back", ()) is None
        assert screen.check_action("forward", ()) is None
        assert screen.check_action("toggle_bookmark", ()) is None
        assert nav_disabled(app) == (True, True)
        assert isinstance(app.focused, EntryList)

    drive(kb, scenario)


def test_arrows_j_k_move_in_the_list_enter_and_click_open(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        entries = entry_list(app)
        assert app.focused is entries
        entries.highlighted = entries.get_option_index("door-knocking")
        await pilot.press("j")
        assert entries.highlighted_option.id == "hostile"
        await pilot.press("down")
        assert entries.highlighted_option.id == "lantern-walk"
        await pilot.press("k")
        assert entries.highlighted_option.id == "hostile"
        await pilot.press("down", "down", "up")
        assert entries.highlighted_option.id == "lantern-walk"
        assert reader_slug(app) is None  # moving does not open
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"
        assert history(app) == {"back": [], "current": "lantern-walk", "forward": []}
        assert app.focused is entries  # the list keeps focus at full width

        # A click on an entry opens it too.
        assert await pilot.click(offset=locate(app, "Harbour strike", within=entries))
        await settle(pilot)
        assert reader_slug(app) == "case-studies/harbour-strike"
        assert entries.highlighted_option.id == "case-studies/harbour-strike"

    drive(kb, scenario)


# -- search -------------------------------------------------------------------------------


def test_search_as_you_type_then_open_the_top_hit(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        search = screen.query_one("#search", Input)
        await pilot.press("slash")
        assert app.focused is search
        await pilot.press(*"knock")
        await settle(pilot)
        assert screen.pane.shown_query == "knock"
        assert isinstance(entry_list(app), HitList)
        assert option_ids(app)[0] == "door-knocking"
        assert "matches for “knock”" in screen_text(app)
        # The matched words in the snippet are highlighted.
        prompt = entry_list(app).get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        highlighted = [
            prompt.plain[span.start : span.end].lower()
            for span in prompt.spans
            if "underline" in str(span.style)
        ]
        assert any("knock" in word for word in highlighted), highlighted

        # The list follows the query as it changes.
        await pilot.press("ctrl+u", *"lant")
        await settle(pilot)
        assert search.value == "lant"
        assert screen.pane.shown_query == "lant"
        assert option_ids(app)[0] == "lantern-walk"

        await pilot.press("enter")  # Enter in the search box opens the top hit
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"
        assert history(app)["current"] == "lantern-walk"

        await pilot.press("escape")  # from the search box back to the list
        assert isinstance(app.focused, EntryList)
        assert search.value == "lant"
        await pilot.press("escape")  # again: clear the search, the groups come back
        await settle(pilot)
        assert search.value == ""
        assert isinstance(entry_list(app), GroupList)
        assert "Concepts (4)" in option_texts(app)
        assert entry_list(app).highlighted_option.id == "lantern-walk"

        # A misspelt query offers a correction; choosing it searches for it.
        await pilot.press("slash", *"lanturn", "space")
        await settle(pilot)
        assert "Did you mean: lantern?" in option_texts(app)[0]
        entry_list(app).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert search.value == "lantern"
        assert option_ids(app)[0] == "lantern-walk"

    drive(kb, scenario)


def test_clearing_the_search_shows_the_kept_grouped_list(kb: Path) -> None:
    """The grouped list is built once per listing; a query shows hits in a second
    list, and clearing it shows the grouped list again without rebuilding it (which
    is what keeps a 10,000-entry KB responsive)."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        groups = screen.query_one("#entries", EntryList)
        before = [groups.get_option_at_index(i) for i in range(groups.option_count)]
        heights = dict(groups._line_cache.heights)
        assert heights, "the grouped list has measured its options"
        await pilot.press("slash", *"lant")
        await settle(pilot)
        assert entry_list(app) is screen.query_one("#hits", EntryList)
        assert not groups.display
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert entry_list(app) is groups
        assert [groups.get_option_at_index(i) for i in range(groups.option_count)] == before
        assert all(groups.get_option_at_index(i) is option for i, option in enumerate(before)), (
            "the options were rebuilt"
        )
        assert groups._line_cache.heights == heights
        assert "Concepts (4)" in screen_text(app)

        # A new width re-measures: a wrapped hit takes more lines in a narrower list.
        await pilot.press(*"lantern")
        await settle(pilot)
        hits = entry_list(app)
        wide = hits._heights[0]
        await pilot.resize_terminal(91, 40)  # the sidebar is 38% of the width
        await settle(pilot)
        assert hits._heights[0] > wide

    drive(kb, scenario)


def test_a_long_query_scrolls_the_search_box_to_the_cursor(kb: Path) -> None:
    """The box is sized without a screen layout at each key (SearchBox): it must still
    scroll to keep the cursor and the end of a long query in view."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        box = main_screen(app).query_one("#search", Input)
        query = "a long query that cannot fit in the box because it goes on and on zq"
        await pilot.press("slash", *query)
        await settle(pilot)
        assert box.value == query
        assert box.virtual_size.width > box.size.width
        assert box.scroll_x > 0 and box.scroll_x == box.max_scroll_x
        assert "on and on zq" in screen_text(app)

    drive(kb, scenario)


def test_the_hit_list_scrolls_to_its_last_hit(kb: Path) -> None:
    """Hits change the list's height at each key without a screen layout (EntryList.
    _set_virtual_size): scrolling must still reach the last hit, and go back up."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"type:concept")
        await settle(pilot)
        hits = entry_list(app)
        first = len(hits._lines)
        await pilot.press("backspace", "backspace")  # "type:conce" (no such type)
        await pilot.press(*"pt -lantern")  # one hit fewer: a new height, still a scrollbar
        await settle(pilot)
        assert hits.show_vertical_scrollbar and len(hits._lines) != first
        await pilot.press("escape")  # to the hits
        assert isinstance(hits, HitList) and app.focused is hits
        assert hits.virtual_size.height == len(hits._lines) > hits.size.height
        await pilot.press("end")
        await settle(pilot)
        assert hits.highlighted == hits.option_count - 1
        assert hits.scroll_y == hits.max_scroll_y > 0
        last = hits.get_option_at_index(hits.option_count - 1).prompt
        assert str(last).split("  ")[0] in screen_text(app)
        await pilot.press("home")
        await settle(pilot)
        assert hits.scroll_y == 0

    drive(kb, scenario, size=(120, 11))


def test_typing_in_the_search_box_is_text_not_commands(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await open_entry(app, pilot, "door-knocking")
        before = history(app)
        await pilot.press("slash", "q", "b", "x", "backspace")
        search = main_screen(app).query_one("#search", Input)
        assert search.value == "qb"  # q did not quit, b did not bookmark
        assert app.is_running and app.return_code is None
        assert list(app.user.bookmarks) == []
        assert history(app) == before  # Backspace edited the text, it did not go back
        assert reader_slug(app) == "door-knocking"
        await pilot.press("escape")  # out of the box: now q quits
        assert isinstance(app.focused, EntryList)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running

    drive(kb, scenario, open_slug="street-teams")


def test_keys_typed_in_a_burst_after_slash_land_in_the_search_box(kb: Path) -> None:
    """A fast typist (or a paste) sends "/" and the query before the app has handled
    the "/": the query must still end up in the search box, not in the list."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.focused, EntryList)
        for char in "/knock":
            # As the terminal driver delivers keys: queued at once, no wait in between.
            app.post_message(events.Key("slash" if char == "/" else char, char))
        await settle(pilot)
        search = main_screen(app).query_one("#search", Input)
        assert app.focused is search
        assert search.value == "knock"
        assert main_screen(app).pane.shown_query == "knock"

    drive(kb, scenario)


# -- links, back and forward ------------------------------------------------------------


def test_tab_walks_the_body_then_the_links_and_enter_follows_one(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        links = reader(app).links()
        slugs = [link.slug for link in links]
        # Reading order: the Body's citation first, then Worked examples, then Related.
        assert slugs[:4] == [
            "sources/field-guide",  # cited in the Body
            "case-studies/harbour-strike",  # Worked examples
            "door-knocking",  # Related
            "lantern-walk",
        ]
        assert isinstance(app.focused, EntryList)
        await pilot.press("tab")
        assert app.focused is reader(app)  # the body itself, so it can be scrolled
        for link in links[:4]:
            await pilot.press("tab")
            assert app.focused is link
        await pilot.press("shift+tab")
        assert app.focused is links[2]
        assert app.focused.slug == "door-knocking"
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert history(app) == {"back": ["street-teams"], "current": "door-knocking", "forward": []}
        assert entry_list(app).highlighted_option.id == "door-knocking"
        # Focus stays in the reader, at the top of the new entry: Tab walks its links.
        assert app.focused is reader(app), app.focused
        await pilot.press("tab")
        assert app.focused is reader(app).links()[0]

    drive(kb, scenario, open_slug="street-teams")


def test_back_and_forward_by_key_and_by_button(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        for slug in ("door-knocking", "lantern-walk"):
            await open_entry(app, pilot, slug)
        assert history(app) == {
            "back": ["street-teams", "door-knocking"],
            "current": "lantern-walk",
            "forward": [],
        }
        assert screen.check_action("back", ()) is True
        assert screen.check_action("forward", ()) is None
        assert nav_disabled(app) == (False, True)

        await pilot.press("backspace")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert screen.check_action("forward", ()) is True
        assert nav_disabled(app) == (False, False)

        await pilot.press("alt+left")
        await settle(pilot)
        assert reader_slug(app) == "street-teams"
        assert screen.check_action("back", ()) is None  # the start of history
        assert nav_disabled(app) == (True, False)
        await pilot.press("backspace")  # nothing further back: nothing changes
        await settle(pilot)
        assert reader_slug(app) == "street-teams"
        assert history(app)["forward"] == ["lantern-walk", "door-knocking"]

        await pilot.press("alt+right")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"

        assert await pilot.click("#nav-forward")
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"
        assert screen.check_action("forward", ()) is None
        assert nav_disabled(app) == (False, True)
        await pilot.press("alt+right")  # nothing further forward
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"

        assert await pilot.click("#nav-back")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert nav_disabled(app) == (False, False)

        # A new visit drops the forward history, as in a browser.
        await open_entry(app, pilot, "case-studies/harbour-strike")
        assert history(app) == {
            "back": ["street-teams", "door-knocking"],
            "current": "case-studies/harbour-strike",
            "forward": [],
        }
        assert screen.check_action("forward", ()) is None
        assert nav_disabled(app) == (False, True)

    drive(kb, scenario, open_slug="street-teams")


def test_missing_link_is_marked_and_changes_nothing(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        missing = link_to(app, None, "ghost-entry")
        assert missing.has_class("-missing")
        assert not link_to(app, "street-teams").has_class("-missing")
        assert "not in this KB" in str(missing.render())
        before = history(app)

        missing.focus()
        await pilot.press("enter")  # offers a search for its words, or to write it
        await settle(pilot)
        assert isinstance(app.screen, MissingLinkScreen)
        assert "'ghost-entry' is not in this KB yet." in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert history(app) == before

        await show(pilot, missing)
        assert await pilot.click(missing)
        await settle(pilot)
        assert isinstance(app.screen, MissingLinkScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert history(app) == before

    drive(kb, scenario, open_slug="door-knocking")


def test_click_a_related_link_and_a_citation(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        link = link_to(app, "lantern-walk")
        assert "Related" in widget_texts(reader(app))
        await show(pilot, link)
        assert await pilot.click(link)
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"
        assert history(app)["back"] == ["street-teams"]
        await pilot.click("#nav-back")
        await settle(pilot)
        assert reader_slug(app) == "street-teams"

        # "[source: field-guide]" in the Body: listed under "Cited in this entry" ...
        cited = link_to(app, "sources/field-guide", "field-guide")
        assert "Cited in this section" in widget_texts(reader(app))
        # ... and clickable where it stands in the text.
        body = next(md for md in reader(app).query(Markdown) if "[source:" in md.source)
        assert "cite:field-guide" in body.source
        x, y = locate(app, "field-guide", within=body)
        assert await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        assert reader_slug(app) == "sources/field-guide"
        assert history(app) == {
            "back": ["street-teams"],
            "current": "sources/field-guide",
            "forward": [],  # the new visit dropped lantern-walk
        }

        await pilot.press("backspace")
        await settle(pilot)
        assert reader_slug(app) == "street-teams"
        cited = link_to(app, "sources/field-guide", "field-guide")
        cited.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "sources/field-guide"

    drive(kb, scenario, open_slug="street-teams")


def test_open_at_start_shows_trust_sections_in_order_and_backlinks(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        # Opened at start (--open): a first visit, highlighted in the list.
        assert history(app) == {"back": [], "current": "street-teams", "forward": []}
        assert entry_list(app).highlighted_option.id == "street-teams"
        view = reader(app)
        texts = widget_texts(view)
        assert texts[0] == "Street teams"
        assert texts[1].startswith("Concepts · street-teams")
        trust = texts[2]
        for part in (
            "sources: 1 secondary",
            "1 RAW",
            "verified 2026-05-01 by test-curator",
            "summary missing",
        ):
            assert part in trust
        assert "-warning" in view.query(".reader-trust").first().classes
        headings = [str(w.render()) for w in view.query(".link-heading")]
        assert headings[:7] == [
            "Summary — summary missing",
            "Body",
            "Use it for",
            "Worked examples",
            "Related",
            "Summary — appears twice in the file; summary missing",
            "Sources & verification",
        ]
        assert "Verified 2026-05-01 by test-curator" in texts
        assert any("grounding: secondary · RAW (900 chars)" in t for t in texts)

        # "Referenced by" lists every entry that links here, as links.
        children = list(view.children)
        start = next(i for i, w in enumerate(children) if str(w.render()) == "Referenced by")
        backlinks = [w for w in children[start + 1 :] if isinstance(w, EntryLink)]
        assert {link.slug for link in backlinks} >= {
            "door-knocking",
            "lantern-walk",
            "case-studies/harbour-strike",
            "sources/field-guide",
            "notes/meeting-checklist",
            "hostile",
        }
        assert "street-teams" not in {link.slug for link in backlinks}
        harbour = next(b for b in backlinks if b.slug == "case-studies/harbour-strike")
        assert "in Related" in str(harbour.render())
        harbour.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "case-studies/harbour-strike"

    drive(kb, scenario, open_slug="street-teams")


# -- bookmarks, help, palette -------------------------------------------------------------


def test_bookmarks_toggle_list_and_open(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        bookmark = screen.query_one("#nav-bookmark", Button)
        assert str(bookmark.label) == "☆ Bookmark"
        await pilot.press("b")
        assert list(app.user.bookmarks) == ["lantern-walk"]
        assert str(bookmark.label) == "★ Bookmarked"
        assert any("Bookmarked Lantern walk" in n for n in notices(app))
        assert any(text.startswith("Lantern walk ★") for text in option_texts(app))

        await open_entry(app, pilot, "door-knocking")
        assert str(bookmark.label) == "☆ Bookmark"
        assert await pilot.click("#nav-bookmark")  # the mouse can bookmark too
        assert list(app.user.bookmarks) == ["lantern-walk", "door-knocking"]

        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BookmarksScreen)
        marks = app.screen.query_one("#bookmarks-list", OptionList)
        assert [marks.get_option_at_index(i).id for i in range(marks.option_count)] == [
            "lantern-walk",
            "door-knocking",
        ]
        await pilot.press("enter")  # opens the highlighted (first) bookmark
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 1
        assert reader_slug(app) == "lantern-walk"
        assert history(app)["back"] == ["lantern-walk", "door-knocking"]

        await pilot.press("b")  # toggles off
        assert list(app.user.bookmarks) == ["door-knocking"]
        assert not any("★" in text for text in option_texts(app) if "Lantern" in text)

        await pilot.press("B")
        await settle(pilot)
        await pilot.press("d")  # d removes the highlighted bookmark
        await settle(pilot)
        assert list(app.user.bookmarks) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert reader_slug(app) == "lantern-walk"

    drive(kb, scenario, open_slug="lantern-walk")
    saved = json.loads((data_dir() / "state.json").read_text(encoding="utf-8"))
    assert saved["kbs"][str(kb)]["bookmarks"] == []


def test_removing_a_bookmark_in_the_bookmarks_list_updates_the_list_and_nav_bar(
    kb: Path,
) -> None:
    """The stale star: B, then d, removed the saved bookmark but the entry list kept its
    star and the nav bar still said "Bookmarked". One owner announces the change now."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        bookmark = main_screen(app).query_one("#nav-bookmark", Button)
        await pilot.press("b")
        await settle(pilot)
        assert any(text.startswith("Lantern walk ★") for text in option_texts(app))
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.query_one("#bookmarks-empty", Static).display  # "No bookmarks yet"
        await pilot.press("escape")
        await settle(pilot)
        assert list(app.user.bookmarks) == []
        assert str(bookmark.label) == "☆ Bookmark"
        assert not any("★" in text for text in option_texts(app))

    drive(kb, scenario, open_slug="lantern-walk")


def help_rows(screen: HelpScreen) -> dict[str, tuple[str, bool]]:
    """{description: (keys, enabled)} from the help table, as drawn."""
    keys, descriptions = (column._cells for column in screen.table.columns)
    rows = {}
    for key, description in zip(keys, descriptions, strict=True):
        if isinstance(description, Text) and description.plain:
            rows[description.plain] = (str(key), "dim" not in str(description.style))
    return rows


def test_help_is_generated_from_the_live_bindings(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app.screen)
        for description in ("Search", "Back", "Forward", "Bookmark", "Quit", "Help"):
            assert description in rows, sorted(rows)
        assert "Follow the link" in rows  # a link is open, so the link's keys are listed
        assert "Focus Next" not in rows and "Scroll Left" not in rows  # ours only, our words
        assert "b" in rows["Bookmark"][0].split(" / ")
        # Greyed when not possible now: nothing to go back to yet.
        assert rows["Back"][1] is False
        assert rows["Bookmark"][1] is True
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.table)
        drawn = console.export_text()
        assert "Bookmark" in drawn and "Back" in drawn

        await pilot.press("q")  # q closes the help; it does not quit the app
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running

        await open_entry(app, pilot, "door-knocking")
        await pilot.press("question_mark")
        await settle(pilot)
        assert help_rows(app.screen)["Back"][1] is True  # now it is possible
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    drive(kb, scenario, open_slug="street-teams")


def test_help_rows_come_from_whatever_bindings_a_widget_has() -> None:
    """Not a hand-kept table: a widget's own binding, with one of our ids, shows up in
    its group; Textual's own bindings (no id) do not."""
    from kbtui.ui.screens.help import binding_groups

    class Zebra(Widget):
        BINDINGS = [
            Binding("z", "noop", "Zebra crossing", id="reader.zebra"),
            Binding("y", "noop", "Not ours"),
        ]

    class Host(App[None]):
        pass

    groups = dict(binding_groups(Host(), [Zebra()]))
    assert groups == {"Reading": [("z", "Zebra crossing", True)]}


async def palette(app: KBApp, pilot: Pilot[None], query: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_palette_jumps_to_an_entry_and_switches_the_theme(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await palette(app, pilot, "harbr")  # fuzzy: a letter short
        assert isinstance(app.screen, MainScreen)
        assert reader_slug(app) == "case-studies/harbour-strike"
        assert history(app)["current"] == "case-studies/harbour-strike"

        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT_THEME
        assert app.user.theme == LIGHT_THEME
        await palette(app, pilot, "switch")  # "Theme: switch between dark and light"
        assert isinstance(app.screen, MainScreen)
        assert app.theme == DARK_THEME
        assert app.user.theme == DARK_THEME

    drive(kb, scenario)


def test_no_color_is_honoured(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert app.no_color
        accent = Color.parse(app.current_theme.accent or "")
        assert len({accent.r, accent.g, accent.b}) > 1  # the theme itself has colour ...
        shown = set()
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                for colour in (segment.style.color, segment.style.bgcolor):
                    if colour is not None and colour.triplet is not None:
                        shown.add(tuple(colour.triplet))
        assert len(shown) > 3
        assert all(len(set(rgb)) == 1 for rgb in shown), shown  # ... what is drawn is grey

    drive(kb, scenario, open_slug="street-teams")


# -- hostile text -------------------------------------------------------------------------


def test_hostile_entry_is_shown_literally(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert reader_slug(app) == "hostile"
        entry = reader(app).entry
        assert entry is not None and "control-characters" in entry.flags
        view = reader(app)
        drawn = screen_text(app)
        reader_drawn = drawn_in(app, view)
        for literal in (
            "Hostile [bold]red[/bold] entry",
            "[@click=app.quit]press here[/]",
            "[bold]red[/bold].",
            "[link=https://example.org]visit[/link]",
            "Escape ␛[31mred␛[0m and a bell ␇ here.",
        ):
            assert literal in reader_drawn, reader_drawn
        assert "\x1b" not in drawn and "\x07" not in drawn
        assert "Hostile [bold]red[/bold] entry" in option_texts(app)
        markup_link = link_to(app, None, "[@click=app.quit]")
        assert markup_link.has_class("-missing")
        assert "[@click=app.quit]" in str(markup_link.render())

        # Click on the would-be actions, press around them: nothing runs, the app stays.
        await pilot.click(offset=locate(app, "press here", within=view))
        x, y = locate(app, "[@click=app.quit]", within=markup_link)
        await pilot.click(offset=(x + 3, y))
        await settle(pilot)
        assert isinstance(app.screen, MissingLinkScreen)  # the target, shown literally
        assert "'[@click=app.quit]' is not in this KB yet." in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click(offset=locate(app, "Hostile [bold]red[/bold] entry", within=view))
        await settle(pilot)
        assert app.is_running and reader_slug(app) == "hostile"
        markup_link.focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, MainScreen)

    drive(kb, scenario, open_slug="hostile")


def test_notifications_show_kb_text_literally(kb: Path) -> None:
    """Titles and link targets come from KB files: a toast must not read them as markup."""

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("b")  # "Bookmarked <title>"
        await settle(pilot)
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert len(toasts) == 1, toasts
        assert any("Hostile [bold]red[/bold] entry" in toast for toast in toasts), toasts
        link_to(app, None, "[@click=app.quit]").focus()
        await pilot.press("enter")  # the missing link's choices, with its target as text
        await settle(pilot)
        assert "'[@click=app.quit]' is not in this KB yet." in screen_text(app)
        assert app.is_running

    drive(kb, scenario, notifications=True, open_slug="hostile")


# -- state --------------------------------------------------------------------------------


def test_history_bookmarks_and_theme_are_saved_and_restored(kb: Path) -> None:
    async def visit(app: KBApp, pilot: Pilot[None]) -> None:
        await open_entry(app, pilot, "door-knocking")
        await pilot.press("b")
        await open_entry(app, pilot, "lantern-walk")
        await pilot.press("ctrl+t")
        await settle(pilot)

    drive(kb, visit)
    files = sorted(p.name for p in data_dir().iterdir())
    # written via a temporary file, none left behind; the lock file merges two windows
    assert files == [".state.json.lock", "state.json"]
    saved = json.loads((data_dir() / "state.json").read_text(encoding="utf-8"))
    assert saved["theme"] == LIGHT_THEME
    assert saved["kbs"][str(kb)] == {
        "history": {"back": ["door-knocking"], "current": "lantern-walk", "forward": []},
        "bookmarks": ["door-knocking"],
    }

    async def check(app: KBApp, pilot: Pilot[None]) -> None:
        assert reader_slug(app) == "lantern-walk"  # the last entry reopens
        assert history(app)["back"] == ["door-knocking"]
        assert main_screen(app).check_action("back", ()) is True
        assert list(app.user.bookmarks) == ["door-knocking"]
        assert app.theme == LIGHT_THEME
        await pilot.press("backspace")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"

    drive(kb, check)


def test_corrupt_state_and_unknown_open_give_notices_not_crashes(kb: Path) -> None:
    garbage = "{definitely not json"
    data_dir().mkdir(parents=True)
    (data_dir() / "state.json").write_text(garbage, encoding="utf-8")

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert app.is_running
        assert any("damaged" in n and "state.json.damaged-" in n for n in notices(app))
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("damaged" in toast for toast in toasts)  # visible, not just logged
        # --open with an entry that does not exist: a notice too, nothing opens.
        assert any("Cannot open 'no-such-entry'" in n for n in notices(app))
        assert reader_slug(app) is None
        await open_entry(app, pilot, "street-teams")  # and the app works
        assert reader_slug(app) == "street-teams"

    drive(kb, scenario, notifications=True, open_slug="no-such-entry")
    kept = list(data_dir().glob("state.json.damaged-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == garbage
    fresh = json.loads((data_dir() / "state.json").read_text(encoding="utf-8"))
    assert fresh["kbs"][str(kb)]["history"]["current"] == "street-teams"


# -- narrow terminals and export ----------------------------------------------------------


def test_narrow_terminal_shows_one_pane_at_a_time(kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        screen = main_screen(app)
        sidebar, reading = screen.query_one("#sidebar"), screen.query_one("#reading")
        assert screen.has_class("-narrow") and not screen.has_class("-reading")
        assert sidebar.display and not reading.display
        assert "Nothing open yet." not in screen_text(app)

        entries = entry_list(app)
        entries.highlighted = entries.get_option_index("lantern-walk")
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "lantern-walk"
        assert screen.has_class("-reading")
        assert reading.display and not sidebar.display
        assert "Lantern walk" in screen_text(app) and "Concepts (4)" not in screen_text(app)
        assert app.focused is reader(app)  # focus moved into the reader

        await pilot.press("escape")  # the list comes back
        assert not screen.has_class("-reading")
        assert sidebar.display and not reading.display
        assert app.focused is entries

        await pilot.press("enter")
        await settle(pilot)
        assert screen.has_class("-reading")
        await pilot.press("slash")  # so does /, straight into the search box
        assert not screen.has_class("-reading")
        assert isinstance(app.focused, Input)

        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not screen.has_class("-narrow")
        assert sidebar.display and reading.display

    drive(kb, scenario, size=(80, 24))


def test_narrow_open_at_start_keeps_the_entry_top_in_view(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--open in a narrow terminal shows the entry from its title, however late the
    backlinks (the graph worker) arrive; the gate makes "late" deterministic."""
    from kbtui.kb import graph

    gate = threading.Event()
    real_load_kb = graph.load_kb
    real_from_links = graph.KnowledgeBase.from_links

    def late_load_kb(*args: object, **kwargs: object) -> object:
        gate.wait(timeout=10)
        return real_load_kb(*args, **kwargs)  # type: ignore[arg-type]

    def late_from_links(cls: type, *args: object) -> object:
        gate.wait(timeout=10)
        return real_from_links(*args)  # type: ignore[arg-type]

    # The graph comes from the index's link rows, or from parsing without an index.
    monkeypatch.setattr(graph, "load_kb", late_load_kb)
    monkeypatch.setattr(graph.KnowledgeBase, "from_links", classmethod(late_from_links))
    app = KBApp(kb, open_slug="street-teams")

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            view = reader(app)
            for _ in range(200):
                await pilot.pause()
                if view.entry is not None:
                    break
            assert view.entry is not None and not app.library.graph_ready
            assert app.focused is view
            assert view.scroll_y == 0
            gate.set()
            await settle(pilot)
            assert app.library.graph_ready  # the backlinks are in
            assert "Referenced by" in widget_texts(view)
            assert app.focused is view
            assert view.scroll_y == 0, f"the reader scrolled to line {view.scroll_y}"
            assert "Street teams" in screen_text(app)

    try:
        asyncio.run(run())
    finally:
        gate.set()


def test_export_a_handout_from_the_app(kb: Path, tmp_path: Path) -> None:
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
        assert any("Handout written to" in n for n in notices(app))

    drive(kb, scenario, open_slug="paths/first-evening")
    written = list(out.iterdir())
    assert [p.name for p in written] == ["first-evening.html"]
    assert "Step 3: Harbour strike" in written[0].read_text(encoding="utf-8")


def test_a_failed_warm_up_leaves_search_working(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """warm_up is a head start only: if it fails (say another kbtui rebuilt the index
    at that moment), search still works and no "unavailable" notice appears."""
    from kbtui.index.store import KBIndex

    def broken(self: KBIndex) -> None:
        raise OSError("the index moved")

    monkeypatch.setattr(KBIndex, "warm_up", broken)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        assert "search ready" in screen_text(app)
        await pilot.press("slash", *"lantern")
        await settle(pilot)
        assert option_ids(app)[0] == "lantern-walk"
        assert not any("unavailable" in n or "could not" in n for n in notices(app))

    drive(kb, scenario, notifications=True)

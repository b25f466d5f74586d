"""Curating in the app, by Pilot: the problems view, editing in $EDITOR, the KB changing
underneath while the app runs, and writing a missing entry from its link."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList

from kbtui.ui.app import KBApp
from kbtui.ui.screens.choices import MissingLinkScreen
from kbtui.ui.screens.problems import ProblemsScreen
from tests.ui.conftest import settle
from tests.ui.test_app import drive, link_to, notices, reader, reader_slug, screen_text


def fake_editor(tmp_path: Path, line: str) -> Path:
    """An "editor" that appends ``line`` to the file it is given and says how it was called."""
    script = tmp_path / "fake-editor"
    log = tmp_path / "editor-calls"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{log}"\n'
        "for last; do :; done\n"
        f'printf "\\n## Notes from the field\\n{line}\\n" >> "$last"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def markdown_of(app: KBApp) -> str:
    return " ".join(block.source for block in reader(app).query(Markdown))


heard: list[str] = []


async def until(pilot: Pilot[None], seen: object, seconds: float = 10.0) -> None:
    """Settle until ``seen()`` holds: for the watcher, which reacts on its own threads."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await settle(pilot, rounds=1)
        if seen():  # type: ignore[operator]
            return
        await pilot.pause(0.1)
    app = pilot.app
    raise AssertionError(
        f"the app did not follow the change in time: {[n.message for n in app._notifications]}"
        f" {app.screen} {app.main_screen.reader.entry and app.main_screen.reader.entry.slug}"
        f" {sorted(p.name for p in app.library.root.iterdir())} {heard}"
    )


def test_the_problems_view_groups_problems_and_jumps_to_the_entry(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        await until(
            pilot, lambda: "problems" in screen_text(app) and "broken-link" in screen_text(app)
        )
        text = screen_text(app)
        assert "Problems (" in text and "ghost-entry" in text
        options = app.screen.query_one("#problems-list", OptionList)
        target = next(
            i
            for i in range(options.option_count)
            if "ghost-entry" in str(options.get_option_at_index(i).prompt)
        )
        options.highlighted = target
        await pilot.press("enter")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"  # the entry with the broken link

    drive(ui_kb, scenario)


def test_e_opens_the_entry_in_the_editor_and_the_app_follows(
    ui_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path, "Added by the editor: walkabout.")))
    monkeypatch.delenv("VISUAL", raising=False)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await until(
            pilot, lambda: "walkabout" in " ".join(m.source for m in reader(app).query("Markdown"))
        )
        assert reader_slug(app) == "street-teams"
        calls = (tmp_path / "editor-calls").read_text(encoding="utf-8")
        assert "street-teams.md" in calls
        # The index follows too: search finds the new word.
        await pilot.press("slash", *"walkabout")
        await settle(pilot)
        assert "1 match for “walkabout”" in screen_text(app)

    drive(ui_kb, scenario, open_slug="street-teams")


def test_no_editor_set_says_how_to_set_one(ui_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await settle(pilot)
        assert any("set VISUAL or EDITOR" in n for n in notices(app)), notices(app)

    drive(ui_kb, scenario, open_slug="street-teams")


def test_the_app_follows_files_written_renamed_and_deleted_underneath(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: app._watcher is not None)
        assert app._watcher is not None and app._watcher.wait_ready()
        (ui_kb / "night-walk.md").write_text(
            "# Night walk\n\n## Summary\nA walk at night. It is quiet.\n\n"
            "## Related\n- street-teams\n",
            encoding="utf-8",
        )
        await until(pilot, lambda: app.library.outline("night-walk") is not None)
        await until(pilot, lambda: "Night walk" in screen_text(app))
        # A backlink appears in the open entry.
        await until(pilot, lambda: link_to_or_none(app, "night-walk"))
        os.rename(ui_kb / "night-walk.md", ui_kb / "evening-walk.md")
        await until(pilot, lambda: app.library.outline("evening-walk") is not None)
        assert app.library.outline("night-walk") is None
        (ui_kb / "street-teams.md").unlink()  # the open entry is deleted
        await until(pilot, lambda: any("no longer in the KB" in n for n in notices(app)))

    drive(ui_kb, scenario, open_slug="street-teams")


def link_to_or_none(app: KBApp, slug: str) -> bool:
    try:
        link_to(app, slug)
    except AssertionError:
        return False
    return True


def test_writing_a_missing_entry_from_its_link(
    ui_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path, "Written at last.")))
    monkeypatch.delenv("VISUAL", raising=False)

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        link_to(app, None, "ghost-entry").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MissingLinkScreen)
        await pilot.press("down", "enter")  # "Write it"
        await until(pilot, lambda: reader_slug(app) == "ghost-entry", seconds=30)
        written = (ui_kb / "ghost-entry.md").read_text(encoding="utf-8")
        assert written.startswith("# Ghost entry") and "TBD" in written
        assert "Written at last." in written
        await pilot.press("backspace")
        await settle(pilot)
        assert reader_slug(app) == "door-knocking"
        assert not link_to(app, "ghost-entry").has_class("-missing")  # the link is live
        assert not [h for h in heard if "could not be brought up to date" in h], heard

    # The app's own refresh after the editor, not the watcher's, is what this tests.
    drive(ui_kb, scenario, open_slug="door-knocking", watch=False)


def test_similar_entries_are_offered_beside_the_links(ui_kb: Path) -> None:
    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await settle(pilot)
        assert "Similar entries" in screen_text(app) or reader(app).query("#similar")
        assert "Finding similar entries" not in " ".join(
            str(w.render()) for w in reader(app).query("#similar Static")
        )

    drive(ui_kb, scenario, open_slug="lantern-walk")


@pytest.fixture(autouse=True)
def _record_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    heard.clear()
    real = KBApp.notify

    def notify(self: KBApp, message: str, *args: object, **kwargs: object) -> None:
        heard.append(str(message))
        real(self, message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KBApp, "notify", notify)


def test_a_missing_source_is_written_where_check_says_to_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A citation `[source: moblab]` wants sources/moblab.md ("to write next" says so):
    writing it from the link makes that file, not moblab.md at the top of the KB."""
    from tests.conftest import write_kb

    root = write_kb(
        tmp_path / "kb",
        {
            "distributed.md": "# Distributed\n\n## Summary\nMany hands. Two.\n\n## Body\n"
            "Teams of volunteers [source: moblab].\n\n## Related\n- door\n",
            "door.md": "# Door\n\n## Summary\nKnock. Listen.\n\n## Related\n- distributed\n",
        },
    )
    monkeypatch.setenv("EDITOR", str(fake_editor(tmp_path, "A source.")))
    monkeypatch.delenv("VISUAL", raising=False)
    offered: list[str] = []

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        link_to(app, None, "moblab").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MissingLinkScreen)
        offered.append(screen_text(app))
        await pilot.press("down", "enter")  # "Write it"
        await until(pilot, lambda: reader_slug(app) == "sources/moblab", seconds=30)

    drive(root, scenario, open_slug="distributed", watch=False)
    assert (root / "sources" / "moblab.md").is_file()
    assert not (root / "moblab.md").exists()
    assert any("sources/moblab.md" in text for text in offered), offered


def test_the_choice_for_a_hostile_missing_link_shows_its_file_as_text(ui_kb: Path) -> None:
    """The missing link's target and the file "Write it" would create are KB text:
    shown literally, never run as markup (the fixture's link is [@click=app.quit])."""
    shown: list[str] = []

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        link_to(app, None, "[@click=app.quit]").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MissingLinkScreen)
        shown.append(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        assert app.return_code is None  # nothing quit the app

    drive(ui_kb, scenario, open_slug="hostile", watch=False)
    assert "create [@click=app.quit].md and open it" in shown[0], shown[0]

"""`kbtui --open SLUG` for an entry added since the last sync: the cached listing does
not know it yet, the files do (a case from the hardening issue)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kbtui.ui.app import KBApp
from tests.ui.test_app import drive, notices, reader_slug

NEW = "# A fresh entry\n\n## Summary\nWritten after the last sync.\n\n## Body\nIt is new.\n"


async def nothing(app: KBApp, pilot: Pilot[None]) -> None:
    return None


def opened(kb: Path, slug: str) -> tuple[str | None, list[str]]:
    """The entry the reader shows once started with ``--open slug``, and the notices."""
    seen: list[tuple[str | None, list[str]]] = []

    async def look(app: KBApp, pilot: Pilot[None]) -> None:
        seen.append((reader_slug(app), notices(app)))

    drive(kb, look, notifications=True, watch=False, open_slug=slug)
    return seen[0]


def test_open_finds_an_entry_added_since_the_last_sync(ui_kb: Path) -> None:
    drive(ui_kb, nothing, watch=False)  # the listing is cached now, without the new entry
    (ui_kb / "fresh-entry.md").write_text(NEW, encoding="utf-8")
    slug, said = opened(ui_kb, "fresh-entry")
    assert slug == "fresh-entry"
    assert not [n for n in said if "Cannot open" in n]


def test_open_of_an_entry_that_is_nowhere_still_says_so(ui_kb: Path) -> None:
    drive(ui_kb, nothing, watch=False)
    slug, said = opened(ui_kb, "never-written")
    assert slug is None
    assert any("Cannot open 'never-written'" in n for n in said)

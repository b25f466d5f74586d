"""Bugs the fuzz suite found, each pinned by one small test.

- A folder name names an entry's type; its label ("X\\b\\x7fy" -> "X\\b\\x7fy") reached
  the exported handout (HTML and Markdown) raw, control bytes and all, and the
  reader's meta line under the title drew it raw too.
- An entry whose slug has a character links treat specially (a backslash, "#", "?",
  "%41") could not be opened in the app: its slug was read as a link target.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import pytest

from kbtui.cli import main
from kbtui.library import Library
from kbtui.ui.app import KBApp
from tests.conftest import write_kb
from tests.fuzz.kbgen import unsafe_in
from tests.ui.conftest import settle
from tests.ui.test_app import drawn_in, reader


@pytest.mark.parametrize("form", ["html", "md"])
def test_a_hostile_folder_name_is_neutralised_in_the_handout(tmp_path: Path, form: str) -> None:
    folder = "x\x08\x7f\x1b[31m\u202ey"
    kb = write_kb(tmp_path / "kb", {f"{folder}/e.md": "# T\n\n## Summary\nS.\n"})
    target = tmp_path / f"out.{form}"
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(
            ["export", "--kb", str(kb), "--format", form, "-o", str(target), "--", f"{folder}/e"]
        )
    assert code == 0
    written = target.read_text(encoding="utf-8")
    assert not unsafe_in(written), unsafe_in(written)
    assert "\u241b[31m" in written  # shown as a picture, not dropped


def test_a_hostile_folder_name_is_neutralised_in_the_readers_meta_line(tmp_path: Path) -> None:
    folder = "x\x9d0;c\x9c\u2069\u202ay"
    kb = write_kb(tmp_path / "kb", {f"{folder}/e.md": "# T\n\n## Summary\nS.\n"})
    app = KBApp(kb, open_slug=f"{folder}/e", save=False, watch=False)

    async def run() -> None:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            shown = drawn_in(app, reader(app))
            assert "X\ufffd0;c" in shown, shown  # the type label is there ...
            assert not unsafe_in(shown), unsafe_in(shown)  # ... as pictures

    asyncio.run(run())


@pytest.mark.parametrize("name", ["a\\b", "c#d", "e?f", "g%41h", "<i>"])
def test_an_entry_opens_by_its_own_slug_whatever_its_characters(tmp_path: Path, name: str) -> None:
    kb = write_kb(tmp_path / "kb", {f"{name}.md": "# Odd name\n\n## Summary\nS.\n"})
    library = Library(kb)
    library.load_all()
    assert library.read(name).title == "Odd name"

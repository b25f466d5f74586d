"""The README's key table is the live bindings, as help shows them (never hand-kept)."""

from __future__ import annotations

import re
from pathlib import Path

from textual.pilot import Pilot

from kbtui.ui.app import KBApp
from kbtui.ui.screens.help import key_table
from tests.ui.test_app import drive

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"<!-- keys:begin -->\n(.*?)\n<!-- keys:end -->", re.DOTALL)


def live_table(kb: Path) -> str:
    tables: list[str] = []

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        tables.append(key_table(app.help_groups()))

    drive(kb, scenario, open_slug="street-teams")
    return tables[0]


def test_the_readme_key_table_is_the_live_bindings(ui_kb: Path) -> None:
    expected = live_table(ui_kb)
    found = BLOCK.search(README.read_text(encoding="utf-8"))
    assert found is not None, "README.md has no <!-- keys:begin --> block"
    assert found.group(1) == expected, f"Put this table in README.md:\n{expected}"

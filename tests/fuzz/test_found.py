"""Bugs the fuzz suite found, each pinned by one small test.

- A folder name names an entry's type; its label ("X\\b\\x7fy" -> "X\\b\\x7fy") reached
  the exported handout (HTML and Markdown) raw, control bytes and all.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from kbtui.cli import main
from tests.conftest import write_kb
from tests.fuzz.kbgen import unsafe_in


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

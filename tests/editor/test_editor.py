"""Editing in the user's editor: the command from VISUAL / EDITOR, at the section's line
where the editor takes one, run for real with fake editor scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.editor import NO_EDITOR, editor_command, editor_from, section_line
from kbtui.kb.parser import parse_entry

ENTRY = "# Walk\n\n## Summary\nTBD\n\n## Body\nText.\n\n## Related\n- a\n"


def fake_editor(folder: Path, name: str) -> Path:
    """A script called ``name`` that records its arguments and appends a line to the
    file it was given (its last argument, less any ``:LINE`` after the ``.md``)."""
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "args = sys.argv[1:]\n"
        "open(sys.argv[0] + '.args', 'w').write('\\n'.join(args))\n"
        "target = args[-1]\n"
        "if target.count(':') and not target.endswith('.md'):\n"
        "    target = target.rsplit(':', 1)[0]\n"
        "open(target, 'a').write('Edited.\\n')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def test_no_editor_is_one_clear_sentence() -> None:
    assert editor_command(Path("a.md"), 3, env={}) is None
    assert editor_command(Path("a.md"), 3, env={"EDITOR": "  ", "VISUAL": ""}) is None
    assert NO_EDITOR.count(".") == 1 and "EDITOR" in NO_EDITOR and "VISUAL" in NO_EDITOR


def test_visual_comes_before_editor_and_is_split_like_a_shell() -> None:
    env = {"VISUAL": "code --wait", "EDITOR": "vi"}
    assert editor_from(env) == ["code", "--wait"]
    assert editor_from({"EDITOR": "'/opt/my editor/bin/ed' -x"}) == ["/opt/my editor/bin/ed", "-x"]


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("vim", ["vim", "+12", "F"]),
        ("/usr/bin/nvim", ["/usr/bin/nvim", "+12", "F"]),
        ("nano", ["nano", "+12", "F"]),
        ("emacsclient -t", ["emacsclient", "-t", "+12", "F"]),
        ("micro", ["micro", "+12", "F"]),
        ("kak", ["kak", "+12", "F"]),
        ("hx", ["hx", "F:12"]),
        ("code --wait", ["code", "--wait", "--goto", "F:12"]),
        ("notepad.exe", ["notepad.exe", "F"]),  # unknown: the file, from its top
    ],
)
def test_the_line_in_the_form_each_editor_takes(editor: str, expected: list[str]) -> None:
    assert editor_command(Path("F"), 12, env={"EDITOR": editor}) == expected
    assert editor_command(Path("F"), None, env={"EDITOR": editor}) == [*editor.split(), "F"]


def test_the_line_of_a_section() -> None:
    entry = parse_entry(ENTRY, "walk", "walk.md")
    assert section_line(entry, "Body") == 6
    assert section_line(entry, "related") == 9
    assert section_line(entry, "No such section") == 1
    assert section_line(entry, None) == 1


@pytest.mark.parametrize(("name", "expected_args"), [("vim", ["+6"]), ("hx", []), ("ed", [])])
def test_a_fake_editor_runs_at_the_line_and_edits_the_file(
    tmp_path: Path, name: str, expected_args: list[str]
) -> None:
    entry_file = tmp_path / "walk.md"
    entry_file.write_text(ENTRY, encoding="utf-8")
    script = fake_editor(tmp_path, name)
    entry = parse_entry(ENTRY, "walk", "walk.md")
    command = editor_command(entry_file, section_line(entry, "Body"), env={"EDITOR": str(script)})
    assert command is not None
    subprocess.run(command, check=True, timeout=30)
    assert entry_file.read_text(encoding="utf-8").endswith("- a\nEdited.\n")
    args = Path(str(script) + ".args").read_text(encoding="utf-8").split("\n")
    if name == "hx":
        assert args == [f"{entry_file}:6"]
    else:
        assert args == [*expected_args, str(entry_file)]

"""``kbtui export --path NAME --edition ...`` on the starter KB: the trainer asks for
the notes and gets them, everyone else (the default) does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbtui.cli import main
from kbtui.kb import load_kb
from kbtui.kb.model import Entry
from tests.conftest import REPO

KB = REPO / "kb"


@pytest.fixture(scope="module")
def first_training() -> Entry:
    return load_kb(KB, render=False).entries["paths/first-training"]


def export(tmp_path: Path, fmt: str, *edition: str) -> tuple[int, str, Path]:
    out = tmp_path / f"handout-{'-'.join(edition) or 'default'}.{fmt}"
    args = ["export", "--path", "first-training", "--format", fmt, "-o", str(out)]
    return main([*args, *edition, "--kb", str(KB)]), str(out), out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&#34;", '"'))


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_trainers_edition_has_the_notes_and_minutes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first_training: Entry, fmt: str
) -> None:
    code, name, out = export(tmp_path, fmt, "--edition", "trainer")
    assert code == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Wrote {name} ({fmt}, trainer edition, ")
    text = _flat(out.read_text(encoding="utf-8"))
    for step in first_training.steps:
        assert _flat(step.note) in text
        assert f"{step.minutes} min" in text
    assert "Planned: 110 min in all." in text


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("edition", [(), ("--edition", "participant")])
def test_the_default_and_the_participants_edition_have_no_note(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    first_training: Entry,
    fmt: str,
    edition: tuple[str, ...],
) -> None:
    code, name, out = export(tmp_path, fmt, *edition)
    assert code == 0
    assert capsys.readouterr().out.startswith(f"Wrote {name} ({fmt}, participant edition, ")
    text = _flat(out.read_text(encoding="utf-8"))
    assert text.count("Step ") >= len(first_training.steps)  # the steps are all there
    for step in first_training.steps:
        assert _flat(step.note)[:40] not in text
    assert "Trainer's note" not in text and "min in all" not in text


def test_an_unknown_edition_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        export(tmp_path, "md", "--edition", "everyone")
    assert stopped.value.code == 2
    assert "invalid choice: 'everyone'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []

"""The scripting CLI through its real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.cli import main
from tests.conftest import write_kb

KB = {
    "distributed-organizing.md": "# Distributed organizing\n\n## Summary\nMany hands. One plan.\n\n"
    "## Body\nTeams act locally [source: moblab].\n\n## Related\n- one-to-ones\n- ghost\n",
    "one-to-ones.md": "# One-to-ones\n\n## Summary\nListen first. Then ask.\n\n## Related\n"
    "- distributed-organizing\n",
    "sources/moblab.md": "# MobLab\n\n## Summary\nA lab. For campaigns.\n\n## Related\n"
    "- distributed-organizing\n",
}


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", KB)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kbtui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_show_text(kb: Path) -> None:
    done = run("show", "distributed-organizing", "--kb", str(kb))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Distributed organizing\nConcepts · distributed-organizing")
    assert "== Summary ==\nMany hands. One plan." in out
    assert "Related: one-to-ones -> one-to-ones" in out
    assert "Related: ghost -> (not in this KB)" in out
    assert "Body: moblab -> sources/moblab" in out
    assert "one-to-ones (Related) - One-to-ones" in out  # referenced by


def test_show_json(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "one-to-ones", "--kb", str(kb), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"slug", "title", "type", "summary", "sections", "links", "backlinks"}
    assert data["slug"] == "one-to-ones" and data["type"] == "concept"
    assert data["sections"][0] == {"name": "Summary", "text": "Listen first. Then ask."}
    assert data["links"] == [
        {
            "section": "Related",
            "target": "distributed-organizing",
            "resolved": "distributed-organizing",
        }
    ]
    assert data["backlinks"] == [{"slug": "distributed-organizing", "section": "Related"}]


def test_show_unknown_slug_suggests(kb: Path) -> None:
    done = run("show", "one-to-one", "--kb", str(kb))
    assert done.returncode == 2
    assert "No entry 'one-to-one'" in done.stderr and "one-to-ones" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_exit_codes_and_json(kb: Path, tmp_path: Path) -> None:
    done = run("check", "--kb", str(kb))
    assert done.returncode == 1
    assert "distributed-organizing: broken-link: Related: 'ghost' is not in this KB" in done.stdout
    data = json.loads(run("check", "--kb", str(kb), "--json").stdout)
    assert data["entries"] == 3
    assert data["problems"] == [
        {
            "slug": "distributed-organizing",
            "kind": "broken-link",
            "detail": "Related: 'ghost' is not in this KB",
        }
    ]
    clean = write_kb(tmp_path / "clean", {k: v.replace("- ghost\n", "") for k, v in KB.items()})
    assert run("check", "--kb", str(clean)).returncode == 0


def test_kb_from_environment(kb: Path) -> None:
    done = run("show", "one-to-ones", env={"KBTUI_KB": str(kb)})
    assert done.returncode == 0 and "One-to-ones" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--kb", "/no/such/folder"], "does not exist"),
        (["check", "--bogus"], "unrecognized arguments"),
        (["frobnicate"], "invalid choice"),
        (["search", "x", "--limit", "0"], "--limit must be"),
    ],
)
def test_usage_errors_are_one_sentence(args: list[str], message: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_file_is_not_a_kb(tmp_path: Path) -> None:
    file = tmp_path / "notes.md"
    file.write_text("hi", encoding="utf-8")
    done = run("check", "--kb", str(file))
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "kbtui"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("kbtui ")

"""A hostile KB: markup, escape sequences, broken encodings, binaries, huge files,
CRLF, a BOM, symlinks out of the KB and `../` links. `check` reports, never crashes,
and nothing a terminal would act on reaches stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_kb

ESCAPES = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e")


@pytest.fixture
def hostile_kb(tmp_path: Path) -> Path:
    secret = tmp_path / "outside-secret.md"
    secret.write_text("## Summary\nSECRET OUTSIDE THE KB.\n", encoding="utf-8")
    root = write_kb(
        tmp_path / "kb",
        {
            "markup.md": "# [bold]Loud[/bold] title\n\n## Summary\nClick [@click=app.quit]here[/]. "
            "[red]Red[/red].\n\n## Related\n- escapes\n",
            "escapes.md": "# Escapes\n\n## Summary\nRed \x1b[31mtext\x1b[0m, a bell\x07, "
            "an OSC \x1b]8;;http://evil\x07link\x1b]8;;\x07, C1 \x9b2J and "
            "a bidi \u202etxt.\n\n## Related\n- markup\n",
            "latin1.md": "## Summary\nCaf\xe9 au lait. Deux.\n".encode("latin-1"),
            "empty.md": "",
            "binary.md": bytes(range(256)) * 4,
            "huge.md": "## Summary\nHuge. Five megabytes.\n\n" + ("lorem ipsum " * 450_000),
            "crlf.md": "# CRLF\r\n\r\n## Summary\r\nWindows lines. Two.\r\n\r\n"
            "## Related\r\n- bom\r\n",
            "bom.md": "\ufeff# BOM\n\n## Summary\nStarts with a BOM. Fine.\n\n## Related\n- crlf\n",
            "climb.md": "## Summary\nClimbs. Out.\n\n## Related\n- ../outside-secret\n"
            "- /etc/passwd\n- file:///etc/passwd\n",
        },
    )
    (root / "leak.md").symlink_to(secret)
    return root


def kbtui(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kbtui", *args],
        capture_output=True,
        timeout=120,
        check=False,
        env=dict(os.environ),
    )


def test_check_reports_everything_and_survives(hostile_kb: Path) -> None:
    done = kbtui("check", "--kb", str(hostile_kb))
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 1
    assert "Traceback" not in err and err == ""
    expected = [
        "escapes: control-characters:",
        "latin1: undecodable:",
        "empty: empty-entry:",
        "binary: binary:",
        "huge: too-large:",
        "climb: outside-link:",
        "leak: outside-link:",
    ]
    for line in expected:
        assert line in out, line
    assert "SECRET OUTSIDE" not in out
    # CRLF and BOM files are ordinary entries: no problem reported for them.
    assert not [line for line in out.splitlines() if line.startswith(("crlf:", "bom:"))]
    for char in ESCAPES:
        assert char not in out


def test_show_prints_escapes_harmlessly(hostile_kb: Path) -> None:
    done = kbtui("show", "escapes", "--kb", str(hostile_kb))
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0
    for char in ESCAPES:
        assert char not in out
    assert "␛[31mtext" in out and "␇" in out


def test_markup_is_printed_literally(hostile_kb: Path) -> None:
    out = kbtui("show", "markup", "--kb", str(hostile_kb)).stdout.decode("utf-8")
    assert "[bold]Loud[/bold] title" in out
    assert "[@click=app.quit]here[/]" in out


def test_crlf_and_bom_parse_like_any_file(hostile_kb: Path) -> None:
    from kbtui.kb import load_kb

    kb = load_kb(hostile_kb)
    assert (
        kb.entries["crlf"].title == "CRLF" and kb.entries["crlf"].summary == "Windows lines. Two."
    )
    assert kb.entries["bom"].title == "BOM"
    assert {r.resolved for r in kb.links_of("bom")} == {"crlf"}


def test_search_and_index_survive_the_hostile_kb(hostile_kb: Path) -> None:
    done = kbtui("search", "lorem", "--kb", str(hostile_kb))
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"\x1b" not in done.stdout

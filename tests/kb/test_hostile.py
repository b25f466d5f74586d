"""A hostile KB: markup, escape sequences, broken encodings, binaries, huge files,
CRLF, a BOM, hostile file names, a FIFO, symlinks out of the KB and `../`, absolute and
URL links. `check` reports, never crashes, and nothing a terminal would act on reaches
stdout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_kb

ESCAPES = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e")
# What a terminal may act on: C0 controls but TAB and LF (CR included), DEL, C1, bidi.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")
# A file name that carries a colour change, a C1 CSI, DEL and a bidi override.
NASTY_NAME = "name-\x1b[31m-c1\x9b2J-del\x7f-rlo\u202e"
NASTY_SLUG = NASTY_NAME.lower()


@pytest.fixture
def hostile_kb(tmp_path: Path) -> Path:
    secret = tmp_path / "outside-secret.md"
    secret.write_text("## Summary\nSECRET OUTSIDE THE KB.\n", encoding="utf-8")
    root = write_kb(
        tmp_path / "kb",
        {
            "markup.md": "# [bold]Loud[/bold] title\n\n## Summary\nClick [@click=app.quit]here[/]. "
            "[bold]red[/bold] and [red]Red[/red].\n\n## Related\n- escapes\n",
            "escapes.md": "# Escapes\n\n## Summary\nRed \x1b[31mtext\x1b[0m, a bell\x07, "
            "an OSC \x1b]8;;http://evil\x07link\x1b]8;;\x07, C1 \x9b2J and "
            "a bidi \u202etxt.\n\n## Related\n- markup\n",
            "latin1.md": "## Summary\nCaf\xe9 au lait. Deux.\n".encode("latin-1"),
            "empty.md": "",
            "binary.md": bytes(range(256)) * 4,
            "huge.md": "## Summary\nHuge. Five megabytes.\n\n## Body\n"
            + ("lorem ipsum " * 450_000),
            "crlf.md": "# CRLF\r\n\r\n## Summary\r\nWindows lines. Two.\r\n\r\n"
            "## Related\r\n- bom\r\n",
            "bom.md": "\ufeff# BOM\n\n## Summary\nStarts with a BOM. Fine.\n\n## Related\n- crlf\n",
            "climb.md": "## Summary\nClimbs. Out.\n\n## Related\n- ../outside-secret\n"
            "- /etc/passwd\n- file:///etc/passwd\n- http://example.org/x\n"
            "- [home](~/notes.md)\n",
            f"{NASTY_NAME}.md": "## Summary\nA hostile file name. Fine text.\n",
        },
    )
    (root / "leak.md").symlink_to(secret)
    (root / "climbing-link.md").symlink_to(Path("..") / "outside-secret.md")
    os.mkfifo(root / "pipe.md")
    return root


def kbtui(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kbtui", *args],
        capture_output=True,
        timeout=120,
        check=False,
        env=dict(os.environ),
    )


def terminal_safe(data: bytes) -> str:
    """The output as text, after proving a terminal would find nothing to act on in it."""
    text = data.decode("utf-8")  # strict: a stray 8-bit C1 byte fails here
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not found, f"raw control characters on stdout: {found}"
    return text


def test_check_reports_everything_and_survives(hostile_kb: Path) -> None:
    done = kbtui("check", "--kb", str(hostile_kb))
    out, err = terminal_safe(done.stdout), done.stderr.decode("utf-8")
    assert done.returncode == 1
    assert "Traceback" not in err and err == ""
    expected = [
        ("escapes", "control-characters"),
        ("latin1", "undecodable"),
        ("empty", "empty-entry"),
        ("binary", "binary"),
        ("huge", "too-large"),
        ("climb", "outside-link"),
        ("leak", "outside-link"),
        ("climbing-link", "outside-link"),
        ("pipe", "unreadable"),
    ]
    lines = out.splitlines()
    for slug, kind in expected:  # each as PATH:LINE: KIND: detail
        assert any(re.match(rf"{slug}\.md:\d+: {kind}: ", line) for line in lines), slug
    assert "SECRET OUTSIDE" not in out
    # CRLF, BOM and markup files are ordinary entries: no problem reported for them.
    assert not [line for line in lines if line.startswith(("crlf.md:", "bom.md:", "markup.md:"))]
    for char in ESCAPES:
        assert char not in out


def test_check_json_reports_the_expected_kinds(hostile_kb: Path) -> None:
    done = kbtui("check", "--kb", str(hostile_kb), "--json")
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    data = json.loads(terminal_safe(done.stdout))
    found = {(p["slug"], p["kind"]) for p in data["problems"]}
    assert {
        ("escapes", "control-characters"),
        ("latin1", "undecodable"),
        ("empty", "empty-entry"),
        ("binary", "binary"),
        ("huge", "too-large"),
        ("leak", "outside-link"),
        ("climbing-link", "outside-link"),
        ("pipe", "unreadable"),
        (NASTY_SLUG, "orphan"),  # the name survives the JSON round trip intact
    } <= found
    climb = {p["detail"] for p in data["problems"] if p["slug"] == "climb"}
    assert climb - {"no other entry links here"} == {
        "Related: '../outside-secret' leads outside",
        "Related: '/etc/passwd' leads outside",
        "Related: '~/notes.md' leads outside",
        "Related: 'file:///etc/passwd' leads outside",
        "Related: 'http://example.org/x' leads outside",
    }
    assert {slug for slug, _ in found} <= {
        "escapes",
        "latin1",
        "empty",
        "binary",
        "huge",
        "climb",
        "leak",
        "climbing-link",
        "pipe",
        "markup",
        "bom",
        "crlf",
        NASTY_SLUG,
    }
    assert ("crlf", "orphan") not in found and ("bom", "orphan") not in found


def test_show_prints_escapes_harmlessly(hostile_kb: Path) -> None:
    done = kbtui("show", "escapes", "--kb", str(hostile_kb))
    out = terminal_safe(done.stdout)
    assert done.returncode == 0
    for char in ESCAPES:
        assert char not in out
    assert "␛[31mtext" in out and "␇" in out
    assert "␛]8;;http://evil␇link" in out  # the OSC 8 hyperlink is shown, not obeyed


def test_show_json_of_escapes_is_valid_and_safe(hostile_kb: Path) -> None:
    done = kbtui("show", "escapes", "--kb", str(hostile_kb), "--json")
    assert done.returncode == 0
    data = json.loads(terminal_safe(done.stdout))
    assert data["summary"].startswith("Red ␛[31mtext␛[0m, a bell␇")


def test_every_entry_shows_safely_as_text_and_json(hostile_kb: Path) -> None:
    from kbtui.kb import load_kb

    slugs = list(load_kb(hostile_kb).entries)
    assert NASTY_SLUG in slugs and "binary" in slugs
    for slug in slugs:
        for extra in ((), ("--json",)):
            done = kbtui("show", slug, "--kb", str(hostile_kb), *extra)
            assert done.returncode == 0, (slug, done.stderr)
            assert done.stderr == b""
            out = terminal_safe(done.stdout)
            if extra:
                assert json.loads(out)["slug"] == slug


def test_hostile_file_name_is_shown_as_symbols(hostile_kb: Path) -> None:
    out = terminal_safe(kbtui("check", "--kb", str(hostile_kb)).stdout)
    assert "name-␛[31m-c1\ufffd2J-del␡-rlo\ufffd.md:1: orphan:" in out  # the file as named


def test_unknown_slug_suggestions_are_safe_on_stderr(hostile_kb: Path) -> None:
    done = kbtui("show", "name-", "--kb", str(hostile_kb))
    assert done.returncode == 2
    err = terminal_safe(done.stderr)
    assert "Did you mean:" in err and "name-␛[31m" in err


def test_markup_is_printed_literally(hostile_kb: Path) -> None:
    out = terminal_safe(kbtui("show", "markup", "--kb", str(hostile_kb)).stdout)
    assert out.startswith("[bold]Loud[/bold] title\n")
    assert "[@click=app.quit]here[/]" in out
    assert "[bold]red[/bold] and [red]Red[/red]." in out


def test_crlf_and_bom_parse_like_any_file(hostile_kb: Path) -> None:
    from kbtui.kb import load_kb

    kb = load_kb(hostile_kb)
    assert (
        kb.entries["crlf"].title == "CRLF" and kb.entries["crlf"].summary == "Windows lines. Two."
    )
    assert all("\r" not in s.text for s in kb.entries["crlf"].sections)
    assert kb.entries["bom"].title == "BOM"
    assert {r.resolved for r in kb.links_of("bom")} == {"crlf"}


def test_nothing_outside_is_loaded(hostile_kb: Path) -> None:
    from kbtui.kb import load_kb

    kb = load_kb(hostile_kb)
    assert "leak" not in kb.entries and "climbing-link" not in kb.entries
    assert "pipe" not in kb.entries
    texts = [s.text for e in kb.entries.values() for s in e.sections]
    assert not [t for t in texts if "SECRET OUTSIDE" in t]


def test_huge_and_binary_files_are_cut_short(hostile_kb: Path) -> None:
    from kbtui.kb import load_kb

    assert (hostile_kb / "huge.md").stat().st_size > 5_000_000
    kb = load_kb(hostile_kb)
    huge = kb.entries["huge"]
    assert "too-large" in huge.flags and huge.summary == "Huge. Five megabytes."
    assert sum(len(s.text) for s in huge.sections) <= 1 << 20
    assert kb.entries["binary"].sections == ()


def test_search_and_index_survive_the_hostile_kb(hostile_kb: Path) -> None:
    done = kbtui("search", "lorem", "--kb", str(hostile_kb))
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"\x1b" not in done.stdout

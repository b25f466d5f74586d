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
    assert (
        "distributed-organizing.md:11: broken-link: Related: 'ghost' is not in this KB"
        in done.stdout
    )
    data = json.loads(run("check", "--kb", str(kb), "--json").stdout)
    assert data["entries"] == 3
    assert data["problems"] == [
        {
            "slug": "distributed-organizing",
            "kind": "broken-link",
            "detail": "Related: 'ghost' is not in this KB",
            "path": "distributed-organizing.md",
            "line": 11,
            "sections": ["Related"],
            "target": "ghost",
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


# --- On the shared fixture KB ------------------------------------------------------

MINI_KB = Path(__file__).resolve().parents[1] / "fixtures" / "mini-kb"
MINI_PROBLEMS = [
    {
        "slug": "distributed-organizing",
        "kind": "duplicate-section",
        "detail": "section 'Summary' appears twice",
        "path": "distributed-organizing.md",
        "line": 16,
        "sections": [],
        "target": None,
    },
    {
        "slug": "distributed-organizing",
        "kind": "missing-summary",
        "detail": "the Summary is still TBD",
        "path": "distributed-organizing.md",
        "line": 1,
        "sections": [],
        "target": None,
    },
    {
        "slug": "house-meetings",
        "kind": "broken-link",
        "detail": "Related: 'phone-trees' is not in this KB",
        "path": "house-meetings.md",
        "line": 14,
        "sections": ["Related"],
        "target": "phone-trees",
    },
]
MINI_WANTED = {
    "slug": "phone-trees",
    "path": "phone-trees.md",
    "entries": 1,
    "from": [
        {"slug": "house-meetings", "path": "house-meetings.md", "line": 14, "sections": ["Related"]}
    ],
}


def test_check_text_on_the_fixture_exactly() -> None:
    done = run("check", "--kb", str(MINI_KB))
    assert done.returncode == 1 and done.stderr == ""
    assert done.stdout.splitlines() == [
        *(f"{p['path']}:{p['line']}: {p['kind']}: {p['detail']}" for p in MINI_PROBLEMS),
        "To write next (1 entry linked but not written):",
        "  phone-trees.md: linked from 1 entry: house-meetings (Related)",
        "10 entries checked, 3 problems.",
    ]


def test_check_json_on_the_fixture_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--kb", str(MINI_KB), "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "entries": 10,
        "problems": MINI_PROBLEMS,
        "to_write_next": [MINI_WANTED],
    }


def test_check_json_on_a_clean_kb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write_kb(tmp_path / "clean", {k: v.replace("- ghost\n", "") for k, v in KB.items()})
    assert main(["check", "--kb", str(clean), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "entries": 3,
        "problems": [],
        "to_write_next": [],
    }
    assert main(["check", "--kb", str(clean)]) == 0
    assert capsys.readouterr().out == "3 entries checked, no problems.\n"


def test_show_text_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "distributed-organizing", "--kb", str(MINI_KB)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Distributed organizing\nConcepts · distributed-organizing · distributed-organizing.md\n"
    )
    # Every section in file order, the duplicate Summary included.
    headings = [line for line in out.splitlines() if line.startswith("== ")]
    assert headings == [
        "== Summary ==",
        "== Body ==",
        "== Use it for ==",
        "== Worked examples ==",
        "== Related ==",
        "== Summary ==",
        "== Open Questions ==",
        "== Sources & verification ==",
        "== Links ==",
        "== Referenced by ==",
    ]
    assert "  Related: moblab -> sources/moblab\n" in out
    assert "  Sources & verification: civil-resistance-2-0 -> sources/civil-resistance-2-0\n" in out
    assert "  one-to-ones (Related) - One-to-one conversations\n" in out
    assert "Verified 2026-05-14 by fixture-qc." in out


def test_show_missing_outside_and_unlinked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "house-meetings", "--kb", str(MINI_KB)]) == 0
    assert "  Related: phone-trees -> (not in this KB)\n" in capsys.readouterr().out
    root = write_kb(tmp_path / "kb", {"a.md": "## Summary\nA. B.\n\n## Related\n- ../up\n"})
    assert main(["show", "a", "--kb", str(root)]) == 0
    out = capsys.readouterr().out
    assert "  Related: ../up -> (outside the KB)\n" in out
    assert out.endswith("== Referenced by ==\n  (nothing links here)\n")


def test_show_json_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "moblab", "--kb", str(MINI_KB), "--json"]) == 0  # bare name resolves
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["slug", "title", "type", "summary", "sections", "links", "backlinks"]
    assert (data["slug"], data["title"], data["type"]) == ("sources/moblab", "MobLab", "source")
    assert data["summary"].startswith("A campaigning lab")
    assert [s["name"] for s in data["sections"]] == ["Summary", "Body", "Related"]
    assert all(set(s) == {"name", "text"} for s in data["sections"])
    assert data["links"] == [
        {
            "section": "Related",
            "target": "distributed-organizing",
            "resolved": "distributed-organizing",
        }
    ]
    assert data["backlinks"] == [
        {"slug": "distributed-organizing", "section": "Body"},
        {"slug": "distributed-organizing", "section": "Related"},
        {"slug": "distributed-organizing", "section": "Sources & verification"},
    ]


def test_show_json_keeps_missing_links_and_a_missing_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["show", "house-meetings", "--kb", str(MINI_KB), "--json"]) == 0
    links = json.loads(capsys.readouterr().out)["links"]
    assert {"section": "Related", "target": "phone-trees", "resolved": None} in links
    assert main(["show", "distributed-organizing", "--kb", str(MINI_KB), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] is None
    assert [s["name"] for s in data["sections"]].count("Summary") == 2


def test_show_json_keeps_accents_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "case-studies/gezi-park", "--kb", str(MINI_KB), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"title": "Gézi Park, Istanbul (2013)"' in out


def test_unknown_slug_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "gezi", "--kb", str(MINI_KB)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"kbtui: No entry 'gezi' in the KB at {MINI_KB.resolve()}. "
        "Did you mean: case-studies/gezi-park?\n"
    )


def test_unknown_slug_without_anything_close(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "zzzz", "--kb", str(MINI_KB)]) == 2
    err = capsys.readouterr().err
    assert "No entry 'zzzz'" in err and "Did you mean" not in err


def test_kb_flag_beats_the_environment(tmp_path: Path) -> None:
    other = write_kb(tmp_path / "other", {"x.md": "## Summary\nX. Y.\n"})
    done = run("check", "--kb", str(MINI_KB), env={"KBTUI_KB": str(other)})
    assert done.returncode == 1 and "10 entries checked, 3 problems." in done.stdout
    from_env = run("check", env={"KBTUI_KB": str(other)})
    assert from_env.returncode == 0 and from_env.stdout == "1 entry checked, no problems.\n"


def test_kb_flag_before_the_command() -> None:
    done = run("--kb", str(MINI_KB), "check")
    assert done.returncode == 1 and "10 entries checked" in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["show"], {}, "the following arguments are required: SLUG"),
        (["show", "moblab", "--kb"], {}, "expected one argument"),
        (["check", "--json", "--bogus"], {}, "unrecognized arguments: --bogus"),
        (["check"], {"KBTUI_KB": "/no/such/kb"}, "'/no/such/kb' (KBTUI_KB) does not exist"),
        (["show", "x", "--kb", "/no/such/kb"], {}, "'/no/such/kb' (--kb) does not exist"),
    ],
)
def test_more_usage_errors(args: list[str], env: dict[str, str], message: str) -> None:
    done = run(*args, env=env)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1


def test_environment_kb_that_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "kb.md"
    file.write_text("## Summary\nA file. Not a folder.\n", encoding="utf-8")
    done = run("show", "kb", env={"KBTUI_KB": str(file)})
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"kbtui: The KB path {str(file)!r} (KBTUI_KB) is a file, not a folder."
    )


def test_usage_error_in_process_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--nope"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err

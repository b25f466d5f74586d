"""`kbtui check` for curators and CI: PATH:LINE lines, the "to write next" list, --kind,
--advice, JSON, exit codes; on the seed entry as a new user meets it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.cli import main
from tests.conftest import write_kb

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed-entry-distributed-organizing.txt"
GOOD_A = "# A\n\n## Summary\nA is first. It links to B.\n\n## Related\n- b\n"
GOOD_B = "# B\n\n## Summary\nB is second. It links to A.\n\n## Related\n- a\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kbtui", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


@pytest.fixture
def seed_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copyfile(SEED, root / "distributed-organizing.md")
    return root


def test_the_seed_entry_is_one_line_per_missing_entry_then_what_to_write(seed_kb: Path) -> None:
    done = run("check", "--kb", str(seed_kb))
    assert done.returncode == 1 and done.stderr == ""
    lines = done.stdout.splitlines()
    problems = [line for line in lines if line.startswith("distributed-organizing.md:")]
    assert len(problems) == 15  # 13 missing entries, a duplicated and a TBD summary
    assert (
        "distributed-organizing.md:5: broken-link: Body, Related, Sources & verification: "
        "'moblab' is not in this KB (also written 'sources/moblab')" in problems
    )
    start = lines.index("To write next (13 entries linked but not written):")
    assert lines[start + 1 : start + 3] == [
        "  case-studies/campact-model.md: linked from 1 entry: distributed-organizing "
        "(Worked examples)",
        "  case-studies/fridays-for-future.md: linked from 1 entry: distributed-organizing "
        "(Worked examples)",
    ]
    assert (
        "  sources/moblab.md: linked from 1 entry: distributed-organizing (Body, Related, "
        "Sources & verification)" in lines
    )
    assert lines[-1] == "1 entry checked, 15 problems."


def test_most_wanted_first_with_where_from(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {
            "a.md": GOOD_A + "- phone-trees\n- zines\n",
            "b.md": GOOD_B + "- phone-trees\n",
        },
    )
    done = run("check", "--kb", str(root))
    lines = done.stdout.splitlines()
    assert lines[-4:] == [
        "To write next (2 entries linked but not written):",
        "  phone-trees.md: linked from 2 entries: a (Related), b (Related)",
        "  zines.md: linked from 1 entry: a (Related)",
        "2 entries checked, 3 problems.",
    ]


def test_json_keeps_the_old_fields_and_adds_where_and_what_to_write(seed_kb: Path) -> None:
    done = run("check", "--kb", str(seed_kb), "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    moblab = next(p for p in data["problems"] if p["target"] == "sources/moblab")
    assert moblab == {
        "slug": "distributed-organizing",
        "kind": "broken-link",
        "detail": "Body, Related, Sources & verification: 'moblab' is not in this KB "
        "(also written 'sources/moblab')",
        "path": "distributed-organizing.md",
        "line": 5,
        "sections": ["Body", "Related", "Sources & verification"],
        "target": "sources/moblab",
    }
    assert len(data["to_write_next"]) == 13
    assert data["to_write_next"][-1] == {
        "slug": "sources/moblab",
        "path": "sources/moblab.md",
        "entries": 1,
        "from": [
            {
                "slug": "distributed-organizing",
                "path": "distributed-organizing.md",
                "line": 5,
                "sections": ["Body", "Related", "Sources & verification"],
            }
        ],
    }
    assert "advice" not in data


def test_kind_filters_and_sets_the_exit_status(seed_kb: Path) -> None:
    done = run("check", "--kb", str(seed_kb), "--kind", "duplicate-section")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "distributed-organizing.md:23: duplicate-section: section 'Summary' appears twice",
        "1 entry checked, 1 problem.",
    ]
    both = run("check", "--kb", str(seed_kb), "--kind", "orphan,missing-summary")
    assert both.stdout.splitlines() == [
        "distributed-organizing.md:1: missing-summary: the Summary is still TBD",
        "1 entry checked, 1 problem.",
    ]
    none = run("check", "--kb", str(seed_kb), "--kind", "orphan")
    assert none.returncode == 0 and none.stdout == "1 entry checked, no problems.\n"


def test_an_unknown_kind_is_one_sentence(seed_kb: Path) -> None:
    done = run("check", "--kb", str(seed_kb), "--kind", "typo")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("kbtui: Unknown kind 'typo': choose from broken-link,")
    assert len(done.stderr.strip().splitlines()) == 1


def test_advice_is_shown_when_asked_and_never_fails(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {
            "a.md": GOOD_A + "\n## Body\nShort.\n",
            "b.md": GOOD_B + "\n## Body\nSee A here.\n\n## Sources & verification\n"
            "Verified 2020-01-01 by a curator.\n",
        },
    )
    plain = run("check", "--kb", str(root))
    assert plain.returncode == 0 and plain.stdout == "2 entries checked, no problems.\n"
    done = run("check", "--kb", str(root), "--advice")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "Advice (worth a look; never a reason to fail):"
    assert "a.md:9: thin-entry: the Body has 1 words (fewer than 60)" in lines
    assert "a.md:1: unverified: no Verified line (write 'Verified DATE by WHO' once checked)" in (
        lines
    )
    assert any(
        line.startswith("b.md:13: verification-stale: verified 2020-01-01") for line in lines
    )
    assert lines[-1].startswith("2 entries checked, no problems, ") and lines[-1].endswith(
        " pieces of advice."
    )
    only = run("check", "--kb", str(root), "--kind", "thin-entry", "--thin-below", "2")
    assert only.returncode == 0
    assert only.stdout.splitlines() == [
        "Advice (worth a look; never a reason to fail):",
        "a.md:9: thin-entry: the Body has 1 words (fewer than 2)",
        "2 entries checked, no problems, 1 piece of advice.",
    ]


def test_advice_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_kb(tmp_path, {"a.md": GOOD_A, "b.md": GOOD_B})
    assert main(["check", "--kb", str(root), "--json", "--kind", "unverified"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == [] and data["to_write_next"] == []
    assert [(p["slug"], p["kind"], p["path"], p["line"]) for p in data["advice"]] == [
        ("a", "unverified", "a.md", 1),
        ("b", "unverified", "b.md", 1),
    ]


def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path, {"a.md": GOOD_A, "b.md": GOOD_B, "two\nlines.md": "## Summary\nA. B.\n"}
    )
    done = run("check", "--kb", str(root))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "two␊lines.md:1: orphan: no other entry links here",
        "3 entries checked, 1 problem.",
    ]


def test_the_starter_kb_is_clean_even_with_advice() -> None:
    done = run("check", "--advice")
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.fullmatch(
        r"\d+ entries checked, no problems, \d+ pieces of advice\.", (done.stdout.splitlines()[-1])
    )


def test_advice_leaves_the_slow_comparison_to_be_asked_for(tmp_path: Path) -> None:
    """`--advice` lists the quick kinds; "consider linking" compares every entry with
    every other (seconds on a large KB) and runs when named with --kind."""
    filler = {
        f"filler-{n}.md": (
            f"# Filler {n}\n\n## Summary\nFiller.\n\n## Body\n"
            + " ".join(f"w{n}x{k}" for k in range(70))
            + " shared common\n"
        )
        for n in range(24)
    }
    twins = " ".join(["lantern", "procession", "candle", "vigil", "dusk", "march"] * 5)
    filler["lantern-walk.md"] = f"# Lantern walk\n\n## Summary\nWalk.\n\n## Body\n{twins}\n"
    filler["candle-vigil.md"] = f"# Candle vigil\n\n## Summary\nVigil.\n\n## Body\n{twins}\n"
    root = write_kb(tmp_path / "kb", filler)
    everyday = run("check", "--kb", str(root), "--advice")
    assert "thin-entry" in everyday.stdout
    assert "consider-linking" not in everyday.stdout
    asked = run("check", "--kb", str(root), "--kind", "consider-linking")
    assert "candle-vigil.md:1: consider-linking: reads much like 'Lantern walk'" in asked.stdout
    assert "thin-entry" not in asked.stdout
    both = run("check", "--kb", str(root), "--advice", "--kind", "thin-entry,consider-linking")
    assert "consider-linking" in both.stdout and "thin-entry" in both.stdout

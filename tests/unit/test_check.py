"""`check`: one test per kind of problem, each on a small KB made for it."""

from __future__ import annotations

from pathlib import Path

from kbtui.kb import PROBLEM_KINDS, check, load_kb
from tests.conftest import write_kb

GOOD_A = "# A\n\n## Summary\nA is first. It links to B.\n\n## Related\n- b\n"
GOOD_B = "# B\n\n## Summary\nB is second. It links to A.\n\n## Related\n- a\n"


def kinds(tmp_path: Path, files: dict[str, str | bytes]) -> set[tuple[str, str]]:
    return {(p.slug, p.kind) for p in check(load_kb(write_kb(tmp_path, files)))}


def test_a_clean_kb_has_no_problems(tmp_path: Path) -> None:
    assert kinds(tmp_path, {"a.md": GOOD_A, "b.md": GOOD_B}) == set()


def test_broken_link(tmp_path: Path) -> None:
    found = check(load_kb(write_kb(tmp_path, {"a.md": GOOD_A + "- ghost\n", "b.md": GOOD_B})))
    assert [p.line() for p in found] == ["a: broken-link: Related: 'ghost' is not in this KB"]


def test_missing_summary_three_ways(tmp_path: Path) -> None:
    files = {
        "a.md": GOOD_A + "- c\n- d\n- e\n",
        "b.md": GOOD_B,
        "c.md": "## Summary\nTBD: later.\n\n## Related\n- a\n",
        "d.md": "## Body\nNo summary at all.\n\n## Related\n- a\n",
        "e.md": "## Summary\n\n## Body\nEmpty summary.\n\n## Related\n- a\n",
    }
    found = {
        p.slug: p.detail
        for p in check(load_kb(write_kb(tmp_path, files)))
        if p.kind == "missing-summary"
    }
    assert found == {
        "c": "the Summary is still TBD",
        "d": "no Summary section",
        "e": "the Summary section is empty",
    }


def test_duplicate_section(tmp_path: Path) -> None:
    text = GOOD_A + "\n## Summary\nAgain.\n"
    assert ("a", "duplicate-section") in kinds(tmp_path, {"a.md": text, "b.md": GOOD_B})


def test_empty_entry(tmp_path: Path) -> None:
    found = kinds(
        tmp_path,
        {
            "a.md": GOOD_A + "- blank\n- heading\n",
            "b.md": GOOD_B,
            "blank.md": "  \n\n",
            "heading.md": "# Only a title\n",
        },
    )
    assert ("blank", "empty-entry") in found and ("heading", "empty-entry") in found


def test_undecodable(tmp_path: Path) -> None:
    bad = b"## Summary\nBroken \xff\xfe bytes. Still read.\n\n## Related\n- a\n"
    found = check(
        load_kb(write_kb(tmp_path, {"a.md": GOOD_A + "- bad\n", "b.md": GOOD_B, "bad.md": bad}))
    )
    assert [(p.slug, p.kind) for p in found] == [("bad", "undecodable")]
    kb = load_kb(tmp_path)
    assert "\ufffd" in kb.entries["bad"].summary  # type: ignore[operator]


def test_outside_link(tmp_path: Path) -> None:
    text = GOOD_A + "- ../../etc/passwd\n- https://example.org\n"
    found = [p for p in check(load_kb(write_kb(tmp_path, {"a.md": text, "b.md": GOOD_B})))]
    assert [(p.slug, p.kind) for p in found] == [("a", "outside-link")] * 2


def test_orphan(tmp_path: Path) -> None:
    found = kinds(
        tmp_path,
        {"a.md": GOOD_A, "b.md": GOOD_B, "lonely.md": "## Summary\nNobody links here. Sad.\n"},
    )
    assert found == {("lonely", "orphan")}


def test_duplicate_slug(tmp_path: Path) -> None:
    found = kinds(tmp_path, {"a.md": GOOD_A, "b.md": GOOD_B, "A.MD": GOOD_A})
    assert ("a", "duplicate-slug") in found


def test_binary_too_large_and_control_characters(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": GOOD_A + "- bin\n- big\n- esc\n",
        "b.md": GOOD_B,
        "bin.md": b"\x00\x01\x02PNG\x00",
        "big.md": "## Summary\nBig. Really big.\n\n## Related\n- a\n" + "x" * (1 << 20) + "\n",
        "esc.md": "## Summary\nRed \x1b[31m text\x07. Two.\n\n## Related\n- a\n",
    }
    found = kinds(tmp_path, files)
    assert {("bin", "binary"), ("big", "too-large"), ("esc", "control-characters")} <= found


def test_every_documented_kind_is_reachable() -> None:
    documented = {
        "broken-link",
        "missing-summary",
        "duplicate-section",
        "empty-entry",
        "undecodable",
        "outside-link",
        "orphan",
        "duplicate-slug",
    }
    assert documented <= set(PROBLEM_KINDS)

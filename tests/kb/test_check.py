"""`check`: one test per kind of problem, each on a small KB made for it with write_kb,
plus the exact report for the shared fixture KB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.kb import PROBLEM_KINDS, check, load_kb
from tests.conftest import write_kb

MINI_KB = Path(__file__).resolve().parents[1] / "fixtures" / "mini-kb"

GOOD_A = "# A\n\n## Summary\nA is first. It links to B.\n\n## Related\n- b\n"
GOOD_B = "# B\n\n## Summary\nB is second. It links to A.\n\n## Related\n- a\n"


def lines(root: Path) -> list[str]:
    return [p.line() for p in check(load_kb(root))]


def kinds(tmp_path: Path, files: dict[str, str | bytes]) -> set[tuple[str, str]]:
    return {(p.slug, p.kind) for p in check(load_kb(write_kb(tmp_path, files)))}


def linked_from_a(*slugs: str) -> dict[str, str | bytes]:
    """A and B link to each other; A also links to ``slugs`` so they are not orphans."""
    return {"a.md": GOOD_A + "".join(f"- {s}\n" for s in slugs), "b.md": GOOD_B}


def test_the_fixture_kb_has_exactly_its_known_problems() -> None:
    assert lines(MINI_KB) == [
        "distributed-organizing: duplicate-section: section 'Summary' appears twice",
        "distributed-organizing: missing-summary: the Summary is still TBD",
        "house-meetings: broken-link: Related: 'phone-trees' is not in this KB",
    ]


def test_a_clean_kb_has_no_problems(tmp_path: Path) -> None:
    assert lines(write_kb(tmp_path, linked_from_a())) == []


def test_broken_link(tmp_path: Path) -> None:
    files = linked_from_a("ghost")
    files["b.md"] = GOOD_B + "\n## Body\nSee [[nowhere]] [source: lost].\n"
    assert lines(write_kb(tmp_path, files)) == [
        "a: broken-link: Related: 'ghost' is not in this KB",
        "b: broken-link: Body: 'lost' is not in this KB",
        "b: broken-link: Body: 'nowhere' is not in this KB",
    ]


def test_missing_summary_three_ways(tmp_path: Path) -> None:
    files = linked_from_a("c", "d", "e")
    files["c.md"] = "## Summary\nTBD: later.\n\n## Related\n- a\n"
    files["d.md"] = "## Body\nNo summary at all.\n\n## Related\n- a\n"
    files["e.md"] = "## Summary\n\n## Body\nEmpty summary.\n\n## Related\n- a\n"
    assert lines(write_kb(tmp_path, files)) == [
        "c: missing-summary: the Summary is still TBD",
        "d: missing-summary: no Summary section",
        "e: missing-summary: the Summary section is empty",
    ]


def test_duplicate_section(tmp_path: Path) -> None:
    files = linked_from_a()
    files["a.md"] = GOOD_A + "\n## Summary\nAgain. Twice.\n"
    assert lines(write_kb(tmp_path, files)) == [
        "a: duplicate-section: section 'Summary' appears twice"
    ]


def test_empty_entry(tmp_path: Path) -> None:
    files = linked_from_a("blank", "heading", "nothing")
    files.update({"blank.md": "  \n\n\t\n", "heading.md": "# Only a title\n", "nothing.md": ""})
    assert lines(write_kb(tmp_path, files)) == [
        "blank: empty-entry: the entry has no text",
        "heading: empty-entry: the entry has no text",
        "nothing: empty-entry: the entry has no text",
    ]


def test_undecodable(tmp_path: Path) -> None:
    files = linked_from_a("bad")
    files["bad.md"] = b"## Summary\nBroken \xff\xfe bytes. Still read.\n\n## Related\n- a\n"
    root = write_kb(tmp_path, files)
    assert lines(root) == [
        "bad: undecodable: the file is not valid UTF-8; unreadable bytes were replaced"
    ]
    assert load_kb(root).entries["bad"].summary == "Broken \ufffd\ufffd bytes. Still read."


def test_outside_link(tmp_path: Path) -> None:
    files = linked_from_a("../../etc/passwd", "https://example.org", "/etc/hosts")
    assert lines(write_kb(tmp_path, files)) == [
        "a: outside-link: Related: '../../etc/passwd' leads outside",
        "a: outside-link: Related: '/etc/hosts' leads outside",
        "a: outside-link: Related: 'https://example.org' leads outside",
    ]


def test_outside_link_from_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text("## Summary\nNot ours. Really.\n", encoding="utf-8")
    root = write_kb(tmp_path / "kb", linked_from_a())
    (root / "leak.md").symlink_to(tmp_path / "elsewhere.md")
    assert lines(root) == ["leak: outside-link: file is a symlink that leads outside the KB"]


def test_orphan(tmp_path: Path) -> None:
    files = linked_from_a()
    files["lonely.md"] = "## Summary\nNobody links here. Sad.\n\n## Related\n- a\n"
    assert lines(write_kb(tmp_path, files)) == ["lonely: orphan: no other entry links here"]


def test_a_single_entry_is_not_an_orphan(tmp_path: Path) -> None:
    assert lines(write_kb(tmp_path, {"only.md": "## Summary\nAlone. Fine.\n"})) == []


def test_duplicate_slug(tmp_path: Path) -> None:
    files = linked_from_a()
    files["b.markdown"] = GOOD_B
    assert lines(write_kb(tmp_path, files)) == [
        "b: duplicate-slug: b.md and b.markdown share a slug"
    ]


def test_duplicate_slug_by_case(tmp_path: Path) -> None:
    files = linked_from_a()
    files["A.MD"] = GOOD_A
    found = kinds(tmp_path, files)
    assert found == {("a", "duplicate-slug")}


def test_binary(tmp_path: Path) -> None:
    files = linked_from_a("bin")
    files["bin.md"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    found = kinds(tmp_path, files)
    assert ("bin", "binary") in found
    assert {slug for slug, _ in found} == {"bin"}


def test_too_large(tmp_path: Path) -> None:
    files = linked_from_a("big")
    files["big.md"] = "## Summary\nBig. Really big.\n\n## Related\n- a\n" + "x" * (1 << 20) + "\n"
    assert lines(write_kb(tmp_path, files)) == [
        "big: too-large: the file is over 1 MiB; only its first 1 MiB was read"
    ]


def test_too_large_cut_inside_a_character_is_not_undecodable(tmp_path: Path) -> None:
    files = linked_from_a("big")
    files["big.md"] = "## Summary\nBig. Accents.\n\n## Related\n- a\n\n## Body\n" + "é" * (1 << 20)
    assert kinds(tmp_path, files) == {("big", "too-large")}


def test_control_characters(tmp_path: Path) -> None:
    files = linked_from_a("esc")
    files["esc.md"] = "## Summary\nRed \x1b[31m text\x07. Two.\n\n## Related\n- a\n"
    root = write_kb(tmp_path, files)
    assert lines(root) == [
        "esc: control-characters: the text holds control characters or escape sequences "
        "(shown as ␛)"
    ]
    assert load_kb(root).entries["esc"].summary == "Red ␛[31m text␇. Two."


def test_unreadable_dangling_symlink(tmp_path: Path) -> None:
    root = write_kb(tmp_path, linked_from_a())
    (root / "gone.md").symlink_to(root / "deleted.md")
    assert [(p.slug, p.kind) for p in check(load_kb(root))] == [("gone", "unreadable")]


def test_unreadable_fifo_does_not_hang(tmp_path: Path) -> None:
    root = write_kb(tmp_path, linked_from_a())
    os.mkfifo(root / "pipe.md")  # opening this for reading would block forever
    # In a child process, so that a regression fails on the timeout instead of hanging.
    done = subprocess.run(
        [sys.executable, "-m", "kbtui", "check", "--kb", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "pipe.md:1: unreadable: not a regular file"


def test_problems_are_sorted_by_slug_then_kind(tmp_path: Path) -> None:
    files = linked_from_a("zz", "mm")
    files["zz.md"] = "## Body\nNo summary.\n\n## Related\n- ghost\n"
    files["mm.md"] = "## Summary\nTBD\n\n## Summary\nTBD\n\n## Related\n- a\n"
    found = [(p.slug, p.kind) for p in check(load_kb(write_kb(tmp_path, files)))]
    assert found == [
        ("mm", "duplicate-section"),
        ("mm", "missing-summary"),
        ("zz", "broken-link"),
        ("zz", "missing-summary"),
    ]


def test_every_documented_kind_is_known() -> None:
    documented = {
        "broken-link",
        "missing-summary",
        "duplicate-section",
        "empty-entry",
        "undecodable",
        "outside-link",
        "orphan",
        "duplicate-slug",
        "binary",
        "too-large",
        "control-characters",
        "unreadable",
    }
    assert documented <= set(PROBLEM_KINDS)


def test_check_at_scale_reports_what_a_full_load_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Library.check_all`` checks each entry as it is read and keeps only what the
    link checks need (no section text: the memory of a check at 50,000 entries), yet
    reports exactly what checking the fully loaded KB does."""
    from kbtui.library import Library

    files: dict[str, str | bytes] = linked_from_a("c", "d", "e", "paths/p", "ghost")
    files["c.md"] = "## Summary\nTBD: later.\n\n## Related\n- a\n- a\n\n## Related\n- b\n"
    files["d.md"] = "## Body\nNo summary at all.\n\n## Related\n- a\n- ../../etc/passwd\n"
    files["e.md"] = "   \n"
    files["f.md"] = "## Summary\n\n## Body\nNobody links here; [[lost]].\n"
    files["paths/p.md"] = "# Path\n\nSteps\n\n"
    files["latin.md"] = "## Summary\nCaf\xe9.\n\n## Related\n- a\n".encode("latin-1")
    files["bin.md"] = b"\x00\x01\x02" * 10
    root = write_kb(tmp_path, files)
    full = check(load_kb(root))
    assert {p.kind for p in full} >= {
        "broken-link", "missing-summary", "duplicate-section", "empty-entry", "orphan",
        "outside-link", "undecodable", "binary", "empty-path",
    }  # fmt: skip
    monkeypatch.setattr("kbtui.kb.graph.PARALLEL_FROM", 2)  # the worker processes too
    for workers in (1, 2):
        kb, problems = Library(root).check_all(workers=workers)
        assert problems == full
        assert [p.report() for p in problems] == [p.report() for p in full]  # lines too
        assert len(kb) == len(load_kb(root))
        assert all(not entry.sections for entry in kb.entries.values())

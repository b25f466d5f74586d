"""`check` a curator can act on: each problem at its file and line, one problem per
missing target per entry (with its sections), and the entries to write next."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kbtui.kb import check, load_kb
from kbtui.kb.checks import to_write_next
from tests.conftest import write_kb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "seed-entry-distributed-organizing.txt"
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / SEED.name

GOOD_A = "# A\n\n## Summary\nA is first. It links to B.\n\n## Related\n- b\n"
GOOD_B = "# B\n\n## Summary\nB is second. It links to A.\n\n## Related\n- a\n"


def reports(root: Path) -> list[str]:
    return [p.report() for p in check(load_kb(root))]


def seed_kb(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SEED, root / "distributed-organizing.md")
    return root


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="no shared/ folder beside the repository")
def test_the_fixture_is_the_shared_seed_entry() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_every_kind_carries_file_and_line(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": GOOD_A + "- ghost\n- ../../etc/passwd\n- c\n- d\n- e\n- bad\n- lonely-no\n",
        "b.md": GOOD_B,
        "c.md": "# C\n\n## Summary\nTBD\n\n## Related\n- a\n",  # summary at line 3
        "d.md": "# D\n\n## Summary\nFine. Yes.\n\n## Body\nx\n\n## Summary\nAgain.\n",
        "e.md": "",
        "bad.md": b"## Summary\nBroken \xff bytes. Here.\n",
        "lonely.md": "## Summary\nNobody links. Here.\n",
        "paths/empty.md": "# Empty plan\n\nNo steps at all.\n",
    }
    assert reports(write_kb(tmp_path, files)) == [
        "a.md:8: broken-link: Related: 'ghost' is not in this KB",
        "a.md:14: broken-link: Related: 'lonely-no' is not in this KB",
        "a.md:9: outside-link: Related: '../../etc/passwd' leads outside",
        "bad.md:1: undecodable: the file is not valid UTF-8; unreadable bytes were replaced",
        "c.md:3: missing-summary: the Summary is still TBD",
        "d.md:9: duplicate-section: section 'Summary' appears twice",
        "e.md:1: empty-entry: the entry has no text",
        "lonely.md:1: orphan: no other entry links here",
        "paths/empty.md:1: empty-path: the reading path lists no steps",
    ]


def test_load_problems_carry_the_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"a.md": GOOD_A, "b.md": GOOD_B, "b.markdown": GOOD_B}
    assert reports(write_kb(tmp_path, files)) == [
        "b.md:1: duplicate-slug: b.md and b.markdown share a slug"
    ]


def test_the_same_missing_target_in_several_sections_is_one_problem(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": "# A\n\n## Summary\nSee [source: moblab]. Then more.\n\n## Body\nText.\n\n"
        "## Related\n- b\n- moblab\n\n## Sources & verification\n"
        "- sources/moblab — grounding: primary\n",
        "b.md": GOOD_B,
    }
    problems = check(load_kb(write_kb(tmp_path, files)))
    assert [p.report() for p in problems] == [
        "a.md:4: broken-link: Summary, Related, Sources & verification: 'moblab' is not in "
        "this KB (also written 'sources/moblab')"
    ]
    assert problems[0].sections == ("Summary", "Related", "Sources & verification")
    assert problems[0].target == "sources/moblab"


def test_a_climbing_reading_path_step_leads_outside(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": GOOD_A,
        "b.md": GOOD_B,
        "paths/p.md": "# P\n\nIntro.\n\n1. a — 5 min — start.\n2. ../../../../etc/passwd\n",
    }
    assert reports(write_kb(tmp_path, files)) == [
        "paths/p.md:6: outside-link: Steps: '../../../../etc/passwd' leads outside"
    ]


def test_to_write_next_groups_missing_targets_most_wanted_first(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": GOOD_A + "- phone-trees\n- house-meetings\n",
        "b.md": GOOD_B + "- phone-trees\n\n## Body\nAs [source: moblab] says.\n",
        "c.md": "# C\n\n## Summary\nC. Too.\n\n## Related\n- a\n- phone-trees\n\n"
        "## Worked examples\n- glasgow\n",
    }
    wanted = to_write_next(check(load_kb(write_kb(tmp_path, files))))
    assert [w.slug for w in wanted] == [
        "phone-trees",
        "case-studies/glasgow",
        "house-meetings",
        "sources/moblab",
    ]
    assert [(p.slug, p.lineno, p.sections) for p in wanted[0].wanted_by] == [
        ("a", 8, ("Related",)),
        ("b", 8, ("Related",)),
        ("c", 8, ("Related",)),
    ]
    assert [(p.slug, p.lineno) for p in wanted[3].wanted_by] == [("b", 11)]
    assert wanted[1].path == "case-studies/glasgow.md"


def test_the_seed_entry_alone(tmp_path: Path) -> None:
    """The seed as a new user meets it: 21 links to entries that are not there, one
    problem per missing entry (not per section), each at its line."""
    root = seed_kb(tmp_path / "kb")
    problems = check(load_kb(root))
    text = SEED.read_text(encoding="utf-8").split("\n")
    body = next(n for n, line in enumerate(text, 1) if "[source: moblab]" in line)
    assert [p.report() for p in problems] == [
        f"distributed-organizing.md:{body}: broken-link: Body, Related, Sources & verification:"
        f" '{name}' is not in this KB" + (f" (also written 'sources/{name}')" if also else "")
        for name, also in [
            ("beautiful-trouble", True),
            ("civil-resistance-2-0", False),
            ("commons-library", True),
            ("moblab", True),
        ]
    ] + [
        "distributed-organizing.md:18: broken-link: Related: 'digital-security' is not in this KB",
        "distributed-organizing.md:17: broken-link: Related: 'escalation' is not in this KB",
        "distributed-organizing.md:15: broken-link: Related: 'one-to-ones' is not in this KB",
        "distributed-organizing.md:16: broken-link: Related: 'petitions-and-e-campaigning' is "
        "not in this KB",
        "distributed-organizing.md:9: broken-link: Worked examples: 'case-studies/campact-model'"
        " is not in this KB",
        "distributed-organizing.md:10: broken-link: Worked examples: "
        "'case-studies/fridays-for-future' is not in this KB",
        "distributed-organizing.md:11: broken-link: Worked examples: 'case-studies/gezi-park' "
        "is not in this KB",
        "distributed-organizing.md:12: broken-link: Worked examples: 'case-studies/idle-no-more'"
        " is not in this KB",
        "distributed-organizing.md:13: broken-link: Worked examples: "
        "'case-studies/sindicato-inquilinas' is not in this KB",
        "distributed-organizing.md:23: duplicate-section: section 'Summary' appears twice",
        "distributed-organizing.md:1: missing-summary: the Summary is still TBD",
    ]
    assert [w.slug for w in to_write_next(problems)] == [
        "case-studies/campact-model",
        "case-studies/fridays-for-future",
        "case-studies/gezi-park",
        "case-studies/idle-no-more",
        "case-studies/sindicato-inquilinas",
        "digital-security",
        "escalation",
        "one-to-ones",
        "petitions-and-e-campaigning",
        "sources/beautiful-trouble",
        "sources/civil-resistance-2-0",
        "sources/commons-library",
        "sources/moblab",
    ]


def test_writing_a_wanted_entry_clears_every_link_to_it(tmp_path: Path) -> None:
    root = seed_kb(tmp_path / "kb")
    write_kb(root, {"sources/moblab.md": "# MobLab\n\n## Summary\nA lab. For campaigns.\n"})
    wanted = [w.slug for w in to_write_next(check(load_kb(root)))]
    assert "sources/moblab" not in wanted and len(wanted) == 12


def test_where_one_missing_link_wants_its_entry_written() -> None:
    from kbtui.kb.checks import slug_to_write
    from kbtui.kb.model import LinkKind

    assert slug_to_write("moblab", LinkKind.CITATION) == "sources/moblab"
    assert slug_to_write("moblab", LinkKind.SOURCE) == "sources/moblab"
    assert slug_to_write("glasgow", LinkKind.EXAMPLE) == "case-studies/glasgow"
    assert slug_to_write("Phone-Trees.md", LinkKind.RELATED) == "phone-trees"
    assert slug_to_write("toolkits/kit", LinkKind.RELATED) == "toolkits/kit"
    assert slug_to_write("../../etc/passwd", LinkKind.RELATED) is None

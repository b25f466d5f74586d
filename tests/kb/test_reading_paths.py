"""Reading paths: parsing the session plan, and what `check` says about it."""

from __future__ import annotations

from pathlib import Path

from kbtui.kb import check, load_kb
from kbtui.kb.model import LinkKind
from tests.conftest import write_kb

PATH = """# First session

A short intro for the room.
It spans two lines.

1. distributed-organizing — Ask the room for a local example.
2. [One-to-ones](one-to-ones): practise in pairs.
3. [[case-studies/gezi-park]]
4. sources/moblab
   - a nested hint for the trainer
"""

ENTRIES = {
    "distributed-organizing.md": "# Distributed organizing\n\n## Summary\nMany hands.\n",
    "one-to-ones.md": "# One-to-ones\n\n## Summary\nListen first.\n",
    "case-studies/gezi-park.md": "# Gezi Park\n\n## Summary\nIstanbul, 2013.\n",
    "sources/moblab.md": "# MobLab\n\n## Summary\nA source.\n",
}


def test_steps_notes_and_intro(tmp_path: Path) -> None:
    kb = load_kb(write_kb(tmp_path, {**ENTRIES, "paths/first.md": PATH}))
    path = kb.entries["paths/first"]
    assert path.type == "path"
    assert path.title == "First session"
    assert path.intro.startswith("A short intro for the room.")
    assert [(s.number, s.target) for s in path.steps] == [
        (1, "distributed-organizing"),
        (2, "one-to-ones"),
        (3, "case-studies/gezi-park"),
        (4, "sources/moblab"),
    ]
    assert path.steps[0].note == "Ask the room for a local example."
    assert path.steps[1].note == "practise in pairs."
    assert path.steps[2].note == ""
    assert "nested hint" in path.steps[3].note
    assert all(link.kind is LinkKind.STEP for link in path.links)


def test_steps_count_as_links_for_backlinks(tmp_path: Path) -> None:
    kb = load_kb(write_kb(tmp_path, {**ENTRIES, "paths/first.md": PATH}))
    assert any(b.slug == "paths/first" for b in kb.backlinks("one-to-ones"))


def test_check_reports_broken_steps_and_empty_paths(tmp_path: Path) -> None:
    files = {
        **ENTRIES,
        "paths/first.md": PATH + "5. no-such-entry — this one is missing\n",
        "paths/empty.md": "# Nothing yet\n\nJust an intro, no steps.\n",
    }
    problems = check(load_kb(write_kb(tmp_path, files)))
    lines = [p.line() for p in problems if p.slug.startswith("paths/")]
    assert "paths/empty: empty-path: the reading path lists no steps" in lines
    assert "paths/first: broken-link: step 5: 'no-such-entry' is not in this KB" in lines
    # A path is not an orphan and needs no summary.
    assert not any(
        p.kind in ("orphan", "missing-summary") for p in problems if p.slug.startswith("paths/")
    )


def test_the_bundled_paths_parse() -> None:
    from kbtui.paths import bundled_kb

    kb = load_kb(bundled_kb())
    paths = [e for e in kb.entries.values() if e.type == "path"]
    assert len(paths) >= 2
    assert all(len(p.steps) >= 5 and p.intro for p in paths)

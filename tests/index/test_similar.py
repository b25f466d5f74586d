"""Related by content, from a real index on disk: on the starter KB, entries a person
would call alike come out alike; the session leaves out what is already linked and
falls back to link neighbours when the KB is too small to judge by its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.index.store import KBIndex
from kbtui.kb import load_kb
from kbtui.kb.similarity import Similarity, entry_profile_text
from kbtui.library import Library
from kbtui.paths import bundled_kb
from tests.conftest import write_kb


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Library:
    library = Library(bundled_kb(), cache_root=tmp_path_factory.mktemp("cache"))
    library.open_index()
    library.load_graph()
    return library


def alike(library: Library, slug: str, limit: int = 5) -> list[str]:
    return [other for other, _ in library.index.similar(slug, limit)]


@pytest.mark.parametrize(
    ("slug", "near", "within"),
    [
        ("strikes", "rent-strikes", 5),
        ("strikes", "case-studies/chicago-teachers-union-2012", 3),
        ("strikes", "sources/uetricht-strike-for-america", 2),
        ("one-to-ones", "relational-organizing", 3),
        ("relational-organizing", "one-to-ones", 1),
        ("rent-strikes", "case-studies/sindicato-inquilinas", 1),
        ("boycotts", "case-studies/montgomery-bus-boycott", 1),
        ("boycotts", "case-studies/ufw-grape-boycott", 2),
        ("security-culture", "digital-security", 1),
        ("mutual-aid", "sources/spade-mutual-aid", 1),
        ("case-studies/chipko-movement", "sources/guha-unquiet-woods", 1),
    ],
)
def test_pairs_a_person_would_agree_with(
    starter: Library, slug: str, near: str, within: int
) -> None:
    assert near in alike(starter, slug, within)


def test_unrelated_entries_are_not_alike(starter: Library) -> None:
    assert "sources/spade-mutual-aid" not in alike(starter, "strikes", 10)
    assert "digital-security" not in alike(starter, "boycotts", 10)


def test_the_index_and_check_measure_alike_the_same_way(starter: Library) -> None:
    """One measure: built from the parsed KB (as check does) or from what the index
    stores (as the reader does), the same entries come out in the same order."""
    kb = load_kb(bundled_kb(), render=False)
    parsed = Similarity(
        {slug: entry_profile_text(e) for slug, e in kb.entries.items() if e.type != "path"}
    )
    for slug in ("strikes", "one-to-ones", "boycotts", "sources/moblab"):
        assert [o for o, _ in parsed.similar(slug, 8)] == alike(starter, slug, 8)


def test_the_session_leaves_out_what_is_linked(starter: Library) -> None:
    for slug in ("strikes", "de-escalation", "power-mapping", "one-to-ones"):
        linked = {b.slug for b in starter.backlinks(slug) or ()}
        linked |= {r.resolved for r in starter.links_of(slug)}
        found = [o.slug for o in starter.similar(slug, 5)]
        assert found and slug not in found and not set(found) & linked, slug
    # Escalation and de-escalation say much the same and do not link each other.
    assert starter.similar("de-escalation", 3)[0].slug == "escalation"
    assert "sources/training-for-change" in [o.slug for o in starter.similar("power-mapping", 3)]


def test_a_small_kb_falls_back_to_link_neighbours(tmp_path: Path) -> None:
    entry = "# {0}\n\n## Summary\n{0} here. Yes.\n\n## Body\nSame words everywhere.\n\n## Related\n"
    root = write_kb(
        tmp_path / "kb",
        {
            "a.md": entry.format("A") + "- b\n",
            "b.md": entry.format("B") + "- c\n- d\n",
            "c.md": entry.format("C") + "- d\n",
            "d.md": entry.format("D"),
            "paths/plan.md": "# Plan\n\n1. a\n2. d\n",  # a plan joins everything: ignored
        },
    )
    library = Library(root, cache_root=tmp_path / "cache")
    assert [o.slug for o in library.similar("a")] == ["c", "d"]  # no index yet: links
    library.open_index()
    assert library.index.similar("a") == []  # five entries say too little
    assert [o.slug for o in library.similar("a")] == ["c", "d"]  # a-b-c and a-b-d


def test_the_model_follows_the_kb(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"filler-{n}.md": f"# Filler {n}\n\n## Body\n" + " ".join(f"w{n}x{k}" for k in range(40))
        for n in range(24)
    }
    files["lantern.md"] = "# Lantern walk\n\n## Body\n" + "lantern dusk procession " * 9
    root = write_kb(tmp_path / "kb", files)
    index = KBIndex(root, tmp_path / "cache")
    index.sync()
    assert index.similar("lantern") == []
    write_kb(root, {"vigil.md": "# Vigil\n\n## Body\n" + "lantern dusk procession vigil " * 5})
    index.sync()
    assert [other for other, _ in index.similar("lantern")] == ["vigil"]


def test_strong_pairs_finds_every_pair_a_full_comparison_finds() -> None:
    kb = load_kb(bundled_kb(), render=False)
    model = Similarity(
        {slug: entry_profile_text(e) for slug, e in kb.entries.items() if e.type != "path"}
    )
    for threshold in (0.05, 0.1, 0.25):
        every = {
            (model.slugs[one], model.slugs[two])
            for one in range(model.size)
            for two in range(one + 1, model.size)
            if min(model.score(one, two), model.score(two, one)) >= threshold
        }
        found = {(one, two) for one, two, _ in model.strong_pairs(threshold)}
        assert found == {tuple(sorted(pair)) for pair in every}, threshold
        assert every or threshold == 0.25

"""Curating through the session: writing a missing entry from the KB's own template,
and bringing everything in step after the files changed on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.kb import check, load_kb
from kbtui.kb.model import SectionKey
from kbtui.kb.parser import parse_entry
from kbtui.library import CannotCreate, GraphReady, IndexReady, Library, ListingChanged
from tests.conftest import write_kb

CONCEPT = """# {title}

## Summary
{title} in short. It links on.

## Body
Text.

## Use it for
Things.

## Exercise
- 10 min: pairs.

## Related
{related}

## Sources & verification
Not yet verified: a test entry.
"""


def kb_with_a_gap(root: Path) -> Path:
    return write_kb(
        root,
        {
            "alpha.md": CONCEPT.format(title="Alpha", related="- beta\n- phone-trees"),
            "beta.md": CONCEPT.format(title="Beta", related="- alpha\n- phone-trees"),
            "case-studies/march.md": "# March\n\n## Summary\nA march. Long.\n\n## Timeline\n"
            "- 1 May\n\n## Outcome\nWon.\n\n## Related\n- alpha\n",
        },
    )


def test_create_entry_writes_the_kbs_usual_sections(tmp_path: Path) -> None:
    library = Library(kb_with_a_gap(tmp_path / "kb"), cache_root=tmp_path / "cache")
    library.open_index()
    path = library.create_entry("phone-trees")
    assert path == library.root / "phone-trees.md"
    text = path.read_text(encoding="utf-8")
    entry = parse_entry(text, "phone-trees", "phone-trees.md")
    assert entry.title == "Phone trees"
    assert [s.name for s in entry.sections] == [
        "Summary",
        "Body",
        "Use it for",
        "Exercise",
        "Related",
        "Sources & verification",
    ]
    assert entry.section(SectionKey.SUMMARY) is not None and entry.summary_missing  # TBD
    assert entry.unverified
    # The links to it now resolve; what is left is the new entry's own TBD summary.
    kinds = {(p.slug, p.kind) for p in check(load_kb(library.root))}
    assert ("alpha", "broken-link") not in kinds and ("beta", "broken-link") not in kinds
    assert ("phone-trees", "missing-summary") in kinds


def test_a_case_study_gets_the_case_study_shape(tmp_path: Path) -> None:
    library = Library(kb_with_a_gap(tmp_path / "kb"), cache_root=tmp_path / "cache")
    library.open_index()
    path = library.create_entry("case-studies/sit-in")
    entry = parse_entry(path.read_text(encoding="utf-8"), "case-studies/sit-in")
    assert [s.name for s in entry.sections] == ["Summary", "Timeline", "Outcome", "Related"]
    assert entry.title == "Sit in"


def test_create_entry_in_an_empty_kb_uses_the_documented_sections(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    path = Library(root).create_entry("sources/new-book")
    assert path == root.resolve() / "sources" / "new-book.md"
    assert path.read_text(encoding="utf-8").startswith("# New book\n\n## Summary\nTBD\n")


@pytest.mark.parametrize(
    ("slug", "why"),
    [
        ("alpha", "already an entry"),
        ("../outside", "climbs out of the KB"),
        ("/etc/evil", "absolute path"),
        ("https://example.org/x", "a URL"),
        (".hidden", "not a path inside the KB"),
        ("", "names no file"),
    ],
)
def test_create_entry_refuses(tmp_path: Path, slug: str, why: str) -> None:
    library = Library(kb_with_a_gap(tmp_path / "kb"), cache_root=tmp_path / "cache")
    library.open_index()
    with pytest.raises(CannotCreate, match=why):
        library.create_entry(slug)
    assert not (tmp_path / "outside.md").exists()


def test_create_entry_never_overwrites_or_follows_a_link_out(tmp_path: Path) -> None:
    root = kb_with_a_gap(tmp_path / "kb")
    (root / "notes.md").write_text("# Mine\n", encoding="utf-8")  # not yet in the listing
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "linked").symlink_to(elsewhere)
    library = Library(root)  # no index: the listing is not known yet
    with pytest.raises(CannotCreate, match="already exists"):
        library.create_entry("notes")
    assert (root / "notes.md").read_text(encoding="utf-8") == "# Mine\n"
    with pytest.raises(CannotCreate, match="not a folder of the KB"):
        library.create_entry("linked/escape")
    assert list(elsewhere.iterdir()) == []


def test_refresh_brings_listing_index_and_links_in_step(tmp_path: Path) -> None:
    library = Library(kb_with_a_gap(tmp_path / "kb"), cache_root=tmp_path / "cache")
    library.open_index()
    library.load_graph()
    library.create_entry("phone-trees")
    heard: list[object] = []
    library.subscribe(heard.append)
    report = library.refresh()
    assert report is not None and report.added == 1
    assert [type(e) for e in heard][-3:] == [ListingChanged, IndexReady, GraphReady]
    assert library.outline("phone-trees") is not None
    assert {b.slug for b in library.backlinks("phone-trees") or ()} == {"alpha", "beta"}
    assert [h.slug for h in library.search("phone trees").hits][:1] == ["phone-trees"]


def links_as_a_rebuild_gives(library: Library, tmp_path: Path, slugs: tuple[str, ...]) -> None:
    """``library``'s links and backlinks of ``slugs`` are those of a fresh session."""
    fresh = Library(library.root, cache_root=tmp_path / "cache2")
    fresh.open_index()
    fresh.load_graph()
    for slug in slugs:
        assert library.links_of(slug) == fresh.links_of(slug), slug
        assert library.backlinks(slug) == fresh.backlinks(slug), slug


def test_an_edit_updates_the_links_in_place_as_a_rebuild_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = kb_with_a_gap(tmp_path / "kb")
    write_kb(root, {"gamma.md": CONCEPT.format(title="Gamma", related="- alpha\n- beta")})
    library = Library(root, cache_root=tmp_path / "cache")
    library.open_index()
    library.load_graph()
    write_kb(
        root,
        {
            "alpha.md": CONCEPT.format(title="Alpha, renamed", related="- gamma\n- gamma"),
            "beta.md": CONCEPT.format(title="Beta", related="- case-studies/march"),
        },
    )

    def no_rebuild(self: Library) -> None:
        raise AssertionError("an edit should not rebuild the whole graph")

    monkeypatch.setattr(Library, "_graph_from_index", no_rebuild)
    report = library.refresh()
    assert report is not None and report.slugs == ("alpha", "beta")
    monkeypatch.undo()
    links_as_a_rebuild_gives(library, tmp_path, ("alpha", "beta", "gamma", "case-studies/march"))
    assert library.title_of("alpha") == "Alpha, renamed"
    assert {b.slug for b in library.backlinks("gamma") or ()} == {"alpha"}
    assert [b.slug for b in library.backlinks("case-studies/march") or ()] == ["beta"]


def test_an_added_or_removed_entry_updates_the_links_in_place_as_a_rebuild_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written or deleted while the app runs: the graph is brought up to date
    (milliseconds), not loaded again from the index (a second or two at 10,000)."""
    root = kb_with_a_gap(tmp_path / "kb")
    library = Library(root, cache_root=tmp_path / "cache")
    library.open_index()
    library.load_graph()

    def no_rebuild(self: Library) -> None:
        raise AssertionError("an added or removed entry should not rebuild the whole graph")

    monkeypatch.setattr(Library, "_graph_from_index", no_rebuild)
    library.create_entry("phone-trees")  # alpha and beta link to it
    library.refresh()
    assert {b.slug for b in library.backlinks("phone-trees") or ()} == {"alpha", "beta"}
    (root / "beta.md").unlink()
    library.refresh()
    assert library.outline("beta") is None
    assert [r.resolved for r in library.links_of("alpha")] == [None, "phone-trees"]
    monkeypatch.undo()
    links_as_a_rebuild_gives(
        library, tmp_path, ("alpha", "beta", "phone-trees", "case-studies/march")
    )

"""Link resolution order, backlinks, and refusing anything outside the KB."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.kb import KnowledgeBase, Resolver, load_kb, normalise_target
from tests.conftest import write_kb

SLUGS = [
    "moblab",
    "sources/moblab",
    "sources/sharp",
    "case-studies/gezi-park",
    "toolkits/gezi-park",
    "toolkits/banner-drop",
    "one-to-ones",
]


@pytest.mark.parametrize(
    ("target", "slug"),
    [
        ("moblab", "moblab"),  # an exact slug wins over sources/
        ("sharp", "sources/sharp"),  # then sources/
        ("gezi-park", "case-studies/gezi-park"),  # then case-studies/
        ("banner-drop", "toolkits/banner-drop"),  # then a unique file name anywhere
        ("One-To-Ones.md", "one-to-ones"),  # case and .md don't matter
        ("./one-to-ones#section", "one-to-ones"),
        ("case-studies/gezi-park", "case-studies/gezi-park"),
        ("nowhere", None),
        ("elsewhere/gezi-park", None),  # file name shared by two entries: ambiguous
    ],
)
def test_resolution_order(target: str, slug: str | None) -> None:
    resolver = Resolver(SLUGS)
    resolved, outside = resolver.resolve(target)
    assert resolved == slug and outside is None


def test_ambiguous_file_name_does_not_guess() -> None:
    assert Resolver(["a/x", "b/x"]).resolve("x") == (None, None)


@pytest.mark.parametrize(
    "target",
    [
        "../secrets",
        "sources/../../x",
        "/etc/passwd",
        "~/notes",
        "https://example.org",
        "file:///etc/passwd",
        "mailto:a@b.c",
        "C:\\Windows",
        "%2e%2e/x",
    ],
)
def test_outside_targets_are_refused(target: str) -> None:
    resolved, outside = Resolver(SLUGS).resolve(target)
    assert resolved is None and outside
    assert normalise_target(target).name is None


def test_backlinks_record_source_and_section(tmp_path: Path) -> None:
    kb = load_kb(
        write_kb(
            tmp_path,
            {
                "a.md": "## Summary\nA. B.\n\n## Related\n- b\n\n## Body\nSee [source: s].\n",
                "b.md": "## Summary\nB. C.\n\n## Related\n- a\n- b\n",
                "sources/s.md": "## Summary\nS. T.\n",
                "case-studies/c.md": "## Worked examples\n- case-studies/c\n\n## Related\n- a\n",
            },
        )
    )
    assert {(b.slug, b.section) for b in kb.backlinks("a")} == {
        ("b", "Related"),
        ("case-studies/c", "Related"),
    }
    assert [(b.slug, b.section) for b in kb.backlinks("b")] == [("a", "Related")]  # no self
    assert [(b.slug, b.section) for b in kb.backlinks("sources/s")] == [("a", "Body")]
    assert kb.backlinks("case-studies/c") == ()  # linking to itself is not a backlink


def test_missing_links_are_kept(tmp_path: Path) -> None:
    kb = load_kb(write_kb(tmp_path, {"a.md": "## Related\n- ghost\n- ../../etc\n"}))
    links = kb.links_of("a")
    assert [(r.link.target, r.resolved, r.outside) for r in links] == [
        ("ghost", None, False),
        ("../../etc", None, True),
    ]


def test_symlink_to_a_file_outside_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("## Summary\nTOP SECRET. Do not read.\n", encoding="utf-8")
    root = write_kb(tmp_path / "kb", {"a.md": "## Summary\nA. B.\n"})
    (root / "leak.md").symlink_to(secret)
    (root / "inside.md").symlink_to(root / "a.md")
    kb = load_kb(root)
    assert "leak" not in kb.entries
    assert "inside" in kb.entries  # a link that stays inside the KB is fine
    assert any(p.slug == "leak" and p.kind == "outside-link" for p in kb.load_problems)
    assert all("TOP SECRET" not in s.text for e in kb.entries.values() for s in e.sections)


def test_symlinked_folder_outside_is_refused(tmp_path: Path) -> None:
    outside = write_kb(tmp_path / "outside", {"x.md": "## Summary\nX. Y.\n"})
    root = write_kb(tmp_path / "kb", {"a.md": "## Summary\nA. B.\n"})
    (root / "more").symlink_to(outside, target_is_directory=True)
    kb = load_kb(root)
    assert list(kb.entries) == ["a"]
    assert [(p.slug, p.kind) for p in kb.load_problems] == [("more", "outside-link")]


# --- Resolution order, one rule at a time -----------------------------------------


def test_sources_come_before_case_studies() -> None:
    resolver = Resolver(["case-studies/strike", "sources/strike"])
    assert resolver.resolve("strike") == ("sources/strike", None)
    assert Resolver(["case-studies/strike", "toolkits/strike"]).resolve("strike") == (
        "case-studies/strike",
        None,
    )


def test_an_exact_slug_beats_every_folder_and_file_name() -> None:
    resolver = Resolver(["strike", "sources/strike", "case-studies/strike"])
    assert resolver.resolve("strike") == ("strike", None)
    assert resolver.resolve("case-studies/strike") == ("case-studies/strike", None)


def test_unique_file_name_anywhere_in_nested_folders() -> None:
    resolver = Resolver(["toolkits/print/flyer", "one"])
    assert resolver.resolve("flyer") == ("toolkits/print/flyer", None)
    assert resolver.resolve("print/flyer") == ("toolkits/print/flyer", None)


@pytest.mark.parametrize(
    "target",
    [
        "..",
        "../../etc/passwd",
        "./../x",
        "a/../b",
        "..\\x",
        "\\\\server\\share",
        "HTTP://example.org/x",
        "http://localhost/moblab",
        "javascript:alert(1)",
        "data:text/html,hi",
        "/moblab",
        "<../moblab>",
    ],
)
def test_more_outside_targets_are_refused(target: str) -> None:
    resolved, why = Resolver(["moblab", "b", "x"]).resolve(target)
    assert resolved is None
    assert why is not None and why.strip()


# --- The shared fixture ------------------------------------------------------------

MINI_KB = Path(__file__).resolve().parents[1] / "fixtures" / "mini-kb"


@pytest.fixture(scope="module")
def mini() -> KnowledgeBase:
    return load_kb(MINI_KB)


def resolved_targets(kb: KnowledgeBase, slug: str) -> dict[tuple[str, str], str | None]:
    return {(r.link.section, r.link.target): r.resolved for r in kb.links_of(slug)}


def test_fixture_seed_style_targets_resolve(mini: KnowledgeBase) -> None:
    found = resolved_targets(mini, "distributed-organizing")
    assert found[("Related", "moblab")] == "sources/moblab"  # bare name: under sources/
    assert found[("Sources & verification", "civil-resistance-2-0")] == (
        "sources/civil-resistance-2-0"
    )
    assert found[("Body", "commons-library")] == "sources/commons-library"  # a citation
    assert found[("Worked examples", "case-studies/gezi-park")] == "case-studies/gezi-park"
    assert None not in found.values()


def test_fixture_other_link_styles_resolve(mini: KnowledgeBase) -> None:
    assert resolved_targets(mini, "power-mapping") == {
        ("Related", "one-to-ones.md"): "one-to-ones",
        ("Related", "case-studies/glasgow-rent-strike"): "case-studies/glasgow-rent-strike",
    }
    house = resolved_targets(mini, "house-meetings")
    assert house[("Related", "house-meeting-kit")] == "toolkits/house-meeting-kit"  # file name
    assert house[("Body", "one-to-ones")] == "one-to-ones"  # an inline Markdown link


def test_fixture_has_exactly_one_missing_link(mini: KnowledgeBase) -> None:
    missing = [
        (slug, r.link.section, r.link.target, r.outside)
        for slug in mini.entries
        for r in mini.links_of(slug)
        if r.missing
    ]
    assert missing == [("house-meetings", "Related", "phone-trees", False)]


def test_fixture_backlinks_name_entry_and_section(mini: KnowledgeBase) -> None:
    assert [(b.slug, b.section) for b in mini.backlinks("sources/moblab")] == [
        ("distributed-organizing", "Body"),
        ("distributed-organizing", "Related"),
        ("distributed-organizing", "Sources & verification"),
    ]
    assert {(b.slug, b.section) for b in mini.backlinks("house-meetings")} == {
        ("case-studies/glasgow-rent-strike", "Related"),
        ("distributed-organizing", "Related"),
        ("one-to-ones", "Body"),
        ("toolkits/house-meeting-kit", "Related"),
    }
    assert [(b.slug, b.section) for b in mini.backlinks("case-studies/gezi-park")] == [
        ("distributed-organizing", "Worked examples")
    ]


def test_fixture_every_entry_has_backlinks_and_they_mirror_links(mini: KnowledgeBase) -> None:
    forward = {
        (slug, r.link.section, r.resolved)
        for slug in mini.entries
        for r in mini.links_of(slug)
        if r.resolved and r.resolved != slug
    }
    backward = {(b.slug, b.section, slug) for slug in mini.entries for b in mini.backlinks(slug)}
    assert forward == backward
    assert all(mini.backlinks(slug) for slug in mini.entries)  # no orphans in the fixture


def test_get_accepts_what_a_link_accepts(mini: KnowledgeBase) -> None:
    moblab, gezi = mini.get("moblab"), mini.get("Gezi-Park.md")
    assert moblab is not None and moblab.slug == "sources/moblab"
    assert gezi is not None and gezi.slug == "case-studies/gezi-park"
    assert mini.get("../distributed-organizing") is None
    assert mini.get("phone-trees") is None


def test_readme_is_not_an_entry(mini: KnowledgeBase) -> None:
    assert (MINI_KB / "README.md").is_file()
    assert len(mini) == 10 and "readme" not in mini.entries


# --- Nothing outside the root is read ------------------------------------------------


def test_relative_symlink_climbing_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("## Summary\nSECRET. Text.\n", encoding="utf-8")
    root = write_kb(tmp_path / "kb", {"a.md": "## Summary\nA. B.\n", "sub/keep.md": "x\n"})
    (root / "sub" / "up.md").symlink_to(Path("..") / ".." / "secret.md")
    kb = load_kb(root)
    assert set(kb.entries) == {"a", "sub/keep"}
    assert [(p.slug, p.kind) for p in kb.load_problems] == [("sub/up", "outside-link")]


def test_a_kb_reached_through_a_symlink_still_works(tmp_path: Path) -> None:
    real = write_kb(tmp_path / "real", {"a.md": "## Summary\nA. B.\n\n## Related\n- b\n"})
    write_kb(real, {"b.md": "## Summary\nB. C.\n\n## Related\n- a\n"})
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    kb = load_kb(tmp_path / "alias")
    assert set(kb.entries) == {"a", "b"} and kb.load_problems == ()


def test_outside_links_in_entries_are_kept_and_marked(tmp_path: Path) -> None:
    text = (
        "## Body\nSee [the web](https://example.org) and [x](/etc/passwd).\n\n"
        "## Related\n- ../up\n- [[http://example.org/y]]\n- b\n"
    )
    kb = load_kb(write_kb(tmp_path, {"a.md": text, "b.md": "## Summary\nB. C.\n"}))
    assert [(r.link.target, r.resolved, r.outside) for r in kb.links_of("a")] == [
        ("https://example.org", None, True),
        ("/etc/passwd", None, True),
        ("../up", None, True),
        ("http://example.org/y", None, True),
        ("b", "b", False),
    ]

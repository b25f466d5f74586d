"""Link resolution order, backlinks, and refusing anything outside the KB."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.kb import Resolver, load_kb, normalise_target
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

"""The KB that ships with kbtui stays clean, complete and well linked."""

from __future__ import annotations

from kbtui.cli import main
from kbtui.kb import check, load_kb
from kbtui.kb.model import SectionKey
from kbtui.paths import bundled_kb

SEED_LINKS = {
    "case-studies/campact-model",
    "case-studies/fridays-for-future",
    "case-studies/gezi-park",
    "case-studies/idle-no-more",
    "case-studies/sindicato-inquilinas",
    "one-to-ones",
    "petitions-and-e-campaigning",
    "escalation",
    "digital-security",
    "sources/beautiful-trouble",
    "sources/civil-resistance-2-0",
    "sources/commons-library",
    "sources/moblab",
}


def test_check_reports_no_problems() -> None:
    kb = load_kb(bundled_kb())
    assert [p.line() for p in check(kb)] == []
    assert main(["check"]) == 0


def test_size_and_shape() -> None:
    kb = load_kb(bundled_kb())
    types = [e.type for e in kb.entries.values()]
    assert len(kb) >= 45
    assert types.count("concept") >= 20
    assert types.count("case-study") >= 10
    assert types.count("source") >= 10
    assert types.count("path") >= 2


def test_every_entry_is_complete() -> None:
    kb = load_kb(bundled_kb())
    for entry in kb.entries.values():
        if entry.type == "path":
            continue
        assert entry.summary and not entry.summary.upper().startswith("TBD"), entry.slug
        sentences = entry.summary.count(". ") + 1
        assert 2 <= sentences <= 4, (entry.slug, sentences)
        assert entry.section(SectionKey.BODY) is not None, entry.slug
        assert entry.sources, entry.slug
        assert all(s.grounding in {"primary", "secondary", "tertiary"} for s in entry.sources)
        assert entry.verification is not None, entry.slug
        assert not entry.duplicate_sections, entry.slug


def test_citations_point_at_sources() -> None:
    kb = load_kb(bundled_kb())
    for slug in kb.entries:
        for resolved in kb.links_of(slug):
            if resolved.link.kind.value == "citation":
                assert resolved.resolved and resolved.resolved.startswith("sources/"), (
                    slug,
                    resolved,
                )


def test_every_seed_link_resolves() -> None:
    kb = load_kb(bundled_kb())
    targets = {r.resolved for r in kb.links_of("distributed-organizing")}
    assert None not in targets
    assert targets >= SEED_LINKS
    # The seed's bare items and unprefixed source line resolve the same way.
    assert kb.resolver.resolve("moblab")[0] == "sources/moblab"
    assert kb.resolver.resolve("civil-resistance-2-0")[0] == "sources/civil-resistance-2-0"

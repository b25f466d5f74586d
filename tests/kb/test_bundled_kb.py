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
    assert len(kb) >= 85
    assert types.count("concept") >= 45
    assert types.count("case-study") >= 15
    assert types.count("source") >= 20
    assert types.count("path") >= 3


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
        assert not entry.duplicate_sections, entry.slug


def test_every_entry_says_honestly_how_far_it_was_checked() -> None:
    """A Verified line only where the check was made; otherwise the entry says plainly
    that it is not yet verified, and why (the trust line shows either)."""
    kb = load_kb(bundled_kb())
    for entry in kb.entries.values():
        if entry.type == "path":
            continue
        assert (entry.verification is None) != (entry.unverified is None), entry.slug
        if entry.verification is not None:
            assert entry.verification.by == "kbtui fact-check", entry.slug
            assert entry.verification.date >= "2026-12-01", entry.slug
        else:
            assert entry.unverified and len(entry.unverified) > 20, entry.slug


def test_each_source_has_one_grade_everywhere() -> None:
    kb = load_kb(bundled_kb())
    grades: dict[str, set[str]] = {}
    for entry in kb.entries.values():
        for line in entry.sources:
            slug, _ = kb.resolver.resolve(line.target)
            assert slug is not None, (entry.slug, line.target)
            grades.setdefault(slug, set()).add(line.grounding or "none")
    mixed = {slug: found for slug, found in grades.items() if len(found) > 1}
    assert not mixed


def test_entries_are_teachable() -> None:
    kb = load_kb(bundled_kb())
    concept_sections = {"Exercise", "Say it in the room", "Common mistakes", "Debrief questions"}
    case_sections = {
        "Timeline",
        "Demands",
        "Tactics in sequence",
        "Numbers",
        "Outcome",
        "Discussion questions",
    }
    for entry in kb.entries.values():
        names = {section.name for section in entry.sections}
        if entry.type == "concept":
            assert concept_sections <= names, (entry.slug, concept_sections - names)
        elif entry.type == "case-study":
            assert case_sections <= names, (entry.slug, case_sections - names)
            words = sum(len(section.text.split()) for section in entry.sections)
            assert words >= 450, (entry.slug, words)


def test_reading_paths_plan_every_step() -> None:
    kb = load_kb(bundled_kb())
    paths = [e for e in kb.entries.values() if e.type == "path"]
    assert len(paths) >= 3
    for path in paths:
        assert path.steps, path.slug
        assert all(step.minutes for step in path.steps), path.slug
        assert "Materials:" in path.intro and "Outcomes:" in path.intro, path.slug
        for step in path.steps:
            assert kb.resolver.resolve(step.target)[0] is not None, (path.slug, step.target)


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

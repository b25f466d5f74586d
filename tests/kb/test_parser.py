"""The entry parser on the user's format, warts included (our own fixture texts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtui.kb.model import Entry, LinkKind, SectionKey
from kbtui.kb.parser import parse_entry

MINI_KB = Path(__file__).resolve().parents[1] / "fixtures" / "mini-kb"


def fixture_entry(slug: str) -> Entry:
    text = (MINI_KB / f"{slug}.md").read_text(encoding="utf-8")
    return parse_entry(text, slug, f"{slug}.md")


# The seed's layout: bare heading lines, a TBD summary that appears twice, citations,
# source lines with grounding, RAW and size, and a Verified line glued to the list.
BARE = """Summary
TBD — write a summary later.
Body
Neighbours organise neighbours [source: moblab]. A second line of the body.
Use it for
Starting a street team.
Worked examples
- case-studies/gezi-park
- case-studies/camp-obama
Related
- one-to-ones
- moblab
Summary
TBD — write a summary later.
Open Questions
None yet.
Sources & verification
- sources/moblab — grounding: secondary — RAW (645 chars)
- civil-resistance-2-0 — grounding: primary — RAW (7,172 chars)
- sources/plain — grounding: tertiary
Verified 2026-06-23 by qc-bot.
"""

MARKDOWN = """# Street teams

## Summary
Small local teams that meet weekly. They grow by inviting neighbours.

## Body
Teams use [one-to-ones](one-to-ones) and [[house-meetings]] to grow.

## Related
- [Power mapping](power-mapping)
- [[spectrum-of-allies|the spectrum]]
- <coalitions>

## Sources & verification
- [MobLab](sources/moblab) — grounding: secondary
Verified 2026-11-01 by A. Curator
"""


def test_bare_headings_sections_in_file_order() -> None:
    entry = parse_entry(BARE, "street-teams")
    assert [s.name for s in entry.sections] == [
        "Summary",
        "Body",
        "Use it for",
        "Worked examples",
        "Related",
        "Summary",
        "Open Questions",
        "Sources & verification",
    ]
    assert entry.section(SectionKey.BODY) is not None
    assert "Neighbours organise" in entry.section(SectionKey.BODY).text  # type: ignore[union-attr]


def test_duplicate_section_is_kept_and_flagged() -> None:
    entry = parse_entry(BARE, "street-teams")
    assert entry.duplicate_sections == ("Summary",)
    assert sum(1 for s in entry.sections if s.key is SectionKey.SUMMARY) == 2


def test_tbd_summary_counts_as_missing() -> None:
    assert parse_entry(BARE, "x").summary is None
    assert parse_entry(BARE, "x").summary_missing
    assert parse_entry(MARKDOWN, "x").summary == (
        "Small local teams that meet weekly. They grow by inviting neighbours."
    )


def test_title_from_heading_or_slug() -> None:
    assert parse_entry(MARKDOWN, "street-teams").title == "Street teams"
    assert parse_entry(BARE, "case-studies/street-teams").title == "Street teams"


def test_types_from_folders() -> None:
    assert parse_entry(BARE, "street-teams").type == "concept"
    assert parse_entry(BARE, "case-studies/x").type == "case-study"
    assert parse_entry(BARE, "sources/x").type == "source"
    assert parse_entry(BARE, "toolkits/x").type == "toolkits"


def test_related_and_worked_example_targets_in_every_style() -> None:
    bare = parse_entry(BARE, "x")
    assert [(k.kind, k.target) for k in bare.links if k.kind is LinkKind.EXAMPLE] == [
        (LinkKind.EXAMPLE, "case-studies/gezi-park"),
        (LinkKind.EXAMPLE, "case-studies/camp-obama"),
    ]
    assert [k.target for k in bare.links if k.kind is LinkKind.RELATED] == ["one-to-ones", "moblab"]
    md = parse_entry(MARKDOWN, "x")
    related = [k for k in md.links if k.kind is LinkKind.RELATED]
    assert [k.target for k in related] == ["power-mapping", "spectrum-of-allies", "coalitions"]
    assert related[0].label == "Power mapping" and related[1].label == "the spectrum"


def test_inline_links_and_citations() -> None:
    md = parse_entry(MARKDOWN, "x")
    inline = {k.target for k in md.links if k.kind is LinkKind.INLINE}
    assert inline == {"one-to-ones", "house-meetings"}
    bare = parse_entry(BARE, "x")
    assert [(k.section, k.target) for k in bare.links if k.kind is LinkKind.CITATION] == [
        ("Body", "moblab")
    ]
    many = parse_entry("## Body\nClaims [source: a, b; c].\n", "x")
    assert [k.target for k in many.links if k.kind is LinkKind.CITATION] == ["a", "b", "c"]


def test_source_lines() -> None:
    entry = parse_entry(BARE, "x")
    first, second, third = entry.sources
    assert (first.target, first.grounding, first.raw, first.size) == (
        "sources/moblab",
        "secondary",
        True,
        645,
    )
    assert (second.target, second.grounding, second.raw, second.size) == (
        "civil-resistance-2-0",
        "primary",
        True,
        7172,
    )
    assert (third.target, third.grounding, third.raw, third.size) == (
        "sources/plain",
        "tertiary",
        False,
        None,
    )
    assert "Verified" not in second.text and "Verified" not in third.text
    md = parse_entry(MARKDOWN, "x")
    assert md.sources[0].target == "sources/moblab"


def test_verified_line() -> None:
    bare = parse_entry(BARE, "x").verification
    assert bare is not None and (bare.date, bare.by) == ("2026-06-23", "qc-bot")
    md = parse_entry(MARKDOWN, "x").verification
    assert md is not None and (md.date, md.by) == ("2026-11-01", "A. Curator")
    assert parse_entry("## Body\nNo check yet.\n", "x").verification is None


def test_setext_headings_and_heading_variants() -> None:
    text = "Summary\n=======\nSet with equals.\n\nRelated:\n- one\n\n**Body**\nBold heading.\n"
    entry = parse_entry(text, "x")
    assert [s.name for s in entry.sections] == ["Summary", "Related", "Body"]
    assert entry.summary == "Set with equals."


def test_section_names_inside_code_fences_are_text() -> None:
    text = "## Body\nBefore.\n\n```\nSummary\nRelated\n```\n\nAfter.\n"
    entry = parse_entry(text, "x")
    assert [s.name for s in entry.sections] == ["Body"]
    assert "Summary\nRelated" in entry.sections[0].text


def test_text_before_any_heading_is_the_body() -> None:
    entry = parse_entry("# Title\n\nJust some notes, no sections.\n", "x")
    assert [(s.name, s.key) for s in entry.sections] == [("Body", SectionKey.BODY)]
    assert entry.summary_missing


def test_unknown_sections_are_kept() -> None:
    entry = parse_entry("## Summary\nOne. Two.\n\n## Local history\nOld story.\n", "x")
    assert [(s.name, s.key) for s in entry.sections] == [
        ("Summary", SectionKey.SUMMARY),
        ("Local history", SectionKey.OTHER),
    ]


def test_rendered_markdown_keeps_formatting() -> None:
    entry = parse_entry("## Body\nSome *emphasis* and a [link](one-to-ones).\n", "x")
    assert entry.sections[0].markdown == "Some *emphasis* and a [link](one-to-ones)."
    plain = parse_entry("## Body\nSome *emphasis*.\n", "x", render=False)
    assert plain.sections[0].markdown == "Some emphasis."


# --- The shared fixture KB (tests/fixtures/mini-kb) -------------------------------


def test_fixture_seed_layout_entry_sections_and_flags() -> None:
    entry = fixture_entry("distributed-organizing")
    assert entry.title == "Distributed organizing"  # no "# " heading: the slug, readable
    assert entry.type == "concept"
    assert [s.name for s in entry.sections] == [
        "Summary",
        "Body",
        "Use it for",
        "Worked examples",
        "Related",
        "Summary",
        "Open Questions",
        "Sources & verification",
    ]
    assert [s.key for s in entry.sections][-2:] == [SectionKey.OPEN_QUESTIONS, SectionKey.SOURCES]
    assert entry.duplicate_sections == ("Summary",)
    assert entry.summary is None and entry.summary_missing
    body = entry.section(SectionKey.BODY)
    assert body is not None and body.text.startswith("Distributed organizing hands out")
    assert "Running a nationwide push" in entry.sections[2].text


def test_fixture_seed_layout_entry_links() -> None:
    entry = fixture_entry("distributed-organizing")
    by_kind = {
        kind: [(link.section, link.target) for link in entry.links if link.kind is kind]
        for kind in LinkKind
    }
    assert by_kind[LinkKind.CITATION] == [
        ("Body", "moblab"),
        ("Body", "commons-library"),
        ("Body", "civil-resistance-2-0"),
    ]
    assert by_kind[LinkKind.EXAMPLE] == [
        ("Worked examples", "case-studies/gezi-park"),
        ("Worked examples", "case-studies/glasgow-rent-strike"),
    ]
    assert by_kind[LinkKind.RELATED] == [
        ("Related", "one-to-ones"),
        ("Related", "house-meetings"),
        ("Related", "power-mapping"),
        ("Related", "moblab"),
    ]
    assert by_kind[LinkKind.SOURCE] == [
        ("Sources & verification", "sources/moblab"),
        ("Sources & verification", "sources/commons-library"),
        ("Sources & verification", "civil-resistance-2-0"),
    ]
    assert by_kind[LinkKind.INLINE] == [] and by_kind[LinkKind.STEP] == []


def test_fixture_seed_layout_source_lines_and_verified_line() -> None:
    entry = fixture_entry("distributed-organizing")
    assert [(s.target, s.grounding, s.raw, s.size) for s in entry.sources] == [
        ("sources/moblab", "secondary", True, 812),
        ("sources/commons-library", "secondary", True, 4410),
        ("civil-resistance-2-0", "secondary", True, 6033),
    ]
    # The Verified line follows the last list item with no blank line: Markdown makes it
    # part of that item, the parser must not.
    last = entry.sources[-1]
    assert last.text == "civil-resistance-2-0 — grounding: secondary — RAW (6033 chars)"
    assert entry.verification is not None
    assert (entry.verification.date, entry.verification.by) == ("2026-05-14", "fixture-qc")


def test_fixture_markdown_entry() -> None:
    entry = fixture_entry("one-to-ones")
    assert entry.title == "One-to-one conversations"
    assert [s.name for s in entry.sections] == [
        "Summary",
        "Body",
        "Use it for",
        "Related",
        "Sources & verification",
    ]
    assert entry.summary is not None and entry.summary.startswith("A planned, unhurried")
    assert entry.duplicate_sections == ()
    assert [(k.kind, k.target, k.label) for k in entry.links] == [
        (LinkKind.INLINE, "house-meetings", "house meeting"),
        (LinkKind.CITATION, "commons-library", "commons-library"),
        (LinkKind.RELATED, "distributed-organizing", "distributed-organizing"),
        (LinkKind.RELATED, "power-mapping", "Power mapping"),
        (
            LinkKind.SOURCE,
            "sources/commons-library",
            "sources/commons-library — grounding: secondary",
        ),
    ]
    source = entry.sources[0]
    assert (source.grounding, source.raw, source.size) == ("secondary", False, None)
    assert entry.verification is not None and entry.verification.by == "fixture-qc"


@pytest.mark.parametrize(
    ("slug", "kind"),
    [
        ("case-studies/gezi-park", "case-study"),
        ("sources/moblab", "source"),
        ("toolkits/house-meeting-kit", "toolkits"),
        ("power-mapping", "concept"),
    ],
)
def test_fixture_types(slug: str, kind: str) -> None:
    assert fixture_entry(slug).type == kind


def test_fixture_accented_title_is_kept() -> None:
    entry = fixture_entry("case-studies/gezi-park")
    assert entry.title == "Gézi Park, Istanbul (2013)"
    assert "Gézi park" in (entry.summary or "")


# --- More of the format -----------------------------------------------------------


def test_worked_examples_in_every_link_style() -> None:
    text = (
        "## Worked examples\n- [Gezi](case-studies/gezi-park)\n"
        "- [[case-studies/glasgow-rent-strike]]\n- case-studies/x — with a note\n"
    )
    links = parse_entry(text, "x").links
    assert [(k.kind, k.target, k.label) for k in links] == [
        (LinkKind.EXAMPLE, "case-studies/gezi-park", "Gezi"),
        (LinkKind.EXAMPLE, "case-studies/glasgow-rent-strike", "case-studies/glasgow-rent-strike"),
        (LinkKind.EXAMPLE, "case-studies/x", "case-studies/x — with a note"),
    ]


def test_nested_list_items_are_links_too() -> None:
    links = parse_entry("## Related\n- a\n  - b\n- [[c]]\n", "x").links
    assert [k.target for k in links] == ["a", "b", "c"]


def test_setext_dash_headings() -> None:
    text = "Summary\n-------\nDashes.\n\nWorked examples\n---------------\n- a\n"
    entry = parse_entry(text, "x")
    assert [(s.name, s.key) for s in entry.sections] == [
        ("Summary", SectionKey.SUMMARY),
        ("Worked examples", SectionKey.WORKED_EXAMPLES),
    ]
    assert entry.summary == "Dashes."
    assert [k.target for k in entry.links] == ["a"]


def test_a_bare_heading_is_the_whole_line_only() -> None:
    text = "## Body\nSummary of the plan is here.\nRelated work matters.\n"
    entry = parse_entry(text, "x")
    assert [s.name for s in entry.sections] == ["Body"]
    assert entry.sections[0].text == "Summary of the plan is here.\nRelated work matters."
    assert entry.links == ()


def test_minor_headings_stay_inside_their_section() -> None:
    entry = parse_entry("# T\n## Body\nText.\n### A detail\nMore.\n### Related\n- x\n", "x")
    assert [(s.name, s.text) for s in entry.sections] == [
        ("Body", "Text.\nA detail\nMore."),
        ("Related", "x"),
    ]


def test_source_lines_without_bullets() -> None:
    text = (
        "Sources & verification\nsources/moblab — grounding: primary — RAW (1,024 chars)\n"
        "plain-source\nVerified 2025-01-02 by Someone\n"
    )
    entry = parse_entry(text, "x")
    assert [(s.target, s.grounding, s.raw, s.size) for s in entry.sources] == [
        ("sources/moblab", "primary", True, 1024),
        ("plain-source", None, False, None),
    ]
    assert entry.verification is not None
    assert (entry.verification.date, entry.verification.by) == ("2025-01-02", "Someone")


def test_a_real_summary_after_a_tbd_one_is_used() -> None:
    entry = parse_entry("## Summary\nTBD\n\n## Summary\nReal one. Two.\n", "x")
    assert entry.summary == "Real one. Two."
    assert entry.duplicate_sections == ("Summary",)


def test_lowercase_tbd_counts_as_missing() -> None:
    assert parse_entry("## Summary\ntbd: fill in.\n", "x").summary is None


def test_a_section_appearing_three_times_is_flagged_once() -> None:
    text = "## Related\n- a\n\n## Related\n- b\n\n## Related\n- c\n"
    entry = parse_entry(text, "x")
    assert [s.name for s in entry.sections] == ["Related"] * 3
    assert entry.duplicate_sections == ("Related",)
    assert [k.target for k in entry.links] == ["a", "b", "c"]


def test_readable_title_from_slug() -> None:
    assert parse_entry("## Body\nx\n", "toolkits/phone_tree-basics").title == "Phone tree basics"


def test_crlf_and_lone_cr_line_endings() -> None:
    entry = parse_entry("# T\r\nSummary\r\nOne. Two.\rRelated\r\n- a\r\n", "x")
    assert [s.name for s in entry.sections] == ["Summary", "Related"]
    assert entry.summary == "One. Two."
    assert [k.target for k in entry.links] == ["a"]

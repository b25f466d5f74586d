"""The entry parser on the user's format, warts included (our own fixture texts)."""

from __future__ import annotations

from kbtui.kb.model import LinkKind, SectionKey
from kbtui.kb.parser import parse_entry

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

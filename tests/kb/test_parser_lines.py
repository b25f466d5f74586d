"""Where things are: the parser records the 1-based line of every section, link,
Verified and "Not yet verified" line, so `check` and an editor can go straight there."""

from __future__ import annotations

from pathlib import Path

from kbtui.kb.model import Link, LinkKind, Section, SectionKey
from kbtui.kb.parser import parse_entry

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed-entry-distributed-organizing.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def line_of(text: str, needle: str, after: int = 0) -> int:
    """The 1-based line of the first line after line ``after`` holding ``needle`` (or,
    for a bare heading, that is exactly ``needle``)."""
    for number, line in enumerate(text.split("\n"), 1):
        if number > after and (line.strip() == needle or (" " in needle and needle in line)):
            return number
    for number, line in enumerate(text.split("\n"), 1):
        if number > after and needle in line:
            return number
    raise AssertionError(needle)


def test_seed_sections_know_their_lines() -> None:
    text = seed_text()
    entry = parse_entry(text, "distributed-organizing", "distributed-organizing.md")
    found = [(s.name, s.line) for s in entry.sections]
    first_summary = line_of(text, "Summary")
    assert found == [
        ("Summary", first_summary),
        ("Body", line_of(text, "Body")),
        ("Use it for", line_of(text, "Use it for")),
        ("Worked examples", line_of(text, "Worked examples")),
        ("Related", line_of(text, "Related")),
        ("Summary", line_of(text, "Summary", after=first_summary)),
        ("Open Questions", line_of(text, "Open Questions")),
        ("Sources & verification", line_of(text, "Sources & verification")),
    ]


def test_seed_links_know_their_lines() -> None:
    text = seed_text()
    entry = parse_entry(text, "distributed-organizing", "distributed-organizing.md")
    by_place = {(link.section, link.target): link.line for link in entry.links}
    body = line_of(text, "[source: moblab]")
    assert by_place[("Body", "moblab")] == body
    assert by_place[("Body", "civil-resistance-2-0")] == body
    assert by_place[("Worked examples", "case-studies/gezi-park")] == line_of(text, "gezi-park")
    related = line_of(text, "Related")
    assert by_place[("Related", "moblab")] == line_of(text, "- moblab", after=related)
    sources = line_of(text, "Sources & verification")
    assert by_place[("Sources & verification", "sources/moblab")] == sources + 1
    assert by_place[("Sources & verification", "civil-resistance-2-0")] == sources + 4
    assert entry.verification is not None
    assert entry.verification.line == line_of(text, "Verified 2026-06-23")


def test_markdown_headings_setext_and_a_title_have_lines() -> None:
    text = (
        "# A title\n"  # 1
        "\n"
        "Intro before any section.\n"  # 3: the preamble, called Body
        "\n"
        "Use it for\n"  # 5
        "==========\n"
        "Organising.\n"
        "\n"
        "## Related\n"  # 9
        "- [One](one)\n"  # 10
        "- [[two]]\n"  # 11
        "\n"
        "Sources & verification\n"  # 13
        "----------------------\n"
        "- sources/x — grounding: primary\n"  # 15
        "Not yet verified: drafted from memory.\n"  # 16
    )
    entry = parse_entry(text, "a", "a.md")
    assert [(s.name, s.line) for s in entry.sections] == [
        ("Body", 3),
        ("Use it for", 5),
        ("Related", 9),
        ("Sources & verification", 13),
    ]
    assert [(link.target, link.line) for link in entry.links] == [
        ("one", 10),
        ("two", 11),
        ("sources/x", 15),
    ]
    assert entry.unverified == "drafted from memory."
    assert entry.unverified_line == 16


def test_headings_inside_lists_and_code_are_not_sections_and_lines_stay_true() -> None:
    text = "## Body\n```\n## Related\n```\n- item\n\n  ## nested\n\n## Related\n- x\n"
    entry = parse_entry(text, "a", "a.md")
    assert [(s.name, s.line) for s in entry.sections] == [("Body", 1), ("Related", 9)]
    assert [(link.target, link.line) for link in entry.links] == [("x", 10)]


def test_reading_path_steps_have_lines_and_a_climbing_step_stays_whole() -> None:
    text = (
        "# Plan\n\nIntro.\n\n"
        "1. one-to-ones — 10 min — pairs.\n"  # 5
        "2. ../../../../etc/passwd — 5 min — not a step.\n"  # 6
        "3. power-mapping. Then the chart.\n"  # 7
    )
    entry = parse_entry(text, "paths/plan", "paths/plan.md")
    assert [(s.target, s.minutes) for s in entry.steps] == [
        ("one-to-ones", 10),
        ("../../../../etc/passwd", 5),
        ("power-mapping", None),
    ]
    assert [(link.target, link.line) for link in entry.links] == [
        ("one-to-ones", 5),
        ("../../../../etc/passwd", 6),
        ("power-mapping", 7),
    ]


def test_lines_do_not_change_what_a_section_or_link_is() -> None:
    """Locations are metadata: an index-built graph (no lines) and a parsed one agree."""
    assert Section("Body", SectionKey.BODY, "x", "x", 3) == Section(
        "Body", SectionKey.BODY, "x", "x"
    )
    assert Link("Related", LinkKind.RELATED, "a", "a", 7) == Link(
        "Related", LinkKind.RELATED, "a", "a"
    )


def test_many_links_stay_quick_to_place() -> None:
    """A long list is placed in one pass, not a search per link from the top."""
    items = "".join(f"- target-{n}\n" for n in range(20_000))
    entry = parse_entry("## Related\n" + items, "a", "a.md")
    assert entry.links[-1].line == 20_001
    assert entry.links[12_345].line == 12_347

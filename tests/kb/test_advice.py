"""Advice: the milder findings a curator wants, each at its file and line, one test per
kind on a small KB made for it. Advice is never a problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbtui.kb import check, load_kb
from kbtui.kb.advice import ADVICE_KINDS, advise
from kbtui.kb.checks import PROBLEM_KINDS
from kbtui.paths import bundled_kb
from tests.conftest import write_kb

TODAY = dt.date(2026, 12, 3)
WORDS = " ".join(f"word{n}" for n in range(80))  # a Body long enough not to be thin


def entry(title: str, *, body: str = WORDS, related: str = "", sources: str = "") -> str:
    return (
        f"# {title}\n\n## Summary\n{title} in short. Really.\n\n## Body\n{body}\n\n"
        f"## Related\n{related}\n\n## Sources & verification\n{sources}"
        "Verified 2026-11-01 by a curator.\n"
    )


def advice_of(root: Path, kind: str) -> list[str]:
    return [p.report() for p in advise(load_kb(root), {kind}, today=TODAY)]


def test_advice_kinds_are_not_problem_kinds() -> None:
    assert not set(ADVICE_KINDS) & set(PROBLEM_KINDS)


def test_thin_entry(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {
            "full.md": entry("Full", related="- thin\n- bare\n"),
            "thin.md": entry("Thin", body="Only five words here, see.", related="- full\n"),
            "bare.md": "# Bare\n\n## Summary\nNo body. At all.\n\n## Related\n- full\n",
        },
    )
    assert advice_of(root, "thin-entry") == [
        "bare.md:1: thin-entry: no Body section",
        "thin.md:6: thin-entry: the Body has 5 words (fewer than 60)",
    ]
    assert [p.report() for p in advise(load_kb(root), {"thin-entry"}, thin_below=3)] == [
        "bare.md:1: thin-entry: no Body section"
    ]


def test_uncited_source(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {
            "a.md": entry(
                "A",
                body=WORDS + " [source: cited]",
                related="- sources/only-related\n",
                sources="- sources/listed — grounding: primary\n",
            ),
            "sources/cited.md": entry("Cited", related="- a\n"),
            "sources/listed.md": entry("Listed", related="- a\n"),
            "sources/only-related.md": entry("Only related", related="- a\n"),
            # A source's own line in its own entry is not a citation by another entry.
            "sources/self.md": entry(
                "Self", related="- a\n", sources="- sources/self — grounding: primary\n"
            ),
        },
    )
    assert advice_of(root, "uncited-source") == [
        "sources/only-related.md:1: uncited-source: no entry cites this source",
        "sources/self.md:1: uncited-source: no entry cites this source",
    ]


def test_unverified(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {
            "checked.md": entry("Checked"),
            "honest.md": "# Honest\n\n## Summary\nA. B.\n\n## Sources & verification\n"
            "- sources/x — grounding: primary\nNot yet verified: drafted from memory.\n",
            "silent.md": "# Silent\n\n## Summary\nA. B.\n\n## Sources & verification\n"
            "- sources/x — grounding: primary\n",
            "nothing.md": "# Nothing\n\n## Summary\nA. B.\n",
            "paths/plan.md": "# Plan\n\n1. checked\n",  # plans are not verified
        },
    )
    assert advice_of(root, "unverified") == [
        "honest.md:8: unverified: not yet verified: drafted from memory.",
        "nothing.md:1: unverified: no Verified line (write 'Verified DATE by WHO' once checked)",
        "silent.md:6: unverified: no Verified line (write 'Verified DATE by WHO' once checked)",
    ]


def test_verification_stale(tmp_path: Path) -> None:
    old = entry("Old").replace("2026-11-01", "2023-01-15")
    bad = entry("Bad").replace("2026-11-01", "2026-13-45")
    root = write_kb(tmp_path, {"fresh.md": entry("Fresh"), "old.md": old, "bad.md": bad})
    assert advice_of(root, "verification-stale") == [
        "bad.md:13: verification-stale: the Verified date '2026-13-45' is not a real date",
        "old.md:13: verification-stale: verified 2023-01-15, 1418 days ago (more than 730)",
    ]
    later = advise(load_kb(root), {"verification-stale"}, today=TODAY, stale_after=10_000)
    assert [p.slug for p in later] == ["bad"]


def test_unlinked_mention(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {
            "rent-strikes.md": entry("Rent strikes", related="- strikes\n"),
            "strikes.md": entry(
                "Strikes",
                body=WORDS + "\nA tenant union may call\na rent strike. Strikes are "
                "ours; Power mapping helps.",
                related="- rent-strikes\n",
            ),
            "power-mapping.md": entry(
                "Power mapping", body=WORDS + " Nothing here names others.", related="- strikes"
            ),
            "house-meetings.md": entry(
                "House meetings",
                body=WORDS + " Before a rent strike, hold house meetings.",
                related="- strikes\n",
            ),
        },
    )
    assert advice_of(root, "unlinked-mention") == [
        # "a rent strike" names Rent strikes (plural folded), not just Strikes.
        "house-meetings.md:7: unlinked-mention: names 'Rent strikes' (rent-strikes) without "
        "linking it",
        # strikes links rent-strikes, and its own title is not a mention.
        "strikes.md:9: unlinked-mention: names 'Power mapping' (power-mapping) without linking it",
    ]
    found = advise(load_kb(root), {"unlinked-mention"}, today=TODAY)
    assert [p.target for p in found] == ["rent-strikes", "power-mapping"]


def test_consider_linking(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"filler-{n}.md": entry(
            f"Filler {n}", body=" ".join(f"w{n}x{k}" for k in range(70)) + " shared common"
        )
        for n in range(24)
    }
    twins = " ".join(["lantern", "procession", "candle", "vigil", "dusk", "march"] * 5)
    files["lantern-walk.md"] = entry("Lantern walk", body=twins + " " + WORDS)
    files["candle-vigil.md"] = entry("Candle vigil", body=twins + " dusk gathering")
    root = write_kb(tmp_path, files)
    found = advise(load_kb(root), {"consider-linking"}, today=TODAY)
    assert [(p.slug, p.kind, p.target) for p in found] == [
        ("candle-vigil", "consider-linking", "lantern-walk")
    ]
    assert (
        found[0]
        .report()
        .startswith(
            "candle-vigil.md:1: consider-linking: reads much like 'Lantern walk' (lantern-walk, "
            "similarity "
        )
    )
    write_kb(root, {"candle-vigil.md": entry("Candle vigil", body=twins, related="- lantern-walk")})
    assert advise(load_kb(root), {"consider-linking"}, today=TODAY) == []


def test_consider_linking_needs_a_kb_large_enough_to_judge(tmp_path: Path) -> None:
    twins = " ".join(["lantern", "procession", "candle", "vigil"] * 5)
    root = write_kb(tmp_path, {"a.md": entry("A", body=twins), "b.md": entry("B", body=twins)})
    assert advise(load_kb(root), {"consider-linking"}, today=TODAY) == []


def test_the_starter_kb_has_advice_but_no_problems() -> None:
    kb = load_kb(bundled_kb())
    assert check(kb) == []
    found = advise(kb)
    assert all(p.kind in ADVICE_KINDS and p.path and p.lineno >= 1 for p in found)

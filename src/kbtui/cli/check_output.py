"""How ``kbtui check`` reports: ``path:line: kind: detail`` lines (the form editors and
CI annotations read), advice, the "to write next" list, or the same as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kbtui.cli.errors import UsageError
from kbtui.cli.output import say, say_json
from kbtui.kb import PROBLEM_KINDS, KnowledgeBase
from kbtui.kb.advice import ADVICE_KINDS, EVERYDAY_ADVICE
from kbtui.kb.boundary import display_name
from kbtui.kb.checks import WantedEntry, to_write_next
from kbtui.kb.model import Problem

SHOWN_LINKERS = 5  # entries named per wanted entry in the text list; JSON has them all


def selected_kinds(
    asked: Sequence[str] | None, advice: bool
) -> tuple[frozenset[str], frozenset[str]]:
    """The problem kinds and advice kinds to report, from ``--kind`` and ``--advice``."""
    if not asked:
        return frozenset(PROBLEM_KINDS), frozenset(EVERYDAY_ADVICE if advice else ())
    named = {kind.strip() for value in asked for kind in value.split(",") if kind.strip()}
    unknown = sorted(named - set(PROBLEM_KINDS) - set(ADVICE_KINDS))
    if unknown:
        raise UsageError(
            f"Unknown kind {display_name(unknown[0])!r}: choose from "
            f"{', '.join(PROBLEM_KINDS)} (problems) or {', '.join(ADVICE_KINDS)} (advice)."
        )
    return frozenset(named & set(PROBLEM_KINDS)), frozenset(named & set(ADVICE_KINDS))


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "slug": problem.slug,
        "kind": problem.kind,
        "detail": problem.detail,
        "path": problem.path or problem.slug,
        "line": problem.lineno,
        "sections": list(problem.sections),
        "target": problem.target,
    }


def wanted_dict(wanted: WantedEntry) -> dict[str, Any]:
    return {
        "slug": wanted.slug,
        "path": wanted.path,
        "entries": len(wanted.wanted_by),
        "from": [
            {"slug": p.slug, "path": p.path, "line": p.lineno, "sections": list(p.sections)}
            for p in wanted.wanted_by
        ],
    }


def print_check(
    kb: KnowledgeBase,
    problems: list[Problem],
    advice: list[Problem] | None,
    as_json: bool = False,
) -> None:
    wanted = to_write_next(problems)
    if as_json:
        report: dict[str, Any] = {
            "entries": len(kb),
            "problems": [problem_dict(p) for p in problems],
            "to_write_next": [wanted_dict(w) for w in wanted],
        }
        if advice is not None:
            report["advice"] = [problem_dict(p) for p in advice]
        say_json(report)
        return
    for problem in problems:
        say(display_name(problem.report()))
    if advice:
        say("Advice (worth a look; never a reason to fail):")
        for found in advice:
            say(display_name(found.report()))
    if wanted:
        say(f"To write next ({_count(len(wanted), 'entry', 'entries')} linked but not written):")
        for entry in wanted:
            say(display_name(_wanted_line(entry)))
    say(_summary(len(kb), len(problems), advice))


def _wanted_line(wanted: WantedEntry) -> str:
    linkers = [f"{p.slug} ({', '.join(p.sections)})" for p in wanted.wanted_by]
    more = len(linkers) - SHOWN_LINKERS
    shown = ", ".join(linkers[:SHOWN_LINKERS]) + (f", and {more} more" if more > 0 else "")
    return f"  {wanted.path}: linked from {_count(len(linkers), 'entry', 'entries')}: {shown}"


def _summary(entries: int, problems: int, advice: list[Problem] | None) -> str:
    noun = "problem" if problems == 1 else "problems"
    line = f"{_count(entries, 'entry', 'entries')} checked, {problems or 'no'} {noun}"
    if advice is not None:
        line += f", {len(advice) or 'no'} {'piece' if len(advice) == 1 else 'pieces'} of advice"
    return line + "."


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"

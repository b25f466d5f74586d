"""``kbtui show`` and ``kbtui check``: the KB as text, for people and scripts."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from kbtui.cli.output import say, say_json
from kbtui.kb import KnowledgeBase, check, load_kb
from kbtui.kb.model import Entry, type_label
from kbtui.paths import resolve_kb


def open_kb(args: argparse.Namespace) -> KnowledgeBase:
    return load_kb(resolve_kb(getattr(args, "kb", None)), render=False)


def trust_line(entry: Entry) -> str:
    """Grounding levels, RAW markers, verification, and whether the summary is missing."""
    parts: list[str] = []
    levels: dict[str, int] = {}
    for source in entry.sources:
        level = source.grounding or "ungraded"
        levels[level] = levels.get(level, 0) + 1
    if levels:
        parts.append(
            "sources: " + ", ".join(f"{count} {level}" for level, count in sorted(levels.items()))
        )
    raw = sum(1 for s in entry.sources if s.raw)
    if raw:
        parts.append(f"{raw} RAW")
    if entry.verification:
        parts.append(f"verified {entry.verification.date} by {entry.verification.by}")
    else:
        parts.append("not verified")
    if entry.summary_missing:
        parts.append("summary missing")
    return " · ".join(parts)


def entry_as_dict(kb: KnowledgeBase, entry: Entry) -> dict[str, Any]:
    return {
        "slug": entry.slug,
        "title": entry.title,
        "type": entry.type,
        "summary": entry.summary,
        "sections": [{"name": s.name, "text": s.text} for s in entry.sections],
        "links": [
            {"section": r.link.section, "target": r.link.target, "resolved": r.resolved}
            for r in kb.links_of(entry.slug)
        ],
        "backlinks": [{"slug": b.slug, "section": b.section} for b in kb.backlinks(entry.slug)],
    }


def _missing_entry(kb: KnowledgeBase, slug: str) -> str:
    near = kb.closest(slug)
    hint = f" Did you mean: {', '.join(near)}?" if near else ""
    return f"No entry {slug!r} in the KB at {kb.root}.{hint}"


def cmd_show(args: argparse.Namespace) -> int:
    from kbtui.cli import UsageError

    kb = open_kb(args)
    entry = kb.get(args.slug)
    if entry is None:
        raise UsageError(_missing_entry(kb, args.slug))
    if args.json:
        say_json(entry_as_dict(kb, entry))
        return 0
    say(entry.title)
    say(f"{type_label(entry.type)} · {entry.slug} · {entry.path}")
    say(trust_line(entry))
    for section in entry.sections:
        say()
        say(f"== {section.name} ==")
        say(section.text)
    links = kb.links_of(entry.slug)
    if links:
        say()
        say("== Links ==")
        for resolved in links:
            where = resolved.resolved or (
                "(outside the KB)" if resolved.outside else "(not in this KB)"
            )
            say(f"  {resolved.link.section}: {resolved.link.target} -> {where}")
    backlinks = kb.backlinks(entry.slug)
    say()
    say("== Referenced by ==")
    for backlink in backlinks:
        title = kb.entries[backlink.slug].title
        say(f"  {backlink.slug} ({backlink.section}) - {title}")
    if not backlinks:
        say("  (nothing links here)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    kb = open_kb(args)
    problems = check(kb)
    if args.json:
        say_json(
            {
                "entries": len(kb),
                "problems": [{"slug": p.slug, "kind": p.kind, "detail": p.detail} for p in problems],
            }
        )
    else:
        for problem in problems:
            say(problem.line())
        noun = "problem" if len(problems) == 1 else "problems"
        entries = "entry" if len(kb) == 1 else "entries"
        say(f"{len(kb)} {entries} checked, {len(problems) or 'no'} {noun}.")
    return 1 if problems else 0


def _search_commands() -> dict[str, Callable[[argparse.Namespace], int]]:
    from kbtui.cli.search_commands import SEARCH_COMMANDS

    return SEARCH_COMMANDS


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "show": cmd_show,
    "check": cmd_check,
    "search": lambda args: _search_commands()["search"](args),
    "index": lambda args: _search_commands()["index"](args),
}

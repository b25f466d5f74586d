"""``kbtui show`` and ``kbtui check``: the KB as text, for people and scripts."""

from __future__ import annotations

import argparse
import os
from typing import Any

from kbtui.cli.errors import UsageError
from kbtui.cli.output import say, say_json
from kbtui.kb import KnowledgeBase, check
from kbtui.kb.boundary import display
from kbtui.kb.model import Entry, type_label
from kbtui.kb.trust import trust_line
from kbtui.paths import resolve_kb


def open_kb(args: argparse.Namespace, render: bool = False) -> KnowledgeBase:
    """The whole KB, parsed (in several processes when it is large)."""
    from kbtui.library import Library

    library = Library(resolve_kb(getattr(args, "kb", None)))
    return library.load_all(render=render, workers=os.cpu_count() or 1)


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
    return display(f"No entry {slug!r} in the KB at {kb.root}.{hint}")  # slugs are file names


def cmd_show(args: argparse.Namespace) -> int:

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
    """Problems (exit 1 when any), advice when asked, and what to write next."""
    from kbtui.cli.check_output import print_check, selected_kinds
    from kbtui.kb.advice import advise

    problem_kinds, advice_kinds = selected_kinds(args.kind, args.advice)
    advice = None
    if advice_kinds:  # advice reads entries' text: the whole KB is loaded
        kb = open_kb(args)
        found = check(kb)
        advice = advise(kb, advice_kinds, thin_below=args.thin_below, stale_after=args.stale_after)
    else:  # each entry checked as it is read, its text let go
        from kbtui.library import Library

        library = Library(resolve_kb(getattr(args, "kb", None)))
        kb, found = library.check_all(workers=os.cpu_count() or 1)
    problems = [p for p in found if p.kind in problem_kinds]
    print_check(kb, problems, advice, as_json=args.json)
    return 1 if problems else 0

"""An entry's outline: what a list, a palette or a web index needs of an entry.

One shape from the index's stored listing to the screen. Kept apart from the full
model (``kbtui.kb.model``) so a front end can paint its list before the model loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EntryOutline:
    slug: str
    title: str
    type: str
    path: str  # relative to the KB root, as found on disk
    summary_missing: bool = False
    flags: frozenset[str] = frozenset()  # what the loader repaired: binary, undecodable, ...


def sort_key(outline: EntryOutline) -> tuple[str, str, str]:
    return (outline.type, outline.title.casefold(), outline.slug)


# Reading paths first (a trainer's way in), then concepts, case studies, sources.
TYPE_ORDER = {"path": 0, "concept": 1, "case-study": 2, "source": 3}


def group_entries(entries: Iterable[EntryOutline]) -> list[tuple[str, list[EntryOutline]]]:
    """Entries grouped by type, in :data:`TYPE_ORDER` (other types after, by name),
    each group by title."""
    groups: dict[str, list[EntryOutline]] = {}
    for entry in entries:
        groups.setdefault(entry.type, []).append(entry)
    ordered = sorted(groups, key=lambda t: (TYPE_ORDER.get(t, 9), t))
    return [(t, sorted(groups[t], key=lambda e: e.title.casefold())) for t in ordered]

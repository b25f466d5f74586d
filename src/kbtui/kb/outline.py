"""An entry's outline: what a list, a palette or a web index needs of an entry.

One shape from the index's stored listing to the screen. Kept apart from the full
model (``kbtui.kb.model``) so a front end can paint its list before the model loads.
"""

from __future__ import annotations

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

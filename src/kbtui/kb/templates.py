"""A new entry, written from the shape of the KB's own entries: the sections most
entries of its type have, in their usual order, a title from the slug and a ``TBD``
summary (which ``check`` lists until it is written)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kbtui.kb.model import Entry, SectionKey
from kbtui.kb.parser import readable_title, section_key

DEFAULT_SECTIONS = (
    "Summary",
    "Body",
    "Use it for",
    "Worked examples",
    "Related",
    "Open Questions",
    "Sources & verification",
)
SAMPLE = 25  # entries of the same type looked at for the usual sections
UNVERIFIED = "Not yet verified: a new entry; nothing in it has been checked yet."


def usual_sections(entries: Sequence[Entry]) -> list[str]:
    """The section names at least half of ``entries`` have, in their usual order (by
    mean position); the KB's documented sections when there are no entries to go by."""
    if not entries:
        return list(DEFAULT_SECTIONS)
    places: dict[str, list[float]] = defaultdict(list)
    spelling: dict[str, str] = {}
    for entry in entries:
        names = [s.name for s in entry.sections if s.name not in ("", "Notes")]
        for place, name in enumerate(dict.fromkeys(names)):
            key = name.casefold()
            places[key].append(place / max(len(names), 1))
            spelling.setdefault(key, name)
    usual = [key for key, found in places.items() if len(found) * 2 >= len(entries)]
    usual.sort(key=lambda key: sum(places[key]) / len(places[key]))
    names = [spelling[key] for key in usual]
    if not any(section_key(name) is SectionKey.SUMMARY for name in names):
        names.insert(0, "Summary")
    return names


def new_entry_text(slug: str, sections: Sequence[str]) -> str:
    """The text of a new entry called ``slug`` with ``sections``."""
    title = readable_title(slug)
    if slug.startswith("paths/"):
        return f"# {title}\n\nTBD: who the session is for and how long it runs.\n\n1. \n"
    parts = [f"# {title}\n"]
    for name in sections:
        key = section_key(name)
        if key is SectionKey.SUMMARY:
            parts.append(f"## {name}\nTBD\n")
        elif key is SectionKey.SOURCES:
            parts.append(f"## {name}\n{UNVERIFIED}\n")
        else:
            parts.append(f"## {name}\n")
    return "\n".join(parts)

"""How entry types are named on screen (a module light enough for the first frame)."""

from __future__ import annotations

TYPE_LABELS: dict[str, str] = {
    "concept": "Concepts",
    "case-study": "Case studies",
    "source": "Sources",
    "path": "Reading paths",
}


def type_label(entry_type: str) -> str:
    return TYPE_LABELS.get(entry_type, entry_type.replace("-", " ").capitalize())

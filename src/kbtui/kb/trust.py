"""How far to trust an entry: grounding levels, RAW markers, verification, summary."""

from __future__ import annotations

from kbtui.kb.model import Entry


def trust_parts(entry: Entry) -> list[str]:
    if entry.type == "path":
        return [f"a reading path of {len(entry.steps)} steps"]
    parts: list[str] = []
    levels: dict[str, int] = {}
    for source in entry.sources:
        level = source.grounding or "ungraded"
        levels[level] = levels.get(level, 0) + 1
    if levels:
        parts.append(
            "sources: " + ", ".join(f"{count} {level}" for level, count in sorted(levels.items()))
        )
    else:
        parts.append("no sources listed")
    raw = sum(1 for s in entry.sources if s.raw)
    if raw:
        parts.append(f"{raw} RAW")
    if entry.verification:
        parts.append(f"verified {entry.verification.date} by {entry.verification.by}")
    else:
        parts.append("not verified")
    if entry.summary_missing:
        parts.append("summary missing")
    return parts


def trust_line(entry: Entry) -> str:
    """One line, e.g. ``sources: 4 secondary · 4 RAW · verified 2026-06-23 by qc``."""
    return " · ".join(trust_parts(entry))


def verification_line(entry: Entry) -> str:
    """The entry's own word on its checking: "Verified DATE by WHO", "Not yet verified:
    why", or "" when it says neither."""
    if entry.verification:
        return f"Verified {entry.verification.date} by {entry.verification.by}"
    if entry.unverified:
        return f"Not yet verified: {entry.unverified}"
    return ""

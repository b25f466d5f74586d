"""Reading paths: a trainer's session plan, kept as a Markdown file under ``paths/``.

    # First training on distributed organising

    A short intro for the trainer and the room.

    1. distributed-organizing — Ask the room for a local example.
    2. [One-to-ones](one-to-ones): pair people up for ten minutes.
    3. [[case-studies/gezi-park]]

A title, an intro (everything before the first list), then an ordered (or bulleted)
list of steps; each step names an entry (bare slug, Markdown link or ``[[slug]]``)
and may carry a note for the trainer after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from kbtui.kb.markdown import WIKI_LINK, parse_markdown, plain_text
from kbtui.kb.model import PathStep

PATHS_FOLDER = "paths"

# A bare target ends at a space, a dash, a colon or a comma, or at a full stop that ends
# the word ("slug. note"): a dot inside it belongs to it ("../x" is one target, not ".").
_BARE = re.compile(r"^\s*<?([^\s<>—–:]+?)>?(?=[\s—–:,;]|\.+(?:\s|$)|$)")
_NOTE_LEAD = re.compile(r"^[\s—–:.,;-]+")
# A planned duration opening the note: "slug — 15 min — note" or "slug (15 min): note".
_MINUTES = re.compile(r"^\(?\s*(\d{1,3})\s*(?:min|mins|minutes)\b\.?\s*\)?", re.IGNORECASE)


@dataclass(frozen=True)
class ReadingPath:
    slug: str
    title: str
    intro: str
    steps: tuple[PathStep, ...]


def _step(number: int, item: dict[str, Any]) -> PathStep | None:
    own = [c for c in item.get("children", []) if c.get("type") != "list"]
    first_block = own[0].get("children", []) if own else []
    target: str | None = None
    rest = ""
    if first_block and first_block[0].get("type") == "link":
        target = str(first_block[0].get("attrs", {}).get("url", "")).strip()
        rest = plain_text(first_block[1:])
    else:
        text = plain_text(first_block)
        stripped = text.lstrip()
        wiki = WIKI_LINK.match(stripped)
        bare = _BARE.match(text)
        if wiki:
            target, rest = wiki.group(1).strip(), stripped[wiki.end() :]
        elif bare:
            target, rest = bare.group(1), text[bare.end() :]
    if not target:
        return None
    more = plain_text(own[1:]) if len(own) > 1 else ""
    nested = plain_text([c for c in item.get("children", []) if c.get("type") == "list"])
    lead = _NOTE_LEAD.sub("", rest)
    minutes: int | None = None
    planned = _MINUTES.match(lead)
    if planned:
        minutes = int(planned.group(1))
        lead = _NOTE_LEAD.sub("", lead[planned.end() :])
    note = "\n".join(part.strip() for part in (lead, more, nested) if part.strip())
    return PathStep(number, target, note, minutes)


def parse_path(text: str, slug: str, title: str) -> ReadingPath:
    """The steps of a reading path (``title`` comes from the entry parser)."""
    parsed, _state = parse_markdown.parse(text)
    tokens = cast(list[dict[str, Any]], parsed)
    intro: list[str] = []
    steps: list[PathStep] = []
    for token in tokens:
        kind = token.get("type")
        if kind == "heading" and int(token.get("attrs", {}).get("level", 1)) == 1 and not steps:
            continue
        if kind == "list" and not steps:
            for item in token.get("children", []):
                step = _step(len(steps) + 1, item)
                if step is not None:
                    steps.append(step)
            continue
        if not steps and kind not in ("blank_line", "heading"):
            intro.append(plain_text([token]).strip())
    return ReadingPath(slug, title, "\n\n".join(p for p in intro if p), tuple(steps))

"""Where things are in an entry's file: 1-based line numbers, for ``check`` and editors.

The parser knows each section's first line (mistune reports it for headings); links,
the Verified line and mentions are then found by searching that section's lines.
"""

from __future__ import annotations

import re
from itertools import chain


class Lines:
    """The lines of one file's text, searched within a section's range of lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self._hint: dict[int, int] = {}  # section start -> line after the last find there

    def __len__(self) -> int:
        return len(self.lines)

    def first_text_line(self, after: int = 0) -> int:
        """The first line after line ``after`` that holds any text (1 when none does)."""
        for number in range(after + 1, len(self.lines) + 1):
            if self.lines[number - 1].strip():
                return number
        return 1

    def find(self, needle: str, start: int, end: int) -> int:
        """The first line in ``start..end`` holding ``needle``; ``start`` when none does.

        Links are found in the order they are written, so each search in a section
        starts where the last one ended and wraps round: a long list stays linear."""
        start, end = max(start, 1), min(end, len(self.lines))
        if not needle:
            return start
        hint = min(max(self._hint.get(start, start), start), end)
        for number in chain(range(hint, end + 1), range(start, hint)):
            if needle in self.lines[number - 1]:
                self._hint[start] = number
                return number
        return start

    def match(self, pattern: re.Pattern[str], start: int, end: int) -> int:
        """The first line in ``start..end`` that ``pattern`` finds something in (0: none)."""
        for number in range(max(start, 1), min(end, len(self.lines)) + 1):
            if pattern.search(self.lines[number - 1]):
                return number
        return 0

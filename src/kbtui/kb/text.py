"""Text from KB files is data: neutralise anything a terminal would act on."""

from __future__ import annotations

import re

# C0 controls except TAB and LF, DEL, C1 controls, and the Unicode bidi overrides
# and isolates that can reorder what a reader sees ("trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls and bidi overrides: the replacement character


def neutralise(text: str) -> str:
    """Return ``text`` with control characters and escape introducers made visible."""
    return _UNSAFE.sub(_visible, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def json_safe(dumped: str) -> str:
    """JSON text (from ``json.dumps``) with DEL, C1 controls and bidi overrides written
    as ``\\u`` escapes: the same data, still valid JSON, nothing a terminal acts on.
    ``json.dumps`` already escapes C0 controls; these may only occur inside strings."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)

"""Snippets: a short window of an entry's text with the matched words marked.

Whoosh's highlighter re-analyses each hit's whole text; this scans words with one
regex and a cached word -> stem map, and stops at the first window, which keeps a
20-hit page of snippets to a few milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.support.charset import accent_map

from kbtui.index.analysis import fold, strip_marks, text_analyzer

_WORD = re.compile(r"\w+(?:[.'’]\w+)*")
_SPACE = re.compile(r"\s+")
_analyzer = text_analyzer()
MAX_SCAN = 2500  # characters of an entry looked through for a snippet
HEAD = 3  # leading letters a word must share with a query term to be analysed


@lru_cache(maxsize=200_000)
def word_keys(word: str) -> tuple[str, str]:
    """(folded word, stem) of one word; the stem is '' for a stop word."""
    folded = fold(word)
    stems = [token.text for token in _analyzer(word)]
    return (folded[0] if folded else ""), (stems[0] if stems else "")


def _matches(
    word: str,
    stems: frozenset[str],
    prefixes: tuple[str, ...],
    memo: dict[str, bool],
    heads: frozenset[str],
) -> bool:
    found = memo.get(word)
    if found is None and strip_marks(word).lower().translate(accent_map)[:HEAD] not in heads:
        # Stemming and spelling variants only change a word's ending: a word that
        # does not start like any query term cannot match, and needs no analysis.
        found = memo[word] = False
    if found is None:
        folded, stem = word_keys(word)
        found = bool(stem and stem in stems) or (
            bool(folded) and any(folded.startswith(p) for p in prefixes)
        )
        memo[word] = found
    return found


@lru_cache(maxsize=256)
def _candidate_pattern(heads: frozenset[str]) -> re.Pattern[str]:
    """Where a word starts (as _WORD finds words) with one of ``heads``, in any case,
    or has a letter that is not ASCII among its first HEAD (whose folding the
    pattern cannot know: :func:`_matches` tells). Only ever at a letter, so an empty
    head never stops at every space."""
    alternatives = "|".join(re.escape(head) for head in sorted(heads, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?<!\w[.'’])(?=\w)(?:(?:{alternatives})|\w{{0,{HEAD - 1}}}[^\W\x00-\x7f])",
        re.IGNORECASE,
    )


def candidates(text: str, heads: frozenset[str]) -> Iterator[re.Match[str]]:
    """The words of ``text`` that may match terms starting with ``heads``: every word
    :func:`_matches` would accept is among them (tested); the rest of the text is
    passed over by the regex engine, not word by word in Python."""
    pattern = _candidate_pattern(heads)
    position = 0
    while (start := pattern.search(text, position)) is not None:
        word = _WORD.match(text, start.start())
        if word is None:  # cannot be: the pattern starts at a letter
            position = start.start() + 1
            continue
        yield word
        position = word.end()


def make_snippet(
    text: str,
    stems: frozenset[str],
    prefixes: tuple[str, ...] = (),
    width: int = 160,
) -> list[tuple[str, bool]]:
    """Segments ``(text, matched)`` of a window of ``text`` around the first match."""
    text = _SPACE.sub(" ", text[:MAX_SCAN]).strip()
    if not text.isascii():  # composed, so a decomposed accent does not split a word
        text = unicodedata.normalize("NFC", text)
    if not text:
        return []
    first = None
    memo: dict[str, bool] = {}
    heads = frozenset(term[:HEAD] for term in (*stems, *prefixes))
    if stems or prefixes:
        for found in candidates(text, heads):
            if _matches(found.group(), stems, prefixes, memo, heads):
                first = found
                break
    if first is None:
        cut = text[:width]
        return [(cut + ("…" if len(text) > width else ""), False)]
    start = max(0, first.start() - width // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", first.end(), end)
        end = space if space > first.end() else end
    window = text[start:end]
    segments: list[tuple[str, bool]] = []
    if start:
        segments.append(("…", False))
    cursor = 0
    for found in candidates(window, heads):
        if _matches(found.group(), stems, prefixes, memo, heads):
            if found.start() > cursor:
                segments.append((window[cursor : found.start()], False))
            segments.append((found.group(), True))
            cursor = found.end()
    if cursor < len(window):
        segments.append((window[cursor:], False))
    if end < len(text):
        segments.append(("…", False))
    return segments

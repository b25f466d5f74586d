"""Spelling suggestions and fuzzy words from the KB's own vocabulary.

Whoosh's corrector walks every term with a pure-Python edit distance once the
index has several segments (hundreds of ms at 10,000 entries). This keeps a
symmetric-delete table (SymSpell's idea) of the vocabulary instead: built once per
index generation, after which a lookup is a few dictionary probes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

MAX_WORD = 30


def _deletes(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Vocabulary:
    """The words of the KB with their document frequencies, for near-miss lookups."""

    def __init__(self, words: Iterable[str], frequency: Callable[[str], int]) -> None:
        self.words: set[str] = set()
        self._frequency = frequency
        # A word, or the words, that each deletion comes from. Most come from one word:
        # kept as that word itself rather than a list (a third of the table's memory).
        self._by_delete: dict[str, str | tuple[str, ...]] = {}
        by_delete = self._by_delete
        for word in words:
            if not word.isalpha() or len(word) > MAX_WORD:
                continue
            self.words.add(word)
            for deleted in {word, *_deletes(word)}:
                found = by_delete.get(deleted)
                if found is None:
                    by_delete[deleted] = word
                elif isinstance(found, str):
                    by_delete[deleted] = (found, word)
                else:
                    by_delete[deleted] = (*found, word)

    def _from(self, probe: str) -> tuple[str, ...]:
        found = self._by_delete.get(probe, ())
        return (found,) if isinstance(found, str) else found

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def near(self, word: str, max_distance: int = 2, limit: int = 8) -> list[str]:
        """Known words within ``max_distance`` edits, closest and most frequent first."""
        if not word or len(word) > MAX_WORD:
            return []
        probes = {word} | set(_deletes(word))
        if max_distance >= 2:
            probes |= {d2 for d1 in list(probes) for d2 in _deletes(d1)}
        candidates = {c for probe in probes for c in self._from(probe)}
        scored = []
        for candidate in candidates:
            gap = distance(word, candidate, max_distance)
            if gap <= max_distance:
                scored.append((gap, -self._frequency(candidate), candidate))
        scored.sort()
        return [candidate for _, _, candidate in scored[:limit]]

    def suggest(self, word: str) -> str | None:
        """The best correction for a word the KB does not contain, if any."""
        if word in self.words or len(word) < 3:
            return None
        # Not "it" for "hit": a word under three letters is a stop word or too short
        # to search for, so the suggestion would find nothing.
        # Typing slips keep the first letter; a "correction" that drops or changes it
        # ("closed" for "unclosed") is another word, not the one meant.
        found = [c for c in self.near(word) if c != word and len(c) >= 3 and c[0] == word[0]]
        return found[0] if found else None

"""Related by content: which entries say much the same things. Pure Python.

The one home of the measure, used by the index (the reader's "Similar entries") and by
``check`` ("consider linking"), so the two always agree. An entry is described by its
title, summary and the opening of its body (:func:`profile_text`, the same text the
index stores as the entry's snippet). Its *key terms* are the words that are frequent
in it and rare in the KB (tf-idf, as Whoosh's more-like-this picks them); two entries
are similar by the cosine of their key-term weights.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import compress
from operator import mul

from kbtui.kb.model import Entry, SectionKey

SNIPPET_CHARS = 4000  # the opening of an entry's body that describes it
KEY_TERMS = 16  # words an entry asks with
FOUND_BY = 32  # words an entry is found by
MIN_ENTRIES = 20  # below this the KB's word counts say too little: use the links instead
STRONG = 0.25  # the similarity from which `check` suggests linking two entries
WORTH_SHOWING = 0.03  # under this, two entries share only a word or two
# A word in more than this share of the entries (and more than the floor, for a small
# KB) describes none of them.
_COMMON_SHARE = 0.1
_COMMON_FLOOR = 30

EXTRA_SECTIONS = frozenset({SectionKey.USE_IT_FOR, SectionKey.OPEN_QUESTIONS, SectionKey.OTHER})

_WORD = re.compile(r"\w{3,}")
# British and American spellings fold together (organising, organizing -> organizing;
# labour -> labor), as plurals do (strikes -> strike): see :func:`terms`.
_ISE = re.compile(r"is(?=(?:e|ed|es|ing|ations?|ers?)\b)")
_OUR = re.compile(r"our(?=(?:s|ed|ing|hoods?|able)?\b)")

_STOP_TEXT = """
about above after again against all also although among and another any are aren
around because been before being below between both but can cannot could did does
doing done down during each either else even ever every few for from further get
gets getting had has have having her here hers herself him himself his how however
into its itself just least less like made make makes making many may might more most
much must near need needs neither never nor not now off often once one only onto
other others our ours ourselves out over own per rather same she should since some
such than that the their theirs them themselves then there these they this those
though through thus too under until upon very via was way ways were what when where
whether which while who whom whose why will with within without would yet you your
yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def body_and_extra(entry: Entry) -> tuple[str, str]:
    """An entry's Body text, and the text of its other prose sections."""
    body = "\n\n".join(
        s.text for s in entry.sections if s.key is SectionKey.BODY and s.text.strip()
    )
    extra = "\n\n".join(s.text for s in entry.sections if s.key in EXTRA_SECTIONS)
    return body, extra


def snippet_of(body: str, extra: str) -> str:
    """The opening of an entry: its body, or its other prose when it has no body."""
    return (body or extra)[:SNIPPET_CHARS]


def profile_text(title: str, summary: str, snippet: str) -> str:
    return f"{title}\n{title}\n{summary}\n{snippet}"  # the title twice: it weighs more


def entry_profile_text(entry: Entry) -> str:
    return profile_text(entry.title, entry.summary or "", snippet_of(*body_and_extra(entry)))


def terms(text: str) -> Counter[str]:
    """How often each meaningful word (folded) occurs in ``text``."""
    folded = _OUR.sub("or", _ISE.sub("iz", text.lower()))
    counts = Counter(map(_FOLDS.__getitem__, _WORD.findall(folded)))
    counts.pop("", None)
    return counts


class _Folds(dict[str, str]):
    """word -> its folded form ("" for a word that carries no meaning), worked out once
    per word: the text's words are then folded and counted in C."""

    def __missing__(self, word: str) -> str:
        folded = "" if word in STOP_WORDS or word.isdigit() else singular(word)
        if len(self) < 500_000:  # a KB of made-up words cannot grow it without end
            self[word] = folded
        return folded


_FOLDS = _Folds()


def singular(word: str) -> str:
    """``word`` without a plural "s" (strikes -> strike; not bus, crisis, process)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Similarity:
    """Key terms of every entry of a KB, and the entries most like each other.

    Each entry keeps its :data:`KEY_TERMS` best words to ask with, and is found by its
    :data:`FOUND_BY` best (more, so that two entries sharing a word both rate highly
    meet); weights are kept in arrays, a few MB at 10,000 entries."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.slugs = list(texts)
        self.size = len(self.slugs)
        counted = [_compact(terms(text)) for text in texts.values()]
        frequency: Counter[str] = Counter()
        for words, _counts in counted:
            frequency.update(words)
        common = max(_COMMON_FLOOR, int(self.size * _COMMON_SHARE))
        idf = {word: math.log(self.size / found) for word, found in frequency.items()}
        # A word only here links to nothing; a word nearly everywhere, everything.
        matchable = {word for word, found in frequency.items() if 2 <= found <= common}
        self._keys: list[tuple[tuple[str, ...], array[float]]] = []
        self._found_by: list[tuple[tuple[str, ...], array[float]]] = []
        postings: dict[str, tuple[array[int], array[float]]] = {}
        most = max((max(counts, default=1) for _, counts in counted), default=1)
        tf = [0.0] + [1 + math.log(count) for count in range(1, most + 1)]
        # (The loops below run in C, through map: 10,000 entries hold a million words.)
        for number, (words, counts) in enumerate(counted):
            weights = list(map(mul, map(tf.__getitem__, counts), map(idf.__getitem__, words)))
            # The length of the whole entry, words it shares with none included: two
            # entries alike only in a few words out of many are not alike.
            norm = math.sqrt(sum(map(mul, weights, weights))) or 1.0
            pairs = compress(zip(weights, words, strict=True), map(matchable.__contains__, words))
            best = heapq.nlargest(FOUND_BY, pairs)
            for weight, word in best:
                docs, found = postings.setdefault(word, (array("I"), array("f")))
                docs.append(number)
                found.append(weight / norm)
            found_by = (tuple(word for _, word in best), array("f", (w / norm for w, _ in best)))
            self._found_by.append(found_by)
            self._keys.append((found_by[0][:KEY_TERMS], found_by[1][:KEY_TERMS]))
        self._postings = postings
        self._number = {slug: number for number, slug in enumerate(self.slugs)}

    @property
    def usable(self) -> bool:
        """Whether the KB is large enough for its word counts to mean something."""
        return self.size >= MIN_ENTRIES

    def key_terms(self, slug: str) -> list[str]:
        number = self._number.get(slug)
        return list(self._keys[number][0]) if number is not None else []

    def _scores(self, number: int) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        words, weights = self._keys[number]
        for word, weight in zip(words, weights, strict=True):
            docs, found = self._postings[word]
            for other, other_weight in zip(docs, found, strict=True):
                if other != number:
                    scores[other] += weight * other_weight
        return scores

    def similar(self, slug: str, limit: int = 10) -> list[tuple[str, float]]:
        """The entries most like ``slug``, best first, with their similarity (0..1)."""
        number = self._number.get(slug)
        if number is None:
            return []
        ranked = sorted(self._scores(number).items(), key=lambda item: -item[1])
        return [(self.slugs[other], score) for other, score in ranked[:limit]]

    def score(self, one: int, other: int) -> float:
        """How much ``one`` asks for what ``other`` is found by (as :meth:`similar`)."""
        found = dict(zip(*self._found_by[other], strict=True))
        words, weights = self._keys[one]
        return sum(w * found.get(word, 0.0) for word, w in zip(words, weights, strict=True))

    def strong_pairs(self, threshold: float = STRONG) -> list[tuple[str, str, float]]:
        """Every pair of entries at least ``threshold`` alike both ways (the score of a
        pair is the lower of its two), each pair once, most alike first."""
        pairs: dict[tuple[int, int], float] = {}
        for number in range(self.size):
            for other, score in self._scores(number).items():
                if score < threshold or (other < number and (other, number) in pairs):
                    continue
                back = self.score(other, number)
                if back >= threshold:
                    pairs[(min(number, other), max(number, other))] = min(score, back)
        found = [(self.slugs[one], self.slugs[two], score) for (one, two), score in pairs.items()]
        return sorted(found, key=lambda pair: (-pair[2], pair[0], pair[1]))


def _compact(counts: Counter[str]) -> tuple[tuple[str, ...], array[int]]:
    """An entry's word counts as a tuple of words and an array of counts (a tenth of
    the memory of a Counter, for 10,000 entries held at once)."""
    return tuple(counts), array("I", counts.values())

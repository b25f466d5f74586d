"""Related by content: which entries say much the same things. Pure Python.

The one home of the measure, used by the index (the reader's "Similar entries") and by
``check`` ("consider linking"), so the two always agree. An entry is described by its
title, summary and the opening of its body (:func:`profile_text`, the same text the
index stores as the entry's snippet). Its *key terms* are the words that are frequent
in it and rare in the KB (tf-idf, as Whoosh's more-like-this picks them); two entries
are similar by the cosine of their key-term weights.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

from kbtui.kb.model import Entry, SectionKey

SNIPPET_CHARS = 4000  # the opening of an entry's body that describes it
KEY_TERMS = 24  # per entry
MIN_ENTRIES = 20  # below this the KB's word counts say too little: use the links instead
STRONG = 0.4  # the similarity from which `check` suggests linking two entries
_COMMON = 0.5  # a word in more than this share of the entries describes none of them

EXTRA_SECTIONS = frozenset({SectionKey.USE_IT_FOR, SectionKey.OPEN_QUESTIONS, SectionKey.OTHER})

_WORD = re.compile(r"[^\W\d_]{3,}")
# British and American spellings, and plurals, fold together (organising, organizes ->
# organiz; labour -> labor).
_ISE = re.compile(r"(?<=\w\w)is(?=(?:e|ed|es|ing|ation|ations|er|ers)\b)")
_OUR = re.compile(r"(?<=\w\w\w)our(?=(?:s|ed|ing|hood|hoods|able)?\b)")

STOP_WORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "although",
        "among",
        "and",
        "another",
        "any",
        "are",
        "aren",
        "around",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "can",
        "cannot",
        "could",
        "did",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "getting",
        "had",
        "has",
        "have",
        "having",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "into",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "like",
        "made",
        "make",
        "makes",
        "making",
        "many",
        "may",
        "might",
        "more",
        "most",
        "much",
        "must",
        "near",
        "need",
        "needs",
        "neither",
        "never",
        "nor",
        "not",
        "now",
        "off",
        "often",
        "once",
        "one",
        "only",
        "onto",
        "other",
        "others",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "rather",
        "same",
        "she",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "too",
        "under",
        "until",
        "upon",
        "very",
        "via",
        "was",
        "way",
        "ways",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)


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


def terms(text: str) -> Iterator[str]:
    """The words that carry meaning, folded."""
    folded = _OUR.sub("or", _ISE.sub("iz", text.lower()))
    for word in _WORD.findall(folded):
        if word not in STOP_WORDS:
            yield singular(word)


def singular(word: str) -> str:
    """``word`` without a plural "s" (strikes -> strike; not bus, crisis, process)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Similarity:
    """Key terms of every entry of a KB, and the entries most like each other."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        counts = {slug: Counter(terms(text)) for slug, text in texts.items()}
        self.size = len(counts)
        frequency: Counter[str] = Counter()
        for found in counts.values():
            frequency.update(found.keys())
        common = max(2, int(self.size * _COMMON))
        self._keys: dict[str, dict[str, float]] = {}
        postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for slug, found in counts.items():
            weights = {
                term: (1 + math.log(count)) * math.log(self.size / frequency[term])
                for term, count in found.items()
                if 2 <= frequency[term] <= common  # a word only here links to nothing
            }
            top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:KEY_TERMS]
            norm = math.sqrt(sum(weight * weight for _, weight in top)) or 1.0
            keys = {term: weight / norm for term, weight in top}
            self._keys[slug] = keys
            for term, weight in keys.items():
                postings[term].append((slug, weight))
        self._postings = dict(postings)

    @property
    def usable(self) -> bool:
        """Whether the KB is large enough for its word counts to mean something."""
        return self.size >= MIN_ENTRIES

    def key_terms(self, slug: str) -> list[str]:
        return list(self._keys.get(slug, {}))

    def _scores(self, slug: str) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for term, weight in self._keys.get(slug, {}).items():
            for other, other_weight in self._postings.get(term, ()):
                if other != slug:
                    scores[other] += weight * other_weight
        return scores

    def similar(self, slug: str, limit: int = 10) -> list[tuple[str, float]]:
        """The entries most like ``slug``, best first, with their similarity (0..1)."""
        ranked = sorted(self._scores(slug).items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def strong_pairs(self, threshold: float = STRONG) -> list[tuple[str, str, float]]:
        """Every pair of entries at least ``threshold`` alike, each pair once (a < b)."""
        pairs = []
        for slug in sorted(self._keys):
            for other, score in self._scores(slug).items():
                if slug < other and score >= threshold:
                    pairs.append((slug, other, score))
        return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))

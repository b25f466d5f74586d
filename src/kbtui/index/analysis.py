"""Text analysis shared by documents and queries.

Case and accents fold (``Gézi`` -> ``gezi``), British spellings map to American
ones before stemming (``organising`` and ``organizing`` index alike), and words
stem (``campaigns`` -> ``campaign``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

# Words spelled -ise that are not -ize variants: left alone.
_ISE_WORDS = frozenset(
    [
        "advertise",
        "advise",
        "anise",
        "apprise",
        "arise",
        "bruise",
        "chastise",
        "chemise",
        "circumcise",
        "clockwise",
        "comprise",
        "compromise",
        "concise",
        "cruise",
        "demise",
        "despise",
        "devise",
        "disguise",
        "enterprise",
        "excise",
        "exercise",
        "expertise",
        "franchise",
        "guise",
        "improvise",
        "incise",
        "likewise",
        "merchandise",
        "mortise",
        "noise",
        "otherwise",
        "paradise",
        "poise",
        "porpoise",
        "praise",
        "precise",
        "premise",
        "promise",
        "raise",
        "reprise",
        "revise",
        "rise",
        "supervise",
        "surmise",
        "surprise",
        "televise",
        "tortoise",
        "treatise",
        "turquoise",
        "vise",
        "wise",
    ]
)
_ISE = re.compile(r"^(\w{2,})is(e|es|ed|ing|er|ers|ation|ations|ational)$")
_OUR_STEMS = [
    "armour",
    "behaviour",
    "candour",
    "clamour",
    "colour",
    "demeanour",
    "endeavour",
    "favour",
    "flavour",
    "glamour",
    "harbour",
    "honour",
    "humour",
    "labour",
    "neighbour",
    "odour",
    "parlour",
    "rancour",
    "rigour",
    "rumour",
    "saviour",
    "savour",
    "splendour",
    "tumour",
    "valour",
    "vapour",
    "vigour",
]
_OUR = re.compile(r"^(" + "|".join(s[:-3] for s in _OUR_STEMS) + r")our(\w*)$")
_RE_WORDS = {
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "fibre": "fiber",
    "litre": "liter",
    "calibre": "caliber",
    "spectre": "specter",
    "sombre": "somber",
}
_RE = re.compile(r"^(" + "|".join(w[:-2] for w in _RE_WORDS) + r")re(s|d)?$")
_LL_STEMS = frozenset(
    [
        "cancel",
        "channel",
        "counsel",
        "dial",
        "duel",
        "equal",
        "fuel",
        "jewel",
        "label",
        "level",
        "marshal",
        "marvel",
        "model",
        "pencil",
        "quarrel",
        "rival",
        "shovel",
        "signal",
        "total",
        "travel",
        "tunnel",
    ]
)
_LL = re.compile(r"^(\w+?l)l(ed|ing|er|ers)$")
_WHOLE = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "programme": "program",
    "programmes": "programs",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "paralyse": "paralyze",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "judgement": "judgment",
    "judgements": "judgments",
    "ageing": "aging",
    "enrol": "enroll",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "grey": "gray",
    "cheque": "check",
    "mould": "mold",
    "plough": "plow",
    "sceptical": "skeptical",
    "practise": "practice",
    "practised": "practiced",
    "practising": "practicing",
}


@lru_cache(maxsize=100_000)
def american(word: str) -> str:
    """Map a lower-case British spelling to its American form (else return it unchanged)."""
    if word in _WHOLE:
        return _WHOLE[word]
    match = _ISE.match(word)
    if match and match.group(1) + "ise" not in _ISE_WORDS and not word.endswith("wise"):
        return match.group(1) + "iz" + match.group(2)
    match = _OUR.match(word)
    if match:
        return match.group(1) + "or" + match.group(2)
    match = _RE.match(word)
    if match:
        return _RE_WORDS[match.group(1) + "re"][:-2] + "er" + (match.group(2) or "")
    match = _LL.match(word)
    if match and match.group(1) in _LL_STEMS:
        return match.group(1) + match.group(2)
    return word


def american_prefix(prefix: str) -> str:
    """The American form of a word being typed, for prefix queries (``organis`` -> ``organiz``)."""
    full = american(prefix)
    if full != prefix:
        return full
    match = re.match(r"^(\w{3,})is(e|es|ed|er|ers|i|in|ing|a|at|ati|atio|ation|ations)?$", prefix)
    if match and not any(w.startswith(prefix) for w in _ISE_WORDS):
        return match.group(1) + "iz" + (match.group(2) or "")
    for stem in _OUR_STEMS:
        british = stem[:-3] + "ou"  # "labou" while "labour" is being typed
        if prefix.startswith(british) and len(prefix) >= 4:
            return stem[:-3] + "o" + prefix[len(british) :]
    return prefix


class SpellingVariantFilter(Filter):  # type: ignore[misc]
    """Rewrite British spellings to American ones so both forms meet in the index."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = american(token.text)
            yield token


_TOKENS = r"\w+(?:[.'’]\w+)*"


def strip_marks(text: str) -> str:
    """``text`` with combining marks dropped and compatibility forms spelled out.

    Decomposed accents (``e`` + U+0301, as macOS writes them), the dot of ``İ``
    (which lower-cases to ``i`` + U+0307) and ligatures (``ﬁ``) would otherwise
    split words or survive the accent map."""
    if text.isascii():
        return text
    # Only the runs of non-ASCII letters are looked at, one character at a time: as
    # taking the whole text (tested), since an ASCII letter is its own decomposition
    # and composes with no letter left once the marks are gone. An entry's few
    # accents and dashes no longer send each of its letters through Python.
    return _NON_ASCII.sub(_strip_run, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _strip_run(match: re.Match[str]) -> str:
    decomposed = unicodedata.normalize("NFKD", match.group())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


class FoldingTokenizer(RegexTokenizer):  # type: ignore[misc]
    """A regex tokenizer that reads the text with its combining marks stripped."""

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Any]:
        return super().__call__(strip_marks(value), **kwargs)  # type: ignore[no-any-return]


def folding_analyzer() -> Analyzer:
    """Tokens, lower case, accents folded, spelling variants unified (no stemming)."""
    return (
        FoldingTokenizer(_TOKENS)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | SpellingVariantFilter()
    )


def text_analyzer() -> Analyzer:
    """The analyzer for searchable prose: folding, stop words, then stemming."""
    return folding_analyzer() | StopFilter(minsize=1) | StemFilter(cachesize=50000)


PREFIX_MIN = 3  # a typed word this long is searched as a prefix
# Prefixes up to this long are indexed, one posting list each: they start the most
# words ("kor" starts thousands in a large KB, too many to read at each keystroke).
# Longer ones are few enough to search through the words they start (query.py).
PREFIX_FIELD_MAX = 5


def prefix_analyzer() -> Analyzer:
    """Splits the prefixes :func:`leading_prefixes` lists; no other analysis needed."""
    return RegexTokenizer(r"\S+")


_STOP_WORDS = StopFilter(minsize=1).stops
_stem = lru_cache(maxsize=100_000)(porter_stem)


def prose_terms(folded: list[str]) -> list[str]:
    """What :func:`text_analyzer` makes of a text, from the text's folded words
    (:func:`fold`): the same terms in the same order, stop words dropped and the rest
    stemmed. A document's fields are given these lists, so each piece of an entry is
    folded once, not once for each field it is indexed in."""
    return [_stem(word) for word in folded if word and word not in _STOP_WORDS]


def leading_prefixes(folded: list[str]) -> list[str]:
    """Each distinct folded word's leading 3 to PREFIX_FIELD_MAX letters, once each."""
    grams: set[str] = set()
    for word in set(folded):
        for size in range(PREFIX_MIN, min(len(word), PREFIX_FIELD_MAX) + 1):
            grams.add(word[:size])
    return sorted(grams)


_WORDS = re.compile(_TOKENS)


def fold(text: str) -> list[str]:
    """The folded (unstemmed) words of ``text``, as the spelling field stores them:
    what :func:`folding_analyzer` makes (tested), without a token object per word."""
    return [
        american(word.lower().translate(accent_map)) for word in _WORDS.findall(strip_marks(text))
    ]

"""Turn whatever a person types into a Whoosh query that cannot fail, and run it.

The query language is small and forgiving: words (all must match, in any field),
``"quoted phrases"``, ``field:value`` filters for ``type``, ``title`` and ``slug``,
``word~`` for a fuzzy word, and the last word is a prefix while it is being typed.
Anything else - stray quotes, brackets, operators, control characters - is just text.
"""

from __future__ import annotations

import math
import re
import weakref
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from whoosh import query, scoring
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.searching import Searcher

from kbtui.index.analysis import (
    PREFIX_FIELD_MAX,
    PREFIX_MIN,
    american_prefix,
    fold,
    strip_marks,
    text_analyzer,
)
from kbtui.index.results import SearchHit, SearchResult, Segment
from kbtui.index.schema import PHRASE_FIELDS, SEARCH_FIELDS
from kbtui.index.snippets import make_snippet
from kbtui.index.spelling import Vocabulary

MAX_QUERY_CHARS = 500
MAX_WORDS = 16
_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_FILTER_FIELDS = {"type", "title", "slug"}
_TYPE_ALIASES = {
    "concepts": "concept",
    "case": "case-study",
    "cases": "case-study",
    "case-studies": "case-study",
    "casestudy": "case-study",
    "sources": "source",
    "paths": "path",
}


@dataclass(frozen=True)
class ParsedQuery:
    query: query.Query | None
    words: tuple[str, ...]
    stems: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    narrowed: bool = False  # some common terms were left out (see run)
    types: tuple[str, ...] = ()  # the types asked for with type:


_analyzer = text_analyzer()


class _Or(query.Or):  # type: ignore[misc]
    """Or with Whoosh's binary tree of union matchers, always.

    On small indexes Whoosh picks a pre-loading matcher that fills a 2,048-slot
    array per clause and segment: most of a query's time on a 1,000-entry KB."""

    matcher_type = query.Or.DEFAULT_MATCHER


COMPLETIONS = "words*"  # for common(): the entries with a word that starts so


class RememberedLengths(scoring.BM25F):  # type: ignore[misc]
    """Whoosh's BM25F, scoring with each document's field length remembered once read.

    BM25 asks for the length of the field in every document it scores, and Whoosh
    reads each from the segment's file: a third of a prefix search's time, asked again
    at each keystroke for the same documents. Remembered per segment and field (four
    bytes a document), the scores are the same."""

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf)
        if hasattr(scorer, "dfl"):
            scorer.dfl = _field_lengths(searcher.reader(), fieldname)
        return scorer


_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, array[int]]] = weakref.WeakKeyDictionary()
_UNREAD = -1


def _field_lengths(reader: Any, fieldname: str) -> Callable[[int], int]:
    """``reader``'s length of ``fieldname`` in a document (as BM25F asks for it: 1
    when it has none), each read once. What is kept refers to no reader, so it goes
    when the reader does."""
    kept = _LENGTHS.setdefault(reader, {})
    known = kept.get(fieldname)
    if known is None:
        known = kept[fieldname] = array("i", [_UNREAD]) * reader.doc_count_all()
    count = len(known)

    def length_of(docnum: int) -> int:
        length = known[docnum] if 0 <= docnum < count else _UNREAD
        if length == _UNREAD:
            length = reader.doc_field_length(docnum, fieldname, 1)
            if length is not None and 0 <= docnum < count:
                known[docnum] = length
        return length

    return length_of


_COUNTS: weakref.WeakKeyDictionary[Any, dict[str, Counter[int]]] = weakref.WeakKeyDictionary()
_COUNTS_KEPT = 16  # prefixes remembered per reader (a reader is the index as it was)


def completion_counts(reader: Any, prefix: str) -> Counter[int]:
    """For each document (of ``reader``) with a word that starts with ``prefix``, how
    many such words it has: the posting lists of every completion, read as ids only.
    Remembered per reader, so a search's shortlist and its query read them once."""
    kept = _COUNTS.setdefault(reader, {})
    counts = kept.get(prefix)
    if counts is None:
        counts = Counter()
        for term in reader.expand_prefix("words", prefix):
            counts.update(reader.postings("words", term).all_ids())
        if len(kept) >= _COUNTS_KEPT:
            kept.pop(next(iter(kept)))
        kept[prefix] = counts
    return counts


def completion_frequencies(reader: Any, prefix: str) -> list[int]:
    """How many documents have each word that starts with ``prefix``."""
    return [reader.doc_frequency("words", t) for t in reader.expand_prefix("words", prefix)]


class _Completions(query.Query):  # type: ignore[misc]
    """Entries with a word that starts with ``prefix``, every completion counted, however
    many there are; an entry scores by how rare the prefix is and how many of its words start so.

    It reads the completions' posting lists when searched, so the index holds no
    prefixes of its own (which would be most of its postings and of its build time)."""

    def __init__(self, prefix: str, boost: float = 1.0) -> None:
        self.prefix = prefix
        self.boost = boost

    def __repr__(self) -> str:
        return f"_Completions({self.prefix!r}, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Completions) and (other.prefix, other.boost) == (
            self.prefix,
            self.boost,
        )

    def __hash__(self) -> int:
        return hash((_Completions, self.prefix, self.boost))

    def estimate_size(self, ixreader: Any) -> int:
        return sum(completion_frequencies(ixreader, self.prefix))

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        counts = completion_counts(reader, self.prefix)
        if not counts:
            return NullMatcher()
        # Weighed as BM25 weighs a term: rarer prefixes count for more, and more
        # completions in an entry for more, saturating (k1 = 1.2).
        total = max(1, reader.doc_count_all())
        idf = math.log(1 + (total - len(counts) + 0.5) / (len(counts) + 0.5))
        ids = sorted(counts)
        weights = [self.boost * idf * counts[i] * 2.2 / (counts[i] + 1.2) for i in ids]
        return ListMatcher(ids, weights=weights)


def _stems(text: str) -> list[str]:
    return [token.text for token in _analyzer(text)]


Expander = Callable[[str, str], list[str]]
PREFIX_EXPANSIONS = 8
TITLE_PREFIX_BOOST = 2.0
# BM25 saturates term frequency, so the schema's field_boost (a repeated posting)
# lifts a title match little above one mention in a short body: boost at query time.
FIELD_BOOSTS = {"title": 3.0, "summary": 1.5}


def _word_query(
    word: str,
    prefix: bool,
    fuzzy: bool,
    marks: tuple[set[str], list[str]],
    expand: Expander | None = None,
    fuzzy_words: Callable[[str], list[str]] | None = None,
    common: Callable[[str, str], bool] | None = None,
    narrow: list[bool] | None = None,
) -> query.Query | None:
    """All the ways one typed word can match. With ``narrow`` (a flag list), terms
    found in most entries of a large KB are left out and the flag is set."""
    stems = _stems(word)
    folded = fold(word)
    marks[0].update(stems)

    def wanted(field: str, term: str) -> bool:
        if narrow is not None and common is not None and common(field, term):
            narrow[0] = True
            return False
        return True

    alternatives: list[query.Query] = [
        query.Term(name, stem, boost=FIELD_BOOSTS.get(name, 1.0))
        for name in SEARCH_FIELDS
        for stem in stems
        if wanted(name, stem)
    ]
    if fuzzy and folded:
        near = fuzzy_words(folded[0]) if fuzzy_words else []
        alternatives.extend(query.Term("words", w, boost=0.8) for w in near)
        marks[1].extend(w for w in near)
    if prefix and folded:
        typed = folded[-1]
        for candidate in sorted({typed, american_prefix(typed)}):
            marks[1].append(candidate)
            if PREFIX_MIN <= len(candidate) <= PREFIX_FIELD_MAX:
                if wanted("prefixes", candidate):
                    alternatives.append(query.Term("prefixes", candidate, boost=0.9))
            elif len(candidate) > PREFIX_FIELD_MAX and wanted(COMPLETIONS, candidate):
                alternatives.append(_Completions(candidate, boost=0.9))
            if expand is not None:
                # Titles with a word that starts so rank first, as a title match does
                # for a whole word. In a large KB a prefix that starts words in most
                # entries is first tried on titles alone (the shortlist, see run).
                for term in expand("title_words", candidate):
                    if wanted("title_words", term):
                        alternatives.append(
                            query.Term("title_words", term, boost=TITLE_PREFIX_BOOST)
                        )
    if not alternatives:
        if narrow is not None and narrow[0]:
            raise _CannotNarrow
        return None
    return _Or(alternatives)


class _CannotNarrow(Exception):
    """A word matches nothing once its common terms are left out."""


def parse(
    text: str,
    expand: Expander | None = None,
    fuzzy_words: Callable[[str], list[str]] | None = None,
    common: Callable[[str, str], bool] | None = None,
) -> ParsedQuery:
    """Build the Whoosh query for ``text``; never raises."""
    return _parse(text, expand, fuzzy_words, common, None)


def parse_narrowed(
    text: str,
    expand: Expander | None,
    fuzzy_words: Callable[[str], list[str]] | None,
    common: Callable[[str, str], bool],
) -> ParsedQuery | None:
    """``parse`` without the terms ``common`` calls common (found in most entries of a
    large KB): what is left matches where such a word is in a title or a summary that
    says little else, a shortlist that ranks first anyway. None if nothing was left
    out, or if a word would be left with nothing to match."""
    flag = [False]
    try:
        parsed = _parse(text, expand, fuzzy_words, common, flag)
    except _CannotNarrow:
        return None
    return parsed if parsed.narrowed and parsed.query is not None else None


def _parse(
    text: str,
    expand: Expander | None,
    fuzzy_words: Callable[[str], list[str]] | None,
    common: Callable[[str, str], bool] | None,
    narrow: list[bool] | None,
) -> ParsedQuery:
    typed = strip_marks(text[:MAX_QUERY_CHARS])  # "Ge\u0301zi" is one word, as Gézi is
    cleaned = "".join(c if c.isprintable() else " " for c in typed)
    must: list[query.Query] = []
    must_not: list[query.Query] = []
    words: list[str] = []
    marks: tuple[set[str], list[str]] = (set(), [])
    types: list[str] = []
    filters = 0
    tokens = list(_TOKEN.finditer(cleaned))[: MAX_WORDS * 2]
    ends_with_space = cleaned[-1:].isspace()
    for position, token in enumerate(tokens):
        negate, field, phrase, bare = token.group(1), token.group(2), token.group(3), token.group(4)
        last = position == len(tokens) - 1 and not ends_with_space and phrase is None
        if field and field.lower() in _FILTER_FIELDS:
            value = (phrase if phrase is not None else bare or "").strip().lower()
            if not value:
                continue
            name = field.lower()
            if name == "type":
                wanted_type = _TYPE_ALIASES.get(value, value)
                built: query.Query | None = query.Term("type", wanted_type)
                types.append(wanted_type)
            elif name == "slug":
                built = query.Prefix("slug", value)
            else:
                stems = _stems(value)
                built = query.And([query.Term("title", s) for s in stems]) if stems else None
            if built is not None:
                filters += 1
                (must_not if negate else must).append(built)
            continue
        raw = phrase if phrase is not None else (bare or "")
        if field is None and raw.endswith(":") and raw[:-1].lower() in _FILTER_FIELDS:
            continue  # "type:" with its value still to come: a filter, not the word "type"
        if field:  # an unknown "field:" is just more words
            raw = f"{field} {raw}"
        if phrase is not None:
            stems = _stems(raw)
            if len(stems) > 1:
                built = _Or([query.Phrase(name, stems) for name in PHRASE_FIELDS])
                marks[0].update(stems)
            elif stems:
                built = _word_query(stems[0], prefix=False, fuzzy=False, marks=marks)
            else:
                built = None
            if built is not None:
                (must_not if negate else must).append(built)
                words.extend(fold(raw))
            continue
        fuzzy = raw.endswith("~")
        for part_index, part in enumerate(re.findall(r"\w+", raw)):
            is_last = last and part_index == len(re.findall(r"\w+", raw)) - 1 and not fuzzy
            built = _word_query(
                part,
                prefix=is_last,
                fuzzy=fuzzy,
                marks=marks,
                expand=expand,
                fuzzy_words=fuzzy_words,
                common=common,
                narrow=narrow if not negate else None,
            )
            if built is not None and len(words) < MAX_WORDS:
                (must_not if negate else must).append(built)
                if not negate:
                    words.extend(fold(part))
    if not must:
        if must_not or filters:
            base: query.Query = query.Every()
        else:
            return ParsedQuery(None, (), types=tuple(types))
    else:
        base = query.And(must) if len(must) > 1 else must[0]
    if must_not:
        base = query.AndNot(base, _Or(must_not))
    return ParsedQuery(
        base,
        tuple(words),
        stems=frozenset(marks[0]),
        prefixes=tuple(marks[1]),
        narrowed=bool(narrow and narrow[0]),
        types=tuple(types),
    )


def _snippet(fields: dict[str, str], parsed: ParsedQuery) -> tuple[Segment, ...]:
    for name in ("snippet", "summary", "title"):
        segments = make_snippet(fields.get(name) or "", parsed.stems, parsed.prefixes)
        if any(matched for _, matched in segments):
            return tuple(Segment(text, matched) for text, matched in segments)
    fallback = make_snippet(fields.get("summary") or fields.get("snippet") or "", frozenset())
    return tuple(Segment(text, matched) for text, matched in fallback)


def suggest(vocabulary: Vocabulary, words: tuple[str, ...]) -> str | None:
    """A corrected query when some words are not in the KB at all."""
    fixed = [vocabulary.suggest(word) or word for word in words]
    return " ".join(fixed) if list(words) != fixed else None


def top_completions(searcher: Searcher) -> Expander:
    reader = searcher.reader()

    def expand(field: str, prefix: str) -> list[str]:
        # Shortest completions first (the word's own forms before longer words that
        # merely start with it); reading each term's frequency would cost more than
        # the search itself.
        found: list[str] = []
        for term in reader.expand_prefix(field, prefix):
            found.append(term.decode("utf-8") if isinstance(term, bytes) else str(term))
            if len(found) >= 400:
                break
        found.sort(key=lambda text: (len(text), text))
        return found[:PREFIX_EXPANSIONS]

    return expand


COMMON_SHARE = 0.25  # a prefix starting words in more entries than this is "common"
COMMON_FROM = 2000  # entries; smaller KBs always search prefixes in full


def common_terms(searcher: Searcher) -> Callable[[str, str], bool]:
    reader = searcher.reader()
    count = reader.doc_count()
    limit = COMMON_SHARE * count

    def common(field: str, term: str) -> bool:
        if count < COMMON_FROM:
            return False
        if field == COMPLETIONS:
            # The entries with any completion number at least the most frequent
            # completion's and at most all of theirs together: only in between
            # are the posting lists read.
            frequencies = completion_frequencies(reader, term)
            if not frequencies or sum(frequencies) <= limit:
                return False
            if max(frequencies) > limit:
                return True
            return bool(len(completion_counts(reader, term)) > limit)
        return bool(reader.doc_frequency(field, term) > limit)

    return common


def vocabulary_of(searcher: Searcher) -> Vocabulary:
    reader = searcher.reader()
    return Vocabulary(
        (
            term.decode("utf-8") if isinstance(term, bytes) else str(term)
            for term in reader.field_terms("words")
        ),
        lambda word: int(reader.doc_frequency("words", word)),
    )


def run(
    searcher: Searcher,
    text: str,
    limit: int = 20,
    vocabulary: Callable[[], Vocabulary] | None = None,
) -> SearchResult:
    def vocab() -> Vocabulary:
        return vocabulary() if vocabulary else vocabulary_of(searcher)

    fuzzy = "~" in text
    # Cached for this search: when the shortlist falls short the query is parsed
    # again, and the prefix completions and term counts need not be read twice.
    expand = cache(top_completions(searcher))
    near = cache(lambda word: vocab().near(word)) if fuzzy else None
    common = cache(common_terms(searcher))
    limit = max(1, limit)
    # Scoring a word found in most entries of a large KB walks thousands of postings
    # (30-45 ms at 10,000 entries). Try the shortlist without such terms first: if it
    # fills the page, those are the hits that rank first, found in ~2 ms.
    narrowed = parse_narrowed(text, expand, near, common)
    results = None
    if narrowed is not None and narrowed.query is not None:
        results = searcher.search(narrowed.query, limit=limit)
        parsed = narrowed
    if results is None or results.scored_length() < limit:  # len() would count every match
        parsed = parse(text, expand, near, common)
        if parsed.query is None:
            return SearchResult(text, ())
        results = searcher.search(parsed.query, limit=limit)
    known = _types_of(searcher)
    unknown = [t for t in parsed.types if t not in known]
    note = (
        f"There is no type “{unknown[0]}” in this KB; its types are: {', '.join(sorted(known))}."
        if unknown
        else None
    )
    hits = []
    for hit in results:
        fields = hit.fields()
        hits.append(
            SearchHit(
                slug=fields["slug"],
                title=fields.get("title") or fields["slug"],
                type=fields.get("type") or "concept",
                score=round(float(hit.score or 0.0), 4),
                snippet=_snippet(fields, parsed),
            )
        )
    suggestion = suggest(vocab(), parsed.words) if not hits and parsed.words else None
    if suggestion is not None and not _finds_any(searcher, suggestion, expand, near, common):
        suggestion = None  # "did you mean" only offers what then finds entries
    return SearchResult(
        text, tuple(hits), total=results.scored_length(), suggestion=suggestion, note=note
    )


def _finds_any(
    searcher: Searcher,
    text: str,
    expand: Expander,
    near: Callable[[str], list[str]] | None,
    common: Callable[[str, str], bool],
) -> bool:
    parsed = parse(text, expand, near, common)
    return parsed.query is not None and searcher.search(parsed.query, limit=1).scored_length() > 0


def _types_of(searcher: Searcher) -> set[str]:
    """The entry types this index holds (the ``type`` field's terms)."""
    return {
        term.decode("utf-8") if isinstance(term, bytes) else str(term)
        for term in searcher.reader().field_terms("type")
    }

"""Snippets look only at the words that can match: every word that matches a query
is among the candidates the scan finds, and the snippets are those of a scan of
every word (the same windows, the same marks)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.index import snippets
from kbtui.index.snippets import HEAD, _matches, candidates, make_snippet

WORDS = [
    "Organising",
    "ORGANIZE",
    "campaign",
    "Gézi",
    "Ge\u0301zi",
    "or",
    "d'or",
    "U.S.",
    "foo.org",
    "ﬁeld",
    "İstanbul",
    "K\u212a",
    "strike’s",
    "3.5",
    "_org",
    "Ørg",
    "organ",
]
TERMS = [
    (frozenset({"organ"}), ("organiz",)),
    (frozenset({"gezi"}), ()),
    (frozenset({"or", "strike"}), ("fie",)),
    (frozenset({"k"}), ("istan", "ørg")),
    (frozenset(), ("3.5", "org")),
]


def _heads(stems: frozenset[str], prefixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(term[:HEAD] for term in (*stems, *prefixes))


def _matching_words(
    text: str, stems: frozenset[str], prefixes: tuple[str, ...]
) -> list[tuple[int, int]]:
    heads = _heads(stems, prefixes)
    memo: dict[str, bool] = {}
    return [
        found.span()
        for found in snippets._WORD.finditer(text)
        if _matches(found.group(), stems, prefixes, memo, heads)
    ]


def _by_every_word(text: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> object:
    """make_snippet as it would be with every word of the text a candidate."""
    real = snippets.candidates
    snippets.candidates = lambda text, heads: snippets._WORD.finditer(text)
    try:
        return make_snippet(text, stems, prefixes)
    finally:
        snippets.candidates = real


texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=8)),
    max_size=30,
).map(lambda parts: " ".join(parts))


def _check_candidates(text: str, terms: tuple[frozenset[str], tuple[str, ...]]) -> None:
    stems, prefixes = terms
    found = {match.span() for match in candidates(text, _heads(stems, prefixes))}
    assert set(_matching_words(text, stems, prefixes)) <= found


def _check_snippet(text: str, terms: tuple[frozenset[str], tuple[str, ...]]) -> None:
    stems, prefixes = terms
    assert make_snippet(text, stems, prefixes) == _by_every_word(text, stems, prefixes)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(TERMS))
def test_every_matching_word_is_a_candidate(
    text: str, terms: tuple[frozenset[str], tuple[str, ...]]
) -> None:
    _check_candidates(text, terms)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(TERMS))
def test_snippets_are_those_of_a_scan_of_every_word(
    text: str, terms: tuple[frozenset[str], tuple[str, ...]]
) -> None:
    _check_snippet(text, terms)


@pytest.mark.parametrize("text", [" ".join(WORDS), "x" * 3000 + " organising", "Ørganise ørg"])
@pytest.mark.parametrize("terms", TERMS)
def test_known_words(text: str, terms: tuple[frozenset[str], tuple[str, ...]]) -> None:
    _check_snippet(text, terms)
    _check_candidates(text, terms)


def test_a_text_without_a_candidate_is_not_scanned_word_by_word() -> None:
    text = "nothing here starts like the query " * 60
    heads = frozenset({"org"})
    assert list(candidates(text, heads)) == []
    assert re.search("org", text) is None

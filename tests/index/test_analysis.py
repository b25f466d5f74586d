"""Text analysis: case and accent folding, British/American spellings, stemming.

The same analysis runs on documents and on queries, so each rule is checked both
on the analyzers themselves and end to end through a small index.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.index import KBIndex
from kbtui.index.analysis import (
    PREFIX_FIELD_MAX,
    PREFIX_MIN,
    american,
    american_prefix,
    fold,
    folding_analyzer,
    leading_prefixes,
    prose_terms,
    strip_marks,
    text_analyzer,
)
from tests.conftest import write_kb


def stems(text: str) -> list[str]:
    return [token.text for token in text_analyzer()(text)]


# -- case and accents ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Gézi Parkı", "gezi parki"),
        ("Madríd", "madrid"),
        ("MADRÍD", "madrid"),
        ("Ünïcödé Çafé", "unicode cafe"),
        ("São Paulo", "sao paulo"),
        ("Łódź", "lodz"),
        ("İstanbul", "istanbul"),  # Turkish capital I with a dot: lower() adds U+0307
        ("ŞİŞLİ", "sisli"),
        ("Ge\u0301zi Madri\u0301d", "gezi madrid"),  # decomposed accents (NFD, as macOS writes)
        ("ﬁnance", "finance"),  # a ligature
    ],
)
def test_case_and_accents_fold(written: str, typed: str) -> None:
    assert fold(written) == typed.split()
    assert stems(written) == stems(typed)


def test_decomposed_accent_does_not_split_a_word() -> None:
    assert fold("Ge\u0301zi") == ["gezi"]
    assert len(stems("Ge\u0301zi Parkı")) == 2


def test_folding_keeps_words_that_differ() -> None:
    assert fold("Gézi") != fold("Gaza")
    assert stems("resume") == stems("résumé")  # accents fold away: one word
    assert stems("campaign") != stems("champagne")


# -- British and American spellings ----------------------------------------------------

PAIRS = [
    ("organising", "organizing"),
    ("organise", "organize"),
    ("organised", "organized"),
    ("organiser", "organizer"),
    ("organisers", "organizers"),
    ("organisation", "organization"),
    ("organisations", "organizations"),
    ("mobilisation", "mobilization"),
    ("mobilise", "mobilize"),
    ("mobilising", "mobilizing"),
    ("behaviour", "behavior"),
    ("behaviours", "behaviors"),
    ("behavioural", "behavioral"),
    ("labour", "labor"),
    ("labourers", "laborers"),
    ("neighbourhood", "neighborhood"),
    ("neighbourhoods", "neighborhoods"),
    ("neighbour", "neighbor"),
    ("colour", "color"),
    ("centre", "center"),
    ("defence", "defense"),
    ("travelled", "traveled"),
    ("programme", "program"),
    ("analyse", "analyze"),
]


@pytest.mark.parametrize(("british", "american_form"), PAIRS)
def test_british_and_american_spellings_meet(british: str, american_form: str) -> None:
    assert american(british) == american_form
    assert american(american_form) == american_form  # already American: unchanged
    assert fold(british) == fold(american_form)  # the unstemmed spelling field
    assert stems(british) == stems(american_form)  # the stemmed prose fields
    assert stems(british.capitalize()) == stems(american_form.upper())


@pytest.mark.parametrize(
    "word",
    [
        "promise",
        "exercise",
        "advise",
        "advertise",
        "otherwise",
        "likewise",
        "surprise",
        "compromise",
        "enterprise",
        "franchise",
        "noise",
        "rise",
        "wise",
        "hour",
        "four",
        "tour",
        "our",
        "pour",
        "called",
        "fuel",
        "genre",
    ],
)
def test_words_that_only_look_british_are_left_alone(word: str) -> None:
    assert american(word) == word


def test_spelling_is_unified_before_stemming() -> None:
    # "organising" and "organizing" share one stem, distinct from "organ".
    assert stems("organising") == stems("organizing") == ["organiz"]
    assert stems("organ") == ["organ"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("organis", "organiz"),
        ("organisi", "organizi"),
        ("organisa", "organiza"),
        ("mobilis", "mobiliz"),
        ("mobilisa", "mobiliza"),
        ("labou", "labo"),
        ("behaviou", "behavio"),
        ("neighbou", "neighbo"),
        ("colou", "colo"),
        ("organising", "organizing"),
    ],
)
def test_a_british_word_being_typed_becomes_american(typed: str, expected: str) -> None:
    assert american_prefix(typed) == expected


@pytest.mark.parametrize("typed", ["advertis", "promis", "compromis", "campaig", "hou", "ris"])
def test_prefixes_that_are_not_british_spellings_stay(typed: str) -> None:
    assert american_prefix(typed) == typed


# -- stemming, stop words, tokens ------------------------------------------------------


def test_words_stem() -> None:
    assert stems("campaigns") == stems("campaign") == stems("Campaigning")
    assert stems("meetings") == stems("meeting")
    assert stems("volunteers") == stems("volunteer")


def test_stop_words_leave_the_prose_fields_but_not_the_spelling_field() -> None:
    assert stems("the power of the people") == stems("power people")
    assert fold("The power") == ["the", "power"]


def test_tokens_keep_inner_apostrophes_and_decimals() -> None:
    assert fold("MobLab’s 3.5% rule") == ["moblab’s", "3.5", "rule"]
    assert fold("sit-in") == ["sit", "in"]


def test_leading_prefixes() -> None:
    grams = leading_prefixes(fold("Campaigns campaigns Gézi at"))
    assert len(grams) == len(set(grams))  # each once
    assert set(grams) == {"cam", "camp", "campa", "gez", "gezi"}
    assert all(PREFIX_MIN <= len(gram) <= PREFIX_FIELD_MAX for gram in grams)


def test_analysis_never_raises_on_odd_text() -> None:
    for text in ["", " ", "\x00\x1b[31m", "🔥🔥", "'''", "’’’", "\u0301\u0301", "x" * 5000]:
        assert isinstance(stems(text), list)
        assert isinstance(fold(text), list)
        assert isinstance(leading_prefixes(fold(text)), list)
        assert isinstance(prose_terms(fold(text)), list)


ODD_TEXTS = [
    "The organisers' Gézi campaigns, İstanbul; ﬁle the colour-ful cheque.\x00 at a rally",
    "Ge\u0301zi Madri\u0301d, Straße, Æsir, œuvre: the theatre's labour of love",
    "a an the of TBD tbd",
    "MobLab’s 3.5% rule — sit-in, door-knocking, 1,200 people",
    "\u200f\u202eevil\u202c text\x1b[31m red",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_documents_are_given_the_terms_the_analyzers_make(text: str) -> None:
    # document_for folds each piece once and hands the fields their terms: they must
    # be what the fields' analyzers (and so a query's) make of the same text.
    assert prose_terms(fold(text)) == stems(text)
    assert fold(text) == [token.text for token in folding_analyzer()(text)]


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_is_given_the_terms_the_analyzers_make(text: str) -> None:
    assert prose_terms(fold(text)) == stems(text)


# -- end to end: documents and queries analysed alike ----------------------------------

KB = {
    "gezi.md": "# Gézi Parkı\n\n## Summary\nA protest camp. It grew.\n",
    "nfd.md": "# Ge\u0301zi notes\n\n## Summary\nWritten on a Mac in Madri\u0301d. Decomposed.\n",
    "turkey.md": "# Marches in İSTANBUL\n\n## Summary\nStreet marches. Many.\n",
    "uk.md": "# Organising in Leeds\n\n## Summary\nNeighbourhood mobilisation and labour "
    "behaviour. British.\n",
    "us.md": "# Organizing in Ohio\n\n## Summary\nNeighborhood mobilization and labor "
    "behavior. American.\n",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBIndex]:
    root = write_kb(tmp_path_factory.mktemp("analysis") / "kb", KB)
    kb_index = KBIndex(root, cache_root=tmp_path_factory.mktemp("analysis-cache"))
    kb_index.sync()
    yield kb_index
    kb_index.close()


def found(index: KBIndex, text: str) -> set[str]:
    return {hit.slug for hit in index.search(text).hits}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gezi", {"gezi", "nfd"}),
        ("GEZI ", {"gezi", "nfd"}),
        ("Gézi", {"gezi", "nfd"}),
        ("Ge\u0301zi", {"gezi", "nfd"}),
        ("parki", {"gezi"}),
        ("madrid", {"nfd"}),
        ("Madríd ", {"nfd"}),
        ("istanbul", {"turkey"}),
        ("İstanbul", {"turkey"}),
    ],
)
def test_index_folds_case_and_accents(index: KBIndex, typed: str, expected: set[str]) -> None:
    assert found(index, typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "organising",
        "organizing",
        "neighbourhood ",
        "neighborhood ",
        "mobilisation",
        "mobilization",
        "labour ",
        "labor ",
        "behaviour",
        "behavior",
        "Neighbourhood Mobilization",
    ],
)
def test_index_meets_both_spellings(index: KBIndex, typed: str) -> None:
    assert found(index, typed) == {"uk", "us"}


def test_snippet_marks_the_other_spelling(index: KBIndex) -> None:
    hits = {hit.slug: hit for hit in index.search("neighborhood ").hits}
    assert "[Neighbourhood]" in hits["uk"].snippet_marked()
    assert "[Neighborhood]" in hits["us"].snippet_marked()


def test_snippet_marks_decomposed_and_dotted_words(index: KBIndex) -> None:
    nfd = next(hit for hit in index.search("madrid").hits if hit.slug == "nfd")
    marked = [segment.text for segment in nfd.snippet if segment.match]
    assert [fold(text) for text in marked] == [["madrid"]]
    turkey = index.search("istanbul ").hits[0]
    assert [s.text for s in turkey.snippet if s.match] == ["İSTANBUL"]


def _marks_stripped_whole(text: str) -> str:
    """strip_marks as defined: the whole text decomposed, marks dropped, recomposed."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


MARKED = [
    "Ge\u0301zi Park",  # a decomposed accent after an ASCII letter
    "İstanbul ﬁeld ＡＢＣ ½",  # a dotted capital, a ligature, full width, a fraction
    "한국어 노동조합",  # Hangul: decomposed to jamo, then composed again
    "\u0b95\u0bc6\u0bbe",  # a Tamil vowel sign in two parts, composed to one (class 0)
    "\u1100\u1161\u11a8 x\u1100",  # Hangul jamo apart, composed to a syllable
    "\u0301\u0327a\u0308\u0323",  # marks in the wrong order, before any letter
    "e\u0301\u0301\u0301 x\u20dd",
]


@pytest.mark.parametrize("text", MARKED)
def test_marks_are_stripped_as_from_the_whole_text(text: str) -> None:
    assert strip_marks(text) == _marks_stripped_whole(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_has_its_marks_stripped_as_from_the_whole_text(text: str) -> None:
    assert strip_marks(text) == _marks_stripped_whole(text)

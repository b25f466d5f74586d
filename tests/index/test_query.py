"""Queries: forgiving parsing, search-as-you-type, filters, suggestions, snippets, ranking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kbtui.index import KBIndex, SearchHit, SearchResult, Segment
from kbtui.index.analysis import fold
from kbtui.index.query import parse
from tests.conftest import write_kb

KB = {
    "strategic-campaigns.md": (
        "# Strategic campaigns\n\n## Summary\nHow a campaign picks a target, sets demands and "
        "escalates step by step.\n\n## Body\nA campaign has a clear target: the person who "
        "can give you what you want. Plan the escalation before the first action.\n"
    ),
    "one-to-ones.md": (
        "# One-to-one meetings\n\n## Summary\nRelational meetings build trust between two "
        "people.\n\n## Body\nOrganizers hold many one-to-ones before any campaign begins; "
        "it is slow work that pays off.\n"
    ),
    "relational-organising.md": (
        "Summary\nOrganising through relationships rather than lists.\n"
        "Body\nRelational organising changes behaviour one neighbourhood at a time. "
        "Labour unions used it for mobilisation long before the internet.\n"
        "Related\n- one-to-ones\n"
    ),
    "distributed-organizing.md": (
        "# Distributed organizing\n\n## Summary\nMany volunteers act at once with light "
        "coordination.\n\n## Body\nThe labor movement and neighborhood groups share a "
        "behavior: mobilization through volunteers who recruit volunteers.\n"
    ),
    "case-studies/gezi-park.md": (
        "# Gézi Parkı occupation\n\n## Summary\nA sit-in in İstanbul grew into a national "
        "protest in 2013.\n\n## Body\nTents, libraries and kitchens appeared in the park "
        "within days.\n"
    ),
    "case-studies/madrid-tenants.md": (
        "# Sindicato de Inquilinas de Madríd\n\n## Summary\nA tenants union that bargains "
        "with landlords collectively.\n\n## Body\nRent strikes and eviction defence in "
        "Madríd neighbourhoods.\n"
    ),
    "sources/rules-for-radicals.md": (
        "# Rules for Radicals\n\n## Summary\nAlinsky's handbook on power and tactics.\n\n"
        "## Body\nThe classic text on building people's organizations.\n"
    ),
    "paths/first-session.md": (
        "# First training session\n\nAn evening for new volunteers.\n\n"
        "1. one-to-ones — pair people up.\n2. strategic-campaigns\n"
    ),
}
SLUGS = {path[: -len(".md")] for path in KB}
CASES = {"case-studies/gezi-park", "case-studies/madrid-tenants"}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBIndex]:
    root = write_kb(tmp_path_factory.mktemp("query") / "kb", KB)
    kb_index = KBIndex(root, cache_root=tmp_path_factory.mktemp("query-cache"))
    assert kb_index.sync().added == len(KB)
    yield kb_index
    kb_index.close()


def slugs(index: KBIndex, text: str, limit: int = 20) -> list[str]:
    return [hit.slug for hit in index.search(text, limit=limit).hits]


def check_result(result: SearchResult, text: str, limit: int) -> None:
    """What every result must look like, whatever was typed."""
    assert isinstance(result, SearchResult)
    assert result.query == text
    assert isinstance(result.hits, tuple) and len(result.hits) <= limit
    assert result.total >= len(result.hits)
    found = [hit.slug for hit in result.hits]
    assert len(found) == len(set(found)) and set(found) <= SLUGS
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    for hit in result.hits:
        assert isinstance(hit, SearchHit) and hit.title and hit.type
        assert all(isinstance(s, Segment) and isinstance(s.text, str) for s in hit.snippet)
        assert "\n" not in hit.snippet_text
    if result.hits:
        assert result.suggestion is None
    assert result.suggestion is None or (
        isinstance(result.suggestion, str) and result.suggestion.strip()
    )


# -- queries that must never fail ------------------------------------------------------

NASTY = [
    "",
    " ",
    "   \t  ",
    '"',
    '"unbalanced quote',
    'unbalanced" quote',
    '""',
    '"""',
    "(((",
    ")))",
    "(campaign",
    "campaign)",
    "[source: x]",
    "{}",
    "*",
    "**",
    "camp*",
    "?",
    "~",
    "campaign~~",
    "~campaign",
    "^2",
    "campaign^",
    "title:",
    "type:",
    "slug:",
    "title:type:slug:",
    "type:type:",
    ":",
    "::::",
    "AND",
    "OR",
    "NOT",
    "OR NOT",
    "AND OR NOT (",
    "campaign AND",
    "NOT campaign",
    "-",
    "--",
    "-campaign",
    "- -",
    "+campaign",
    "campaign TO trust",
    "[a TO z]",
    "\\",
    "\\\\\\",
    "/",
    "slug:../../etc/passwd",
    "x" * 5000,
    "campaign " * 600,
    "\x00",
    "\x00campaign\x00",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x7f",
    "\u202eevil",
    "\ud7ff",
    "🔥",
    "🔥 organizing",
    "👩‍👩‍👧",
    "!!!",
    "...",
    ",;.!?",
    "'",
    "’",
    "\u0301",
    "ß",
    "日本語",
    "₀¹²",
    "e\u0301\u0301\u0301",
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_queries_never_raise(index: KBIndex, text: str) -> None:
    check_result(index.search(text, limit=5), text, 5)


def test_nasty_queries_still_find_what_they_can(index: KBIndex) -> None:
    assert "strategic-campaigns" in slugs(index, "(campaign")
    assert "strategic-campaigns" in slugs(index, '"campaign')
    assert "strategic-campaigns" in slugs(index, "\x00campaign\x00")
    assert "distributed-organizing" in slugs(index, "🔥 organizing")
    assert slugs(index, "campaign AND ") == slugs(index, "campaign ")  # AND: just a stop word
    assert slugs(index, "") == [] and slugs(index, "!!!") == [] and slugs(index, "*") == []


PIECES = [
    '"', "'", "(", ")", "[", "]", "{", "}", "*", "?", "~", "^", ":", "-", "+", "\\",
    "/", "&", "|", "!", "AND", "OR", "NOT", "TO", "title:", "type:", "slug:", "type:cases",
    "camp", "campaign", "gezi", "organis", "madríd", " ", "  ", "\t", "\n", "\x00",
    "\x1b[31m", "🔥", "👩‍👩‍👧", "İ", "\u0301", "日本", "ß", "ﬁ", "\u202e", "…", "5", "3.5",
]  # fmt: skip

queries = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=12).map(" ".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, limit=st.integers(min_value=1, max_value=25))
def test_any_query_never_raises(index: KBIndex, text: str, limit: int) -> None:
    check_result(index.search(text, limit=limit), text, limit)


@settings(max_examples=150, deadline=None)
@given(text=queries)
def test_parse_never_raises(text: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed.words, tuple)
    assert len(parsed.words) <= 16


# -- search-as-you-type ----------------------------------------------------------------


def test_the_last_word_is_a_prefix(index: KBIndex) -> None:
    assert "strategic-campaigns" in slugs(index, "camp")
    assert "strategic-campaigns" in slugs(index, "Camp")
    assert "strategic-campaigns" in slugs(index, "target camp")
    assert slugs(index, "gez") == ["case-studies/gezi-park"]
    assert slugs(index, "neighbou")  # neighbourhood, being typed the British way
    assert set(slugs(index, "organis")) >= {"relational-organising", "distributed-organizing"}


def test_a_trailing_space_ends_the_prefix(index: KBIndex) -> None:
    assert slugs(index, "camp ") == []
    assert slugs(index, "camp\t") == []
    assert slugs(index, "gez ") == []
    assert slugs(index, "campaign ")  # a whole word still matches


def test_only_the_last_word_is_a_prefix(index: KBIndex) -> None:
    assert slugs(index, "camp target") == []  # "camp" is finished: no such word
    assert "strategic-campaigns" in slugs(index, "target camp")


def test_words_must_all_match(index: KBIndex) -> None:
    assert slugs(index, "campaign trust ") == ["one-to-ones"]
    assert slugs(index, "campaign kitchens ") == []


def test_quoted_phrases_and_negation(index: KBIndex) -> None:
    assert slugs(index, '"relational meetings"') == ["one-to-ones"]
    assert slugs(index, '"meetings relational"') == []
    assert "one-to-ones" not in slugs(index, "campaign -trust")
    assert "strategic-campaigns" in slugs(index, "campaign -trust")


def test_fuzzy_word(index: KBIndex) -> None:
    assert "strategic-campaigns" in slugs(index, "campain~")
    assert "case-studies/gezi-park" in slugs(index, "gezo~")
    assert slugs(index, "campain ") == []  # without the tilde a misspelling finds nothing


def test_accents_and_spellings_in_queries(index: KBIndex) -> None:
    assert slugs(index, "gezi")[0] == "case-studies/gezi-park"
    assert slugs(index, "ISTANBUL ")[0] == "case-studies/gezi-park"
    assert slugs(index, "madrid") == ["case-studies/madrid-tenants"]
    assert set(slugs(index, "organizing ")) == {"relational-organising", "distributed-organizing"}
    assert set(slugs(index, "organising ")) == {"relational-organising", "distributed-organizing"}
    assert set(slugs(index, "labour ")) == {"relational-organising", "distributed-organizing"}
    assert "case-studies/madrid-tenants" in slugs(index, "defense ")


# -- field filters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["type:case-study", "type:cases", "type:case", "type:case-studies", "type:casestudy",
     "TYPE:Case-Study", 'type:"case-study"'],
)  # fmt: skip
def test_type_filter_and_its_aliases(index: KBIndex, text: str) -> None:
    assert set(slugs(index, text)) == CASES


def test_type_filters(index: KBIndex) -> None:
    assert (
        slugs(index, "type:source")
        == slugs(index, "type:sources")
        == ["sources/rules-for-radicals"]
    )
    assert slugs(index, "type:paths") == ["paths/first-session"]
    concepts = {"strategic-campaigns", "one-to-ones", "relational-organising"}
    assert set(slugs(index, "type:concepts")) == concepts | {"distributed-organizing"}
    assert slugs(index, "type:nonsense") == []
    assert slugs(index, "type:cases madrid") == ["case-studies/madrid-tenants"]
    assert slugs(index, "madrid type:cases") == ["case-studies/madrid-tenants"]
    assert slugs(index, "type:source campaign") == []
    assert set(slugs(index, "-type:case-study protest")) == set()
    everything_else = SLUGS - CASES
    assert set(slugs(index, "-type:cases")) == everything_else


def test_filter_results_carry_a_snippet_without_marks(index: KBIndex) -> None:
    hit = index.search("type:source").hits[0]
    assert hit.snippet_text.startswith("Alinsky's handbook")
    assert not any(segment.match for segment in hit.snippet)


def test_title_and_slug_filters(index: KBIndex) -> None:
    assert slugs(index, "title:campaigns") == ["strategic-campaigns"]
    assert slugs(index, "title:target") == []  # only in the summary and body
    assert set(slugs(index, "slug:case-studies/")) == CASES
    assert slugs(index, "slug:case-studies/gez") == ["case-studies/gezi-park"]
    assert slugs(index, "unknown:campaign ") == slugs(index, "unknown campaign ")


# -- suggestions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("campain", "campaign"),
        ("campain ", "campaign"),
        ("Campain", "campaign"),
        ("relatoinal meetngs", "relational meetings"),
        ("escalashun ", None),  # too far from anything
        ("zzqqxx", None),
    ],
)
def test_did_you_mean(index: KBIndex, typed: str, suggested: str | None) -> None:
    result = index.search(typed)
    assert result.hits == ()
    assert result.suggestion == suggested


def test_no_suggestion_when_something_matches(index: KBIndex) -> None:
    result = index.search("campaign")
    assert result.hits and result.suggestion is None


VOCABULARY = sorted(
    {word for text in KB.values() for word in fold(text) if word.isalpha() and len(word) >= 2}
)


@st.composite
def typos(draw: st.DrawFn) -> str:
    word = list(draw(st.sampled_from(VOCABULARY)))
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, max(0, len(word) - 1)))
        letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
        kind = draw(st.sampled_from(["drop", "add", "swap"]))
        if kind == "drop" and len(word) > 1:
            del word[at]
        elif kind == "add":
            word.insert(at, letter)
        else:
            word[at] = letter
    return "".join(word) + draw(st.sampled_from(["", " "]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=typos())
def test_a_suggestion_finds_something(index: KBIndex, text: str) -> None:
    result = index.search(text)
    assume(not result.hits and result.suggestion)
    assert result.suggestion is not None
    assert index.search(result.suggestion).hits, f"{text!r} -> {result.suggestion!r}"


# -- snippets --------------------------------------------------------------------------


def marked(hit: SearchHit) -> list[str]:
    return [segment.text for segment in hit.snippet if segment.match]


def test_snippets_mark_matched_words(index: KBIndex) -> None:
    hit = index.search("volunteer ").hits[0]
    assert hit.slug == "distributed-organizing"
    assert marked(hit) == ["volunteers", "volunteers"]
    assert "[volunteers] who recruit [volunteers]" in hit.snippet_marked()
    assert hit.snippet_text == "".join(segment.text for segment in hit.snippet)


def test_snippets_mark_prefixes_spellings_and_accents(index: KBIndex) -> None:
    assert "campaign" in [w.lower() for w in marked(index.search("camp").hits[0])]
    by_slug = {hit.slug: hit for hit in index.search("organizing ").hits}
    assert "organising" in marked(by_slug["relational-organising"])
    assert marked(index.search("gezi").hits[0]) == ["Gézi"]
    assert marked(index.search("istanbul ").hits[0]) == ["İstanbul"]
    madrid = index.search("madrid ").hits[0]
    assert set(marked(madrid)) == {"Madríd"}


def test_snippet_is_a_window_around_the_first_match(tmp_path: Path) -> None:
    words = " ".join(f"word{number}" for number in range(150))
    root = write_kb(
        tmp_path / "kb",
        {"long.md": f"# Long\n\n## Summary\nShort summary.\n\n## Body\n{words} pangolin {words}\n"},
    )
    kb_index = KBIndex(root)
    kb_index.sync()
    hit = kb_index.search("pangolin").hits[0]
    assert marked(hit) == ["pangolin"]
    assert hit.snippet[0] == Segment("…", False) and hit.snippet[-1] == Segment("…", False)
    assert len(hit.snippet_text) <= 170
    other = kb_index.search("word3 ").hits[0]
    assert other.snippet_text.startswith("word0") and "[word3]" in other.snippet_marked()


# -- hits and ranking ------------------------------------------------------------------


def test_hits_carry_the_plain_title_and_type(index: KBIndex) -> None:
    hit = index.search("gezi").hits[0]
    assert (hit.slug, hit.title, hit.type) == (
        "case-studies/gezi-park",
        "Gézi Parkı occupation",
        "case-study",
    )
    assert index.search("organising ").hits[0].title == "Relational organising"  # from the slug
    assert index.search("type:source").hits[0].type == "source"


def test_limit_and_total(index: KBIndex) -> None:
    result = index.search("type:concepts", limit=2)
    assert len(result.hits) == 2
    assert len(index.search("type:concepts", limit=3).hits) == 3
    assert len(index.search("type:concepts", limit=50).hits) == 4
    assert len(index.search("type:concepts", limit=0).hits) == 1  # at least one


@pytest.fixture(scope="module")
def ranking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBIndex]:
    filler = " ".join(f"filler{number}" for number in range(300))
    root = write_kb(
        tmp_path_factory.mktemp("ranking") / "kb",
        {
            "title-long.md": f"# Quokka sanctuaries\n\n## Summary\nWhere they live. Long.\n\n"
            f"## Body\n{filler}\n",
            "title-plural.md": "# Quokkas everywhere\n\n## Summary\nA short one.\n\n"
            "## Body\nNothing else.\n",
            "summary.md": "# Island wildlife\n\n## Summary\nA quokka colony thrives here.\n\n"
            "## Body\nRocks and sea.\n",
            "body-short.md": "# Island notes\n\n## Summary\nNotes.\n\n## Body\nWe saw a quokka.\n",
            "body-many.md": "# Nothing much\n\n## Summary\nNothing.\n\n## Body\nquokka quokka "
            "quokka quokka\n",
        },
    )
    kb_index = KBIndex(root, cache_root=tmp_path_factory.mktemp("ranking-cache"))
    kb_index.sync()
    yield kb_index
    kb_index.close()


@pytest.mark.parametrize("text", ["quokka ", "quokka", "quokk", "quok", "Quokka"])
def test_a_title_match_ranks_above_a_body_only_match(ranking: KBIndex, text: str) -> None:
    order = slugs(ranking, text)
    assert set(order) == {"title-long", "title-plural", "summary", "body-short", "body-many"}
    assert set(order[:2]) == {"title-long", "title-plural"}, order


def test_a_summary_match_ranks_above_a_body_only_match(ranking: KBIndex) -> None:
    order = slugs(ranking, "quokka ")
    assert order[2] == "summary", order


def test_a_title_match_wins_in_a_real_sized_text(index: KBIndex) -> None:
    assert slugs(index, "campaign ")[0] == "strategic-campaigns"
    assert slugs(index, "camp")[0] == "strategic-campaigns"
    assert slugs(index, "meetings")[0] == "one-to-ones"
    assert slugs(index, "distrib")[0] == "distributed-organizing"


# -- words found in most entries of a large KB ------------------------------------------


def test_parse_narrowed_leaves_out_common_terms() -> None:
    from kbtui.index.query import parse_narrowed

    def common(field: str, term: str) -> bool:
        return field in {"summary", "content"}

    narrowed = parse_narrowed("quokka ", None, None, common)
    assert narrowed is not None and narrowed.narrowed
    assert {t.fieldname for t in narrowed.query.subqueries} == {"title"}  # type: ignore[union-attr]
    # Nothing common: no shortlist to try. Everything common: none either.
    assert parse_narrowed("quokka ", None, None, lambda f, t: False) is None
    assert parse_narrowed("quokka ", None, None, lambda f, t: True) is None
    # A negated word is never narrowed: leaving terms out of it would widen the hits.
    negated = parse_narrowed("quokka -rocks ", None, None, common)
    assert negated is not None
    assert "content:rock" in str(negated.query)


def test_a_common_word_finds_its_shortlist_first_and_falls_back_when_short(
    ranking: KBIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kbtui.index import query

    # As if "quokka" were in most bodies of a large KB.
    monkeypatch.setattr(query, "common_terms", lambda searcher: lambda f, t: f == "content")
    searched: list[str] = []
    original = query.Searcher.search

    def spy(self: object, q: object, **kwargs: object) -> object:
        searched.append(str(q))
        return original(self, q, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(query.Searcher, "search", spy)
    # The shortlist (title and summary matches) fills a page of 2: one search.
    top = ranking.search("quokka ", limit=2)
    assert {hit.slug for hit in top.hits} == {"title-long", "title-plural"}
    assert len(searched) == 1 and "content:" not in searched[0]
    # A page of 5 needs the body-only matches too: the full query runs after it.
    searched.clear()
    assert set(slugs(ranking, "quokka ", limit=5)) == {
        "title-long",
        "title-plural",
        "summary",
        "body-short",
        "body-many",
    }
    assert len(searched) == 2 and "content:" in searched[1]

"""A search result is one a person would accept, or an honest "no entries match".

Cases from the hardening issue: a long last word was matched by its first ten letters
only; in a large KB a prefix shared by many words matched titles only; and "did you
mean" offered a correction that then found nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kbtui.index import KBIndex
from kbtui.index import query as query_module
from tests.conftest import write_kb

KB = {
    "distributed-organizing.md": (
        "# Distributed organizing\n\n## Summary\nMany volunteers act at once with light "
        "coordination.\n\n## Body\nThe movement shares a behaviour: volunteers who "
        "recruit volunteers through organizations of their own.\n"
    ),
    "rules.md": (
        "# Rules for Radicals\n\n## Summary\nA handbook on power.\n\n## Body\nThe classic "
        "text on building people's organizations in a neighbourhood.\n"
    ),
    "campaigns.md": (
        "# Strategic campaigns\n\n## Summary\nPicking a target.\n\n## Body\nA campaign has "
        "a clear target and escalates.\n"
    ),
}
# Bodies in most entries share words starting "zqxsum" (none in a title): in a large
# KB that prefix is "common", the case that matched titles only.
for number in range(12):
    KB[f"shared/entry-{number:02d}.md"] = (
        f"# Entry number {number}\n\n## Summary\nA plain entry.\n\n## Body\n"
        f"Here is zqxsumb{chr(97 + number)}lo and more text.\n"
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBIndex]:
    root = write_kb(tmp_path_factory.mktemp("honest") / "kb", KB)
    kb_index = KBIndex(root, cache_root=tmp_path_factory.mktemp("honest-cache"))
    kb_index.sync()
    yield kb_index
    kb_index.close()


def slugs(index: KBIndex, text: str) -> set[str]:
    return {hit.slug for hit in index.search(text).hits}


# -- a long last word is matched in full -------------------------------------------------


def test_a_long_last_word_is_not_matched_by_its_first_ten_letters(index: KBIndex) -> None:
    assert slugs(index, "distribute") == {"distributed-organizing"}
    result = index.search("distributedqqq")
    assert result.hits == ()


def test_a_long_last_word_still_finds_what_it_starts(index: KBIndex) -> None:
    # "organizatio" is 11 letters: a prefix of "organizations" in two bodies.
    assert slugs(index, "organizatio") == {"distributed-organizing", "rules"}
    assert slugs(index, "organisatio") == {"distributed-organizing", "rules"}
    assert slugs(index, "neighbourhoo") == {"rules"}
    assert slugs(index, "distributedorganizing") == set()


# -- a prefix shared by many words in a large KB -------------------------------------------


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a KB of 2,000 entries or more: the same rule, at this KB's size."""
    monkeypatch.setattr(query_module, "COMMON_FROM", 5)


def test_a_common_prefix_finds_the_entries_whose_words_start_so(
    index: KBIndex, large: None
) -> None:
    shared = {f"shared/entry-{number:02d}" for number in range(12)}
    assert slugs(index, "zqxsumb") == shared
    # One letter fewer must not find fewer: it matched titles only, so nothing.
    assert slugs(index, "zqxsum") == shared
    assert slugs(index, "zqx") == shared


# -- "did you mean" only offers what finds something --------------------------------------


def test_did_you_mean_is_offered_only_when_it_finds_entries(index: KBIndex) -> None:
    offered = index.search("campaign volunteeers ")
    # Each word alone is in the KB (or nearly), but no entry has both: a correction
    # to "volunteers" would find nothing, so none is offered.
    assert offered.hits == ()
    assert offered.suggestion is None
    fixed = index.search("volunteeers ")
    assert fixed.hits == ()
    assert fixed.suggestion == "volunteers"
    assert index.search(fixed.suggestion).hits


def test_every_suggestion_finds_something(index: KBIndex) -> None:
    for typed in ("campain ", "organizatoins ", "radcals ", "strategc campain ", "zqxsumbq "):
        result = index.search(typed)
        if result.suggestion is not None:
            assert index.search(result.suggestion).hits, (typed, result.suggestion)


def test_at_real_size_a_shared_prefix_finds_as_much_as_a_longer_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The case as seen, without changing the rule's threshold: 2,100 entries whose
    bodies (not titles) have words starting "zqxsumb"."""
    files = {
        f"e{n:04d}.md": (
            f"# Entry {n}\n\n## Summary\nPlain.\n\n## Body\nSome zqxsumb{chr(97 + n % 26)}o text.\n"
        )
        for n in range(2100)
    }
    assert len(files) >= query_module.COMMON_FROM
    root = write_kb(tmp_path_factory.mktemp("large") / "kb", files)
    kb_index = KBIndex(root, cache_root=tmp_path_factory.mktemp("large-cache"))
    try:
        kb_index.sync()
        longer = {hit.slug for hit in kb_index.search("zqxsumb", limit=3000).hits}
        assert len(longer) == 2100
        assert {hit.slug for hit in kb_index.search("zqxsum", limit=3000).hits} == longer
        assert len(kb_index.search("zqxsumbao", limit=3000).hits) == len(
            [n for n in range(2100) if n % 26 == 0]
        )
    finally:
        kb_index.close()


def test_whether_a_long_prefix_is_common_is_decided_as_counting_says(
    index: KBIndex, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Common is "more entries than the share have a word that starts so". The most
    frequent completion alone can prove it (then no posting list is read), all
    completions' counts together can disprove it; in between the entries are counted."""
    searcher = index.ix.searcher()
    try:
        reader = searcher.reader()
        exact = {
            prefix: len(query_module.completion_counts(reader, prefix))
            > query_module.COMMON_SHARE * reader.doc_count()
            for prefix in ("entry", "zqxsumb", "organizatio", "campaig", "qqqqqq")
        }
        assert exact == {
            "entry": True,  # one completion in 12 of 15 entries
            "zqxsumb": True,  # 12 completions in one entry each
            "organizatio": False,
            "campaig": False,
            "qqqqqq": False,
        }
        counted: list[str] = []
        real = query_module.completion_counts

        def counting(reader: object, prefix: str) -> object:
            counted.append(prefix)
            return real(reader, prefix)

        monkeypatch.setattr(query_module, "completion_counts", counting)
        common = query_module.common_terms(searcher)
        assert {prefix: common(query_module.COMPLETIONS, prefix) for prefix in exact} == exact
        assert counted == ["zqxsumb"]  # the only one the bounds leave open
    finally:
        searcher.close()

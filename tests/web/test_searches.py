"""A room's searches are worked out once for everyone who asks the same query, and
never outlive a change to the KB."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kbtui.library import Library
from kbtui.web.searches import RecentSearches


class Counted:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, query: str) -> str:
        self.asked.append(query)
        return f"hits for {query} #{len(self.asked)}"


def test_a_query_asked_again_is_answered_from_the_first_search() -> None:
    searches: RecentSearches[str] = RecentSearches()
    work = Counted()
    first = searches.answer("org", work)
    assert searches.answer("org", work) == first
    assert searches.answer("or", work) != first
    assert work.asked == ["org", "or"]


def test_clearing_forgets_every_answer() -> None:
    searches: RecentSearches[str] = RecentSearches()
    work = Counted()
    searches.answer("org", work)
    searches.clear()
    assert searches.answer("org", work) == "hits for org #2"


def test_the_least_recently_asked_goes_first_when_full() -> None:
    searches: RecentSearches[str] = RecentSearches(keep=2)
    work = Counted()
    for query in ("a", "b", "a", "c"):  # "a" was asked again after "b": "b" goes
        searches.answer(query, work)
    searches.answer("a", work)
    searches.answer("b", work)
    assert work.asked == ["a", "b", "c", "b"]


def test_a_failure_is_not_kept() -> None:
    searches: RecentSearches[str] = RecentSearches()
    calls: list[str] = []

    def not_ready(query: str) -> str:
        calls.append(query)
        raise RuntimeError("the index is not ready yet")

    with pytest.raises(RuntimeError):
        searches.answer("org", not_ready)
    assert searches.answer("org", Counted()) == "hits for org #1"
    assert calls == ["org"]


def test_an_answer_found_across_a_change_is_not_kept() -> None:
    searches: RecentSearches[str] = RecentSearches()

    def changed_meanwhile(query: str) -> str:
        searches.clear()  # the KB changed while this search ran
        return "old hits"

    assert searches.answer("org", changed_meanwhile) == "old hits"
    assert searches.answer("org", Counted()) == "hits for org #1"


def test_a_search_asked_before_the_kb_changed_finds_the_new_entry(
    client: TestClient, library: Library, kb_root: Path
) -> None:
    before = client.get("/search/hits", params={"q": "zebra"})
    assert before.status_code == 200
    assert "/e/zebra-crossings" not in before.text
    (kb_root / "zebra-crossings.md").write_text(
        "# Zebra crossings\n\n## Summary\nA zebra of a campaign.\n", encoding="utf-8"
    )
    library.refresh()  # what the app's file watcher does after a change
    after = client.get("/search/hits", params={"q": "zebra"})
    assert "/e/zebra-crossings" in after.text
    page = client.get("/search", params={"q": "zebra"})
    assert "/e/zebra-crossings" in page.text


def test_the_same_search_twice_searches_the_index_once(
    client: TestClient, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    search = library.search

    def counting(text: str, limit: int = 20) -> object:
        asked.append(text)
        return search(text, limit)

    monkeypatch.setattr(library, "search", counting)
    first = client.get("/search/hits", params={"q": "organ"})
    second = client.get("/search/hits", params={"q": "organ"})
    assert first.text == second.text
    assert "/e/distributed-organizing" in first.text
    assert asked == ["organ"]

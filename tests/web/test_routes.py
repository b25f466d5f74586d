"""The reader's pages: the list, an entry with the TUI's sections, search through the
same index, reading paths, handouts, and the 4xx pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kbtui.library import Library
from kbtui.room import Room
from kbtui.web.app import build_app
from tests.conftest import write_kb


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_list_is_grouped_by_type_with_counts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = text_of(page.text)
    order = [
        text.index(f"{label} ({n})")
        for label, n in (("Reading paths", 1), ("Concepts", 3), ("Case studies", 1), ("Sources", 1))
    ]
    assert order == sorted(order)
    assert '<a href="/e/case-studies/gezi-park">Gézi Park</a>' in page.text
    assert "6 entries" in text


def test_only_entries_that_need_a_summary_are_marked_without_one(tmp_path: Path) -> None:
    # A reading path is a session plan with no Summary section (nor does check ask for
    # one); an entry without one is marked, as in the TUI's list.
    root = write_kb(
        tmp_path / "kb",
        {
            "bare.md": "# Bare\n\n## Body\nNo summary here.\n",
            "paths/plan.md": "# The plan\n\nAn intro.\n\n1. bare — 5 min — a note\n",
        },
    )
    library = Library(root)
    assert library.open_index() is not None
    with TestClient(build_app(library, Room(require_code=False))) as client:
        page = client.get("/").text
    library.close()
    rows = dict(re.findall(r'<li><a href="/e/([^"]+)">[^<]*</a>(.*?)</li>', page))
    assert "summary missing" in rows["bare"]
    assert "summary missing" not in rows["paths/plan"]


def test_an_entry_has_the_readers_sections_links_and_backlinks(client: TestClient) -> None:
    page = client.get("/e/distributed-organizing")
    assert page.status_code == 200
    html, text = page.text, text_of(page.text)
    assert "Distributed organizing" in text and "Concepts · distributed-organizing" in text
    assert "sources: 1 secondary · verified 2026-01-02 by tester" in text  # the trust line
    for heading in ("Summary", "Body", "Related", "Worked examples", "Sources &amp; verification"):
        assert f">{heading}</h2>" in html
    assert '<a href="/e/one-to-ones">One-to-ones</a>' in html  # Related, as a link
    assert '<a href="/e/case-studies/gezi-park">Gézi Park</a>' in html  # Worked examples
    assert '<span class="missing">not-here</span> <span class="detail">(not in this KB)' in html
    assert '<a href="/e/sources/moblab">moblab</a>' in html  # the citation in the body
    assert "grounding: secondary" in text and "Verified 2026-01-02 by tester" in text
    assert "Cited in this entry" in text
    backlinks = html[html.index(">Referenced by</h2>") :]
    assert 'href="/e/one-to-ones"' in backlinks and 'href="/e/case-studies/gezi-park"' in backlinks
    assert "https://example.org/page" in text and 'href="https://' not in html


def test_a_link_name_that_is_not_the_slug_redirects_to_the_entry(client: TestClient) -> None:
    moved = client.get("/e/gezi-park")
    assert moved.status_code == 307 and moved.headers["location"] == "/e/case-studies/gezi-park"
    assert client.get("/e/Case-Studies/Gezi-Park").status_code == 200


@pytest.mark.parametrize(
    ("query", "finds"),
    [("organising", "Distributed organizing"), ("gezi", "Gézi Park"), ("Organizing", "Gézi Park")],
)
def test_search_uses_the_same_index_and_analysis(
    client: TestClient, library: Library, query: str, finds: str
) -> None:
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200
    same = library.search(query)  # the TUI's search: the same hits, in the same order
    hrefs = re.findall(r'<li><a href="/e/([^"]+)">', page.text)
    assert hrefs == [hit.slug for hit in same.hits] and finds in page.text
    assert "<mark>" in page.text  # the matched words are highlighted


def test_a_misspelling_gets_did_you_mean(client: TestClient) -> None:
    page = client.get("/search/hits", params={"q": "organizng"})
    assert "Did you mean" in page.text
    assert '<a href="/search?q=organizing">organizing</a>' in page.text
    assert "<html" not in page.text  # a fragment for search as you type


def test_an_empty_search_and_a_long_one_are_fine(client: TestClient) -> None:
    assert client.get("/search").status_code == 200
    assert client.get("/search", params={"q": "x" * 5000}).status_code == 200


def test_reading_paths_list_their_steps_without_trainer_notes(client: TestClient) -> None:
    page = client.get("/paths")
    assert page.status_code == 200
    assert "First session" in page.text and 'href="/e/one-to-ones"' in page.text
    path = client.get("/e/paths/first")
    assert "Steps" in path.text and 'href="/handout/paths/first?format=html"' in path.text
    for shown in (page.text, path.text):
        assert "SECRET-NOTE" not in shown and "15 min" not in shown


@pytest.mark.parametrize("path", ["/search", "/search/hits"])
def test_search_never_shows_a_trainers_note(client: TestClient, path: str) -> None:
    # The index holds a reading path's whole text, notes and minutes too (the trainer
    # searches them in the TUI); the room's reader must not show them.
    found = client.get(path, params={"q": "room"})
    assert 'href="/e/paths/first"' in found.text  # "An intro for the room."
    assert "An intro for the <mark>room</mark>" in found.text
    for query in ("room", "secret note", "examples", "organizing", "one-to-ones", "min"):
        shown = client.get(path, params={"q": query}).text
        assert "SECRET-NOTE" not in shown and "15 min" not in shown, query
    # A word only a note holds does not find the path at all.
    only_in_a_note = client.get(path, params={"q": "practise pairs"})
    assert 'href="/e/paths/first"' not in only_in_a_note.text
    assert "Nothing found" in only_in_a_note.text


def test_a_paths_hit_shows_its_steps_by_title(client: TestClient) -> None:
    found = client.get("/search/hits", params={"q": "gezi"}).text
    hit = re.search(r'<li><a href="/e/paths/first">.*?</li>', found, re.S)
    assert hit is not None
    assert "<mark>Gézi</mark> Park" in hit.group()
    assert "case-studies" not in hit.group()


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_handouts_download_in_the_participant_edition(client: TestClient, fmt: str) -> None:
    got = client.get("/handout/paths/first", params={"format": fmt})
    assert got.status_code == 200
    assert got.headers["content-disposition"] == f'attachment; filename="first.{fmt}"'
    assert "sandbox" in got.headers["content-security-policy"]
    assert "First session" in got.text and "Participant" in got.text
    assert "SECRET-NOTE" not in got.text and "15 min" not in got.text
    entry = client.get("/handout/one-to-ones", params={"format": fmt})
    assert entry.status_code == 200 and "Listen first" in entry.text


def test_bad_requests_get_a_4xx_page_never_a_traceback(client: TestClient) -> None:
    for method, url, status in (
        ("GET", "/nowhere", 404),
        ("GET", "/e/no-such-entry", 404),
        ("GET", "/type/no-such-type", 404),
        ("GET", "/handout/one-to-ones?format=pdf", 400),
        ("GET", "/handout/no-such", 404),
        ("GET", "/static/nope.css", 404),
        ("POST", "/", 405),
        ("PUT", "/e/one-to-ones", 405),
        ("DELETE", "/search", 405),
    ):
        answer = client.request(method, url)
        assert answer.status_code == status, url
        assert answer.headers["content-type"].startswith("text/html"), url
        assert "<h1>" in answer.text and "Traceback" not in answer.text, url


def test_a_failure_inside_costs_one_page_and_the_server_keeps_running(
    client: TestClient, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(target: str) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(library, "read", broken)
    failed = client.get("/e/one-to-ones")
    assert failed.status_code == 500
    assert "keeps running" in failed.text and "Traceback" not in failed.text
    assert "disk caught fire" not in failed.text  # nothing of the inside shown
    monkeypatch.undo()
    assert client.get("/e/one-to-ones").status_code == 200


def test_every_response_carries_a_strict_content_security_policy(client: TestClient) -> None:
    for url in ("/", "/e/hostile", "/search?q=a", "/nowhere", "/static/room.js"):
        headers = client.get(url).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert headers["x-content-type-options"] == "nosniff", url

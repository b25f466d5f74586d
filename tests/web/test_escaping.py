"""KB text is data on every page: an entry with <script>, onerror= and javascript:
links shows them as text, and the only script a page has is the app's own."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from kbtui.room import Room
from tests.web.conftest import HOSTILE_TITLE

SCRIPT = "/static/room.js"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def assert_inert(html: str) -> Tags:
    """Nothing in ``html`` runs, loads or links anything from the KB's text."""
    tags = parse(html)
    for tag, attrs in tags.tags:
        assert tag not in ("iframe", "img", "object", "embed", "base", "form") or (
            tag == "form" and attrs.get("action") in ("/search", "/")
        ), tag
        if tag == "script":
            assert attrs.get("src", "").startswith(SCRIPT) and "defer" in attrs, attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            lowered = (value or "").strip().lower()
            assert not lowered.startswith(("javascript:", "data:", "vbscript:")), (tag, name)
            if name in ("href", "src", "action"):
                assert lowered.startswith(("/", "#")) and not lowered.startswith("//"), value
    return tags


def test_a_hostile_entry_is_shown_as_text(client: TestClient) -> None:
    page = client.get("/e/hostile")
    assert page.status_code == 200
    tags = assert_inert(page.text)
    text = "".join(tags.text)
    assert HOSTILE_TITLE in text  # the title, literally
    assert "<img src=x onerror=alert(1)>" in text
    assert '<a href="javascript:alert(2)">a link</a>' in text
    assert "<script>alert(3)</script>" in text
    assert "javascript:alert(4)" in text and "javascript:alert(6)" in text
    assert '<iframe src="http://evil.example"></iframe>' in text
    assert "[image: pic]" in text
    scripts = [a for t, a in tags.tags if t == "script"]
    assert len(scripts) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/type/concept",
        "/search?q=hostile",
        "/search/hits?q=alert",
        "/search?q=%3Cscript%3Ealert(9)%3C/script%3E",
        "/e/distributed-organizing",  # links to the hostile entry's neighbour
        "/e/no%3Cscript%3Ealert(1)%3C%2Fscript%3E",  # a hostile address on the 404 page
        "/handout/hostile?format=html",
    ],
)
def test_every_page_that_shows_kb_text_is_inert(client: TestClient, url: str) -> None:
    page = client.get(url)
    assert page.status_code in (200, 404)
    tags = assert_inert(page.text)
    assert "<script>alert" not in page.text.replace("&lt;script&gt;", "")
    if "hostile" in url or url == "/":
        assert HOSTILE_TITLE in "".join(tags.text)


def test_the_follow_page_and_its_events_escape_the_step(client: TestClient, room: Room) -> None:
    room.show("paths/first", 1)
    assert_inert(client.get("/follow").text)
    assert_inert(client.get("/follow/now").text)


def test_control_characters_in_a_file_are_shown_as_pictures(
    client: TestClient, kb_root: object, library: object
) -> None:
    from pathlib import Path

    from kbtui.library import Library

    assert isinstance(kb_root, Path) and isinstance(library, Library)
    (kb_root / "escapes.md").write_text(
        "# Bell\x07 and \x1b[31mred\n\n## Summary\nA \x1b]8;;http://evil\x07link and \u202ebidi.\n",
        encoding="utf-8",
    )
    library.open_index()
    page = client.get("/e/escapes")
    assert page.status_code == 200
    assert "\x1b" not in page.text and "\x07" not in page.text and "\u202e" not in page.text
    assert "␛[31m" in page.text and "␇" in page.text

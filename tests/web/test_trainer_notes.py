"""The room's reader never shows a trainer's note, on the starter KB's own reading
paths: not on the path pages, not in a handout download (either format), not on the
Follow page at any step, not in search results for the notes' own words."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kbtui.kb.model import Entry
from kbtui.library import Library
from kbtui.room import Room
from kbtui.web.app import build_app
from tests.conftest import REPO

PATHS = ("paths/first-training", "paths/one-to-ones-to-campaign-team", "paths/planning-a-campaign")


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Room, Library]]:
    place = tmp_path_factory.mktemp("starter")
    root = shutil.copytree(REPO / "kb", place / "kb")
    library = Library(Path(root), cache_root=place / "cache")
    assert library.open_index() is not None
    library.load_graph(pause=False)
    room = Room(require_code=False)
    with TestClient(build_app(library, room)) as client:
        yield client, room, library
    library.close()


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _openings(path: Entry) -> list[str]:
    """The first words of each note, as they would read on a page."""
    return [re.sub(r"\s+", " ", step.note).strip()[:40] for step in path.steps]


def _leaks(shown: str, path: Entry) -> list[str]:
    text = _text(shown)
    found = [opening for opening in _openings(path) if opening in text]
    found += [f"— {s.minutes} min —" for s in path.steps if f"— {s.minutes} min —" in text]
    return found + [w for w in ("Trainer's note", "planned:", "min in all") if w in text]


@pytest.mark.parametrize("slug", PATHS)
def test_path_pages_and_downloads_hold_no_note(
    starter: tuple[TestClient, Room, Library], slug: str
) -> None:
    client, _, library = starter
    path = library.read(slug)
    assert len(path.steps) >= 10 and all(step.note for step in path.steps)
    pages = {
        "/paths": client.get("/paths"),
        f"/e/{slug}": client.get(f"/e/{slug}"),
        "html": client.get(f"/handout/{slug}", params={"format": "html"}),
        "md": client.get(f"/handout/{slug}", params={"format": "md"}),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert _leaks(page.text, path) == [], name
    # The pages do show the steps, by title: the check above looked at the right text.
    first = library.title_of(library.resolve(path.steps[0].target)[0] or "")
    assert first and all(first in _text(p.text) for p in pages.values())


@pytest.mark.parametrize("slug", PATHS)
def test_the_follow_page_holds_no_note_at_any_step(
    starter: tuple[TestClient, Room, Library], slug: str
) -> None:
    client, room, library = starter
    path = library.read(slug)
    try:
        for step in path.steps:
            room.show(slug, step.number)
            for address in ("/follow", "/follow/now"):
                page = client.get(address).text
                assert f"step {step.number} of {len(path.steps)}" in page, address
                assert _leaks(page, path) == [], (address, step.number)
    finally:
        room.clear()


@pytest.mark.parametrize("slug", PATHS)
def test_searching_a_notes_words_shows_none_of_them(
    starter: tuple[TestClient, Room, Library], slug: str
) -> None:
    client, _, library = starter
    path = library.read(slug)
    for step in path.steps:
        words = re.findall(r"[A-Za-z]{5,}", step.note)[:3]
        page = client.get("/search/hits", params={"q": " ".join(words)}).text
        assert _leaks(page, path) == [], words

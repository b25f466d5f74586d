"""Two cases from the hardening issue: a file name that is not valid UTF-8 (it broke
search in the CLI and left the TUI saying "Search starts when the index is ready…"
for ever), and a single NUL byte among an entry's text (the entry was shown empty)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kbtui.index.store import KBIndex
from kbtui.kb.loader import scan
from kbtui.ui.app import KBApp
from tests.kb.test_hostile import kbtui, terminal_safe
from tests.ui.conftest import FIXTURE, settle
from tests.ui.test_app import (
    drawn_in,
    drive,
    main_screen,
    notices,
    open_entry,
    option_texts,
    reader,
    widget_texts,
)

CAFE = b"caf\xe9"  # Latin-1 "café": not valid UTF-8
CAFE_SLUG = os.fsdecode(CAFE)  # how Python spells it: "caf\udce9"
CAFE_TEXT = "# Meetings in a cafe\n\n## Summary\nWhere neighbours meet. Over coffee.\n"
NUL_TEXT = (
    b"# One NUL\n\n## Summary\nA summary that survives\x00 one stray byte.\n\n"
    b"## Body\nThe body is still here.\n"
)


@pytest.fixture
def named_kb(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(FIXTURE, tmp_path / "kb"))
    with open(os.path.join(os.fsencode(root), CAFE + b".md"), "w", encoding="utf-8") as handle:
        handle.write(CAFE_TEXT)
    (root / "one-nul.md").write_bytes(NUL_TEXT)
    return root


def test_scan_keeps_a_file_whose_name_is_not_utf8(named_kb: Path) -> None:
    assert CAFE_SLUG in {file.slug for file in scan(named_kb).files}


def test_an_index_holds_searches_and_updates_a_non_utf8_name(
    named_kb: Path, tmp_path: Path
) -> None:
    index = KBIndex(named_kb, tmp_path / "cache")
    index.sync()
    hits = index.search("neighbours coffee").hits
    assert [hit.slug for hit in hits] == [CAFE_SLUG]
    # Changed: one document still, with the new text.
    cafe = os.path.join(os.fsencode(named_kb), CAFE + b".md")
    with open(cafe, "a", encoding="utf-8") as handle:
        handle.write("\n## Body\nAlso about espresso.\n")
    os.utime(cafe, ns=(1, 1))
    index.sync()
    assert [hit.slug for hit in index.search("espresso").hits] == [CAFE_SLUG]
    assert [hit.slug for hit in index.search("neighbours coffee").hits] == [CAFE_SLUG]
    # Removed: gone from the index.
    os.remove(cafe)
    index.sync()
    assert not index.search("espresso").hits
    index.close()


def test_search_cli_finds_it_and_shows_the_name_safely(named_kb: Path, tmp_path: Path) -> None:
    done = kbtui("search", "neighbours", "--kb", str(named_kb))
    err = done.stderr.decode("utf-8")
    assert done.returncode == 0, err
    assert "Traceback" not in err and "could not be opened" not in err
    out = terminal_safe(done.stdout)
    assert "caf\ufffd" in out and "Meetings in a cafe" in out


def test_a_query_that_is_not_utf8_is_answered_not_a_traceback(
    named_kb: Path, tmp_path: Path
) -> None:
    done = kbtui("search", CAFE, "--kb", str(named_kb))
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "could not be opened" not in err
    assert done.returncode in (0, 1), err
    terminal_safe(done.stdout)


def test_check_says_which_name_is_not_utf8_and_how_to_fix_it(
    named_kb: Path, tmp_path: Path
) -> None:
    done = kbtui("check", "--kb", str(named_kb))
    out = terminal_safe(done.stdout)
    lines = [line for line in out.splitlines() if line.startswith("caf\ufffd.md:")]
    named = [line for line in lines if "undecodable-name" in line]
    assert len(named) == 1, out
    assert "0xE9" in named[0] and "rename" in named[0]


def test_the_tui_searches_a_kb_with_a_non_utf8_name(named_kb: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"coffee")
        await settle(pilot)
        pane = main_screen(app).pane
        seen["ready"] = pane.search_ready
        seen["status"] = drawn_in(app, pane.query_one("#status"))
        seen["notices"] = notices(app)
        seen["hits"] = option_texts(app)

    drive(named_kb, scenario, notifications=True, watch=False)
    assert seen["ready"] is True
    assert not [n for n in seen["notices"] if "could not be opened" in n]  # type: ignore[attr-defined]
    assert "1 match" in str(seen["status"]), seen["status"]
    assert any("Meetings in a cafe" in hit for hit in seen["hits"]), seen["hits"]  # type: ignore[attr-defined]


def test_one_nul_among_text_shows_the_text_with_the_nul_made_visible(
    named_kb: Path, tmp_path: Path
) -> None:
    done = kbtui("show", "one-nul", "--kb", str(named_kb))
    out = terminal_safe(done.stdout)
    assert done.returncode == 0
    assert "A summary that survives\u2400 one stray byte." in out
    assert "The body is still here." in out
    check = terminal_safe(kbtui("check", "--kb", str(named_kb)).stdout)
    mine = [line for line in check.splitlines() if line.startswith("one-nul.md:")]
    assert any("control-characters" in line for line in mine), mine
    assert not any(kind in line for line in mine for kind in ("binary", "empty-entry")), mine


def test_a_binary_file_is_still_called_binary(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "image.md").write_bytes(bytes(range(256)) * 8)
    (root / "zeros.md").write_bytes(b"# Zeros\n" + b"\x00" * 200)
    out = terminal_safe(kbtui("check", "--kb", str(root)).stdout)
    for name in ("image.md", "zeros.md"):
        assert any(line.startswith(name) and "binary" in line for line in out.splitlines())


def test_the_reader_shows_the_text_around_a_nul(named_kb: Path) -> None:
    seen: list[str] = []

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await open_entry(app, pilot, "one-nul")
        seen.extend(widget_texts(reader(app)))

    drive(named_kb, scenario, watch=False)
    text = "\n".join(seen)
    assert "The body is still here." in text
    assert "A summary that survives\u2400 one stray byte." in text


def test_the_room_lists_opens_and_hands_out_a_non_utf8_name(named_kb: Path) -> None:
    from starlette.testclient import TestClient

    from kbtui.library import Library
    from kbtui.room import Room
    from kbtui.web.app import build_app

    library = Library(named_kb)
    assert library.open_index() is not None
    with TestClient(build_app(library, Room(require_code=False))) as client:
        index = client.get("/")
        assert index.status_code == 200
        assert 'href="/e/caf%E9"' in index.text  # the file's own bytes, percent-encoded
        entry = client.get("/e/caf%E9")
        assert entry.status_code == 200 and "Meetings in a cafe" in entry.text
        hits = client.get("/search", params={"q": "coffee"})
        assert hits.status_code == 200 and 'href="/e/caf%E9"' in hits.text
        handout = client.get("/handout/caf%E9")
        assert handout.status_code == 200 and "Meetings in a cafe" in handout.text
    library.close()


def test_when_the_index_cannot_be_had_typing_a_search_says_so(
    named_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "Search starts when the index is ready…" for ever: it will not be ready."""

    def broken(self: KBIndex, *args: object, **kwargs: object) -> None:
        raise OSError("no index today")

    monkeypatch.setattr(KBIndex, "sync", broken)
    seen: dict[str, str] = {}

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"coffee")
        await settle(pilot)
        seen["status"] = drawn_in(app, main_screen(app).pane.query_one("#status"))

    drive(named_kb, scenario, watch=False)
    assert "when the index is ready" not in seen["status"]
    assert "Search is unavailable" in seen["status"], seen["status"]

"""The KB session: what every front end asks of a KB, from one object, on any thread."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kbtui.kb.outline import EntryOutline
from kbtui.library import (
    EntryUnavailable,
    GraphReady,
    IndexFailed,
    IndexProgress,
    IndexReady,
    Library,
    LibraryEvent,
    ListingChanged,
    SearchUnavailable,
)
from tests.conftest import write_kb

ENTRY = """# {title}

## Summary
{title} in two sentences. It links on.

## Body
Text about {word}, citing [source: moblab].

## Related
- {link}
"""


def small_kb(root: Path) -> Path:
    return write_kb(
        root,
        {
            "alpha.md": ENTRY.format(title="Alpha", word="organising", link="beta"),
            "beta.md": ENTRY.format(title="Beta", word="canvassing", link="alpha"),
            "case-studies/gamma.md": ENTRY.format(title="Gamma", word="strikes", link="nowhere"),
            "sources/moblab.md": ENTRY.format(title="MobLab", word="labs", link="alpha"),
        },
    )


def events_of(library: Library) -> list[LibraryEvent]:
    heard: list[LibraryEvent] = []
    library.subscribe(heard.append)
    return heard


def test_a_first_session_announces_listing_progress_readiness_and_the_graph(
    tmp_path: Path,
) -> None:
    library = Library(small_kb(tmp_path / "kb"))
    heard = events_of(library)
    assert library.cached_listing() is None  # nothing indexed yet
    report = library.open_index()
    assert report is not None and report.rebuilt
    graph = library.load_graph()
    kinds = [type(event) for event in heard]
    assert kinds[0] is IndexProgress
    assert kinds[-3:] == [ListingChanged, IndexReady, GraphReady]
    listed = next(e for e in heard if isinstance(e, ListingChanged))
    assert [o.slug for o in listed.outlines] == [
        "case-studies/gamma",
        "alpha",
        "beta",
        "sources/moblab",
    ]
    assert all(isinstance(o, EntryOutline) for o in library.outlines)
    assert library.load_graph() is graph  # loaded once


def test_a_second_session_paints_from_the_cached_listing_without_whoosh(tmp_path: Path) -> None:
    kb = small_kb(tmp_path / "kb")
    Library(kb).open_index()
    code = (
        "import sys\nfrom pathlib import Path\nfrom kbtui.library import Library\n"
        f"listing = Library(Path({str(kb)!r})).cached_listing()\n"
        "print(len(listing), 'whoosh' in sys.modules, 'mistune' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.split() == ["4", "False", "False"]


def test_links_backlinks_titles_and_reading(tmp_path: Path) -> None:
    library = Library(small_kb(tmp_path / "kb"))
    assert library.backlinks("alpha") is None  # not known until the graph is loaded
    library.open_index()
    library.load_graph()
    assert library.resolve("moblab") == ("sources/moblab", False)
    assert library.resolve("../etc/passwd") == (None, True)
    assert library.title_of("beta") == "Beta"
    assert {b.slug for b in library.backlinks("alpha") or ()} == {"beta", "sources/moblab"}
    missing = [r for r in library.links_of("case-studies/gamma") if r.link.target == "nowhere"]
    assert [r.resolved for r in missing] == [None]
    entry = library.read("alpha")
    assert entry.title == "Alpha" and entry.sections  # read now, in full
    with pytest.raises(EntryUnavailable, match="not an entry in this KB"):
        library.read("nowhere")
    with pytest.raises(EntryUnavailable, match="outside the KB"):
        library.read("../../etc/passwd")


def test_search_through_the_session(tmp_path: Path) -> None:
    library = Library(small_kb(tmp_path / "kb"))
    with pytest.raises(SearchUnavailable):
        library.search("alpha")
    library.open_index()
    result = library.search("organizing")  # the same analysis as everywhere
    assert [hit.slug for hit in result.hits] == ["alpha"]


def test_an_entry_read_is_checked_against_the_kb_root_at_the_moment_of_reading(
    tmp_path: Path,
) -> None:
    kb = small_kb(tmp_path / "kb")
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\n## Summary\nNot for you. Really.\n", encoding="utf-8")
    library = Library(kb)
    library.open_index()
    (kb / "beta.md").unlink()
    (kb / "beta.md").symlink_to(secret)  # swapped after the listing was made
    with pytest.raises(EntryUnavailable, match="outside the KB"):
        library.read("beta")


def test_a_file_that_vanished_says_so(tmp_path: Path) -> None:
    kb = small_kb(tmp_path / "kb")
    library = Library(kb)
    library.open_index()
    (kb / "beta.md").unlink()
    with pytest.raises(EntryUnavailable, match="its file is gone"):
        library.read("beta")


def test_without_an_index_browsing_works_from_the_parsed_kb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kbtui.index.store import KBIndex

    def broken(self: KBIndex, *args: object, **kwargs: object) -> None:
        raise OSError("no index today")

    monkeypatch.setattr(KBIndex, "sync", broken)
    library = Library(small_kb(tmp_path / "kb"))
    heard = events_of(library)
    assert library.open_index() is None
    assert library.index_error == "OSError: no index today"
    library.load_graph()
    assert [type(e) for e in heard] == [IndexFailed, ListingChanged, GraphReady]
    assert len(library) == 4
    assert library.read("alpha").title == "Alpha"


def test_safe_to_share_between_threads(tmp_path: Path) -> None:
    """Searches, reads and lookups from several threads while the index syncs and the
    graph loads: no error, every answer whole."""
    kb = small_kb(tmp_path / "kb")
    library = Library(kb)
    library.open_index()
    errors: list[BaseException] = []
    go = threading.Barrier(5)

    def reader() -> None:
        go.wait()
        try:
            for _ in range(30):
                assert library.search("alpha").hits
                assert library.read("beta").title == "Beta"
                assert library.resolve("gamma")[0] == "case-studies/gamma"
        except BaseException as error:
            errors.append(error)

    def writer() -> None:
        go.wait()
        try:
            for number in range(5):
                (kb / f"new-{number}.md").write_text(
                    ENTRY.format(title=f"New {number}", word="alpha", link="alpha"),
                    encoding="utf-8",
                )
                library.open_index()
            library.load_graph()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(4)] + [
        threading.Thread(target=writer)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(library) == 9
    assert {b.slug for b in library.backlinks("alpha") or ()} >= {"new-0", "new-4"}


def test_a_second_front_end_needs_nothing_from_the_ui(tmp_path: Path) -> None:
    """What a web server would do: list, search, read, follow links - no Textual."""
    kb = small_kb(tmp_path / "kb")
    code = (
        "import sys\nfrom pathlib import Path\nfrom kbtui.library import Library\n"
        f"lib = Library(Path({str(kb)!r}))\nlib.open_index()\nlib.load_graph()\n"
        "hit = lib.search('canvassing').hits[0]\nentry = lib.read(hit.slug)\n"
        "links = [lib.resolve(r.link.target)[0] for r in lib.links_of(entry.slug)]\n"
        "print(hit.slug, entry.title, *links, 'textual' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.split() == ["beta", "Beta", "sources/moblab", "alpha", "False"]

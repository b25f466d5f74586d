"""The KB changes underneath: files written, added, renamed and deleted while a watcher
runs show up in the session; a burst of 500 changes is one sync. Both ways of watching
(OS notifications through watchfiles, and stat polling) are exercised for real."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kbtui.index.results import SyncReport
from kbtui.library import Library
from kbtui.watch import KBWatcher, is_entry_change
from tests.conftest import write_kb

ENTRY = "# {title}\n\n## Summary\n{title} here. Yes.\n\n## Related\n{related}\n"


class Synced:
    """Records each sync the watcher reports, and lets a test wait for one."""

    def __init__(self) -> None:
        self.reports: list[SyncReport | None] = []
        self._changed = threading.Condition()

    def __call__(self, report: SyncReport | None) -> None:
        with self._changed:
            self.reports.append(report)
            self._changed.notify_all()

    def wait_for(self, ready: Callable[[], bool], timeout: float = 20.0) -> bool:
        with self._changed:
            return self._changed.wait_for(ready, timeout)


@pytest.fixture(params=["watchfiles", "poll"])
def watched(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Library, KBWatcher, Synced]]:
    root = write_kb(
        tmp_path / "kb",
        {
            "alpha.md": ENTRY.format(title="Alpha", related="- beta"),
            "beta.md": ENTRY.format(title="Beta", related="- alpha"),
            "notes/gamma.md": ENTRY.format(title="Gamma", related="- alpha"),
        },
    )
    library = Library(root, cache_root=tmp_path / "cache")
    library.open_index()
    library.load_graph()
    synced = Synced()
    watcher = KBWatcher(library, synced, backend=request.param, poll_interval=0.2)
    watcher.start()
    assert watcher.wait_ready()
    assert watcher.backend == request.param
    try:
        yield library, watcher, synced
    finally:
        watcher.stop()
        library.close()


def titles(library: Library) -> dict[str, str]:
    return {o.slug: o.title for o in library.outlines}


def test_an_edited_file(watched: tuple[Library, KBWatcher, Synced]) -> None:
    library, _watcher, synced = watched
    (library.root / "alpha.md").write_text(
        ENTRY.format(title="Alpha, edited", related="- beta\n- delta"), encoding="utf-8"
    )
    assert synced.wait_for(lambda: titles(library).get("alpha") == "Alpha, edited")
    assert library.read("alpha").title == "Alpha, edited"
    assert [r.link.target for r in library.links_of("alpha")] == ["beta", "delta"]
    assert [h.slug for h in library.search("edited").hits] == ["alpha"]


def test_an_added_file(watched: tuple[Library, KBWatcher, Synced]) -> None:
    library, _watcher, synced = watched
    write_kb(library.root, {"delta.md": ENTRY.format(title="Delta", related="- alpha")})
    assert synced.wait_for(lambda: "delta" in titles(library))
    assert "delta" in {b.slug for b in library.backlinks("alpha") or ()}


def test_a_renamed_file_and_folder(watched: tuple[Library, KBWatcher, Synced]) -> None:
    library, _watcher, synced = watched
    os.rename(library.root / "beta.md", library.root / "bravo.md")
    assert synced.wait_for(lambda: "bravo" in titles(library) and "beta" not in titles(library))
    os.rename(library.root / "notes", library.root / "papers")
    assert synced.wait_for(lambda: "papers/gamma" in titles(library))
    assert "notes/gamma" not in titles(library)


def test_a_deleted_file(watched: tuple[Library, KBWatcher, Synced]) -> None:
    library, _watcher, synced = watched
    (library.root / "beta.md").unlink()
    assert synced.wait_for(lambda: "beta" not in titles(library))
    assert [r.resolved for r in library.links_of("alpha")] == [None]  # now a broken link


def test_a_burst_of_500_changes_is_one_sync(watched: tuple[Library, KBWatcher, Synced]) -> None:
    library, watcher, synced = watched
    assert watcher.wait_settled(quiet=0.5)
    before_syncs, before_reports = watcher.syncs, len(synced.reports)
    for number in range(500):  # as a git checkout writes them: one after another
        path = library.root / "batch" / f"entry-{number:03d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(ENTRY.format(title=f"Entry {number}", related="- alpha"), "utf-8")
    assert synced.wait_for(lambda: len(synced.reports) > before_reports)
    assert watcher.wait_settled(quiet=1.0)
    assert watcher.syncs - before_syncs == 1
    report = synced.reports[-1]
    assert report is not None and report.added == 500
    assert len(library) == len(titles(library)) >= 503


def test_stop_ends_both_threads(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", {"a.md": ENTRY.format(title="A", related="")})
    library = Library(root, cache_root=tmp_path / "cache")
    watcher = KBWatcher(library)
    watcher.start()
    assert watcher.running
    watcher.stop()
    assert not watcher.running


def test_only_entry_files_and_folders_count(tmp_path: Path) -> None:
    root = tmp_path
    (root / "folder").mkdir()
    assert is_entry_change(root, str(root / "a.md"), deleted=False)
    assert is_entry_change(root, str(root / "sub" / "b.markdown"), deleted=True)
    assert is_entry_change(root, str(root / "folder"), deleted=False)
    assert is_entry_change(root, str(root / "gone-folder"), deleted=True)
    assert not is_entry_change(root, str(root / "README.md"), deleted=False)
    assert not is_entry_change(root, str(root / ".git" / "index"), deleted=False)
    assert not is_entry_change(root, str(root / ".a.md.swp"), deleted=False)
    assert not is_entry_change(root, str(root / "picture.png"), deleted=False)
    assert not is_entry_change(root, str(root.parent / "elsewhere.md"), deleted=False)

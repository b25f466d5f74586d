"""The stat pass run ahead in a child (kbtui.index.ahead): a one-off search uses the
index as it stands only when the child found that very manifest up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kbtui.index import KBIndex
from kbtui.index import store as store_module
from kbtui.index.ahead import CheckAhead
from tests.conftest import write_kb

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")

KB = {
    "street-teams.md": "# Street teams\n\n## Summary\nCrews that leaflet a block.\n",
    "phone-banks.md": "# Phone banks\n\n## Summary\nCalling supporters in shifts.\n",
    "case-studies/rent-strike.md": "# A rent strike\n\n## Summary\nTenants withheld rent.\n",
}


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = write_kb(tmp_path / "kb", KB)
    assert KBIndex(root).sync().rebuilt
    return root


class ScanCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = store_module.scan

        def counting(root: Path) -> Any:
            self.calls += 1
            return real(root)

        monkeypatch.setattr(store_module, "scan", counting)


def bump(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def hits(kb_index: KBIndex, text: str) -> list[str]:
    return [hit.slug for hit in kb_index.search(text).hits]


def test_an_unchanged_kb_is_not_scanned_again_here(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = CheckAhead.start(kb_root)
    assert ahead is not None
    counter = ScanCounter(monkeypatch)
    kb_index = KBIndex(kb_root)
    report = kb_index.sync(ahead=ahead)
    assert not report.changed and counter.calls == 0
    assert hits(kb_index, "leaflet") == ["street-teams"]


def test_a_change_the_child_saw_is_synced_as_ever(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bump(kb_root / "phone-banks.md", "# Phone banks\n\n## Summary\nCalling in zebra shifts.\n")
    (kb_root / "street-teams.md").unlink()
    ahead = CheckAhead.start(kb_root)
    assert ahead is not None
    counter = ScanCounter(monkeypatch)
    kb_index = KBIndex(kb_root)
    report = kb_index.sync(ahead=ahead)
    assert (report.updated, report.removed) == (1, 1) and counter.calls == 1
    assert hits(kb_index, "zebra") == ["phone-banks"]
    assert hits(kb_index, "leaflet") == []


def test_a_verdict_on_another_manifest_is_not_believed(kb_root: Path) -> None:
    """The child saw the files the manifest records; another kbtui then synced an edit
    and the file was edited again. What the child saw is not what the manifest now
    records: scanned, and the second edit found."""
    ahead = CheckAhead.start(kb_root)
    assert ahead is not None
    ahead.close()  # the child's digest is in: the files as the manifest has them
    bump(kb_root / "phone-banks.md", "# Phone banks\n\n## Summary\nCalling in otter shifts.\n")
    assert KBIndex(kb_root).sync().updated == 1  # another process
    bump(kb_root / "phone-banks.md", "# Phone banks\n\n## Summary\nCalling in heron shifts.\n")
    kb_index = KBIndex(kb_root)
    assert kb_index.sync(ahead=ahead).updated == 1
    assert hits(kb_index, "heron") == ["phone-banks"]


def test_no_index_yet_means_a_build(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "fresh", KB)
    ahead = CheckAhead.start(root)
    assert ahead is not None
    report = KBIndex(root).sync(ahead=ahead)
    assert report.rebuilt and report.added == len(KB)


def test_the_child_leaves_no_process_behind(kb_root: Path) -> None:
    ahead = CheckAhead.start(kb_root)
    assert ahead is not None
    pid = ahead._pid
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: not ours any more


def test_kbtui_search_answers_from_the_files_as_they_are_now(kb_root: Path) -> None:
    """Whole process: an edit made after the last sync is what the search finds."""
    bump(kb_root / "street-teams.md", "# Street teams\n\n## Summary\nCrews with kites.\n")

    def search(word: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kbtui", "search", "--kb", str(kb_root), word],
            capture_output=True,
            text=True,
            timeout=60,
        )

    found = search("kites")
    assert found.returncode == 0 and "street-teams" in found.stdout, found.stderr
    assert search("leaflet").returncode == 1


def test_a_digest_is_of_the_files_a_stat_pass_sees(kb_root: Path) -> None:
    from kbtui.index.manifest import Manifest, stat_digest
    from kbtui.kb.loader import scan

    kb_index = KBIndex(kb_root)
    assert kb_index.open()
    manifest = Manifest.read(kb_index.folder, kb_index.kb_root)
    assert manifest is not None and manifest.stat_digest
    assert stat_digest(scan(kb_root).files) == manifest.stat_digest
    bump(kb_root / "phone-banks.md", "# Phone banks\n\n## Summary\nSame size, later.\n")
    assert stat_digest(scan(kb_root).files) != manifest.stat_digest
    assert stat_digest([("a", "a.md", 1, 2)]) != stat_digest([("a", "a.md", 12, 0)])

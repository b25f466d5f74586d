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


# -- what an up-to-date one-off search reads of the manifest -----------------------------


def spoil_rows(folder: Path) -> None:
    """Leave the manifest's head whole and make its rows unreadable."""
    from kbtui.index.manifest import MANIFEST

    path = folder / MANIFEST
    raw = path.read_bytes()
    start = raw.index(b'"files": ') + len(b'"files": ')
    path.write_bytes(raw[:start] + b'{"street-teams": [' + b"x" * 40 + b"}")


def test_an_up_to_date_search_reads_the_manifests_head_not_its_rows(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows (the listing: a megabyte of JSON at 10,000 entries) are not decoded
    when the child found the files as the head records them."""
    from kbtui.index import manifest as manifest_module

    decoded: list[str] = []
    real = manifest_module.json.loads

    def counting(raw: Any, *args: Any, **kwargs: Any) -> Any:
        decoded.append(raw.decode() if isinstance(raw, bytes) else raw)
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(manifest_module.json, "loads", counting)
    ahead = CheckAhead.start(kb_root)
    assert ahead is not None
    kb_index = KBIndex(kb_root)
    assert not kb_index.sync(ahead=ahead).changed
    assert hits(kb_index, "leaflet") == ["street-teams"]
    assert any('"stat_digest"' in text for text in decoded)  # the head was read
    assert not any("phone-banks" in text for text in decoded)  # no row was


@pytest.mark.parametrize("ahead_of", ["none", "an edit"])
def test_rows_spoilt_under_a_whole_head_mean_a_rebuild(kb_root: Path, ahead_of: str) -> None:
    """Unless a search answers from the index as it stands, the rows are read and
    checked: spoilt ones are the damage they always were."""
    kb_index = KBIndex(kb_root)
    spoil_rows(kb_index.folder)
    ahead = None
    if ahead_of == "an edit":
        bump(kb_root / "phone-banks.md", "# Phone banks\n\n## Summary\nCalling in lark shifts.\n")
        ahead = CheckAhead.start(kb_root)
    report = kb_index.sync(ahead=ahead)
    assert report.rebuilt and report.added == len(KB)
    assert {outline.slug for outline in kb_index.list_entries()} == {
        "street-teams",
        "phone-banks",
        "case-studies/rent-strike",
    }
    if ahead_of == "an edit":
        assert hits(kb_index, "lark") == ["phone-banks"]


# -- started first thing ------------------------------------------------------------------


def test_kbtui_search_starts_its_stat_pass_before_anything_else(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's scan is what a one-off search waits for at the end: it is started
    before the command line is parsed and the command's modules are imported, and once."""
    import kbtui.cli as cli

    order: list[str] = []
    real_start, real_parser = CheckAhead.start.__func__, cli.build_parser  # type: ignore[attr-defined]

    def start(cls: type[CheckAhead], root: Path) -> CheckAhead | None:
        order.append(f"ahead {root.name}")
        return real_start(cls, root)

    def parser() -> Any:
        order.append("parser")
        return real_parser()

    monkeypatch.setattr(CheckAhead, "start", classmethod(start))
    monkeypatch.setattr(cli, "build_parser", parser)
    assert cli.main(["search", "--kb", str(kb_root), "leaflet"]) == 0
    assert order == ["ahead kb", "parser"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["search", "--kb", "KB", "word"], "KB"),
        (["search", "word", "--kb=KB"], "KB"),
        (["--kb", "KB", "search", "word"], "KB"),
        (["--kb", "OTHER", "search", "--kb", "KB", "word"], "KB"),
        (["search", "word"], "ENV"),
        (["check", "--kb", "KB"], None),
        (["--open", "search", "--kb", "KB"], None),
        (["search", "--", "--kb", "OTHER"], "ENV"),
    ],
)
def test_the_kb_a_search_will_open_is_read_off_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: str | None
) -> None:
    from kbtui.cli import search_kb_ahead

    for name in ("KB", "OTHER", "ENV"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("KBTUI_KB", str(tmp_path / "ENV"))
    monkeypatch.chdir(tmp_path)
    found = search_kb_ahead(argv)
    assert found == (None if expected is None else (tmp_path / expected).resolve())


def test_a_stat_pass_of_another_kb_is_not_used(
    kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the command line was read wrong, the pass ran over another folder: its answer
    is set aside, the right KB scanned, and the edit made since found."""
    import kbtui.cli as cli

    other = write_kb(tmp_path / "other", KB)
    monkeypatch.setattr(cli, "search_kb_ahead", lambda argv: other.resolve())
    bump(kb_root / "street-teams.md", "# Street teams\n\n## Summary\nCrews with kites.\n")
    assert cli.main(["search", "--kb", str(kb_root), "kites"]) == 0


def test_the_ahead_module_leaves_the_kb_modules_to_its_child() -> None:
    """Importing it (first thing, in the parent) imports neither the loader nor the
    manifest: the child imports what it needs while the parent goes on."""
    code = (
        "import sys, kbtui.index.ahead\n"
        "print(sorted(m for m in ('kbtui.kb.loader', 'kbtui.index.manifest', 'kbtui.kb.model')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr

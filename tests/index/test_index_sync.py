"""The on-disk index: where it lives, incremental sync, recovery, and sharing a KB.

Every KB written here is built by the test itself (write_kb), and the cache dir is
the per-test KBTUI_CACHE_DIR that tests/conftest.py points into tmp_path.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from kbtui.index import KBIndex, SyncReport, index_dir_for
from kbtui.index import manifest as manifest_module
from kbtui.index import store as store_module
from kbtui.index.manifest import MANIFEST
from tests.conftest import write_kb

KB = {
    "street-teams.md": "# Street teams\n\n## Summary\nSmall crews that leaflet a block. "
    "They meet weekly.\n\n## Body\nEach team adopts a few streets and knocks on doors.\n",
    "phone-banks.md": "# Phone banks\n\n## Summary\nCalling supporters in shifts. "
    "Scripts help.\n\n## Body\nA good script asks one question and listens.\n",
    "power-mapping.md": "Summary\nDrawing who decides and who influences them.\n"
    "Body\nPut the decision maker in the middle and the allies around.\n",
    "case-studies/rent-strike.md": "# A rent strike\n\n## Summary\nTenants withheld rent "
    "together. They won repairs.\n\n## Body\nThe landlord gave in after three months.\n",
    "sources/field-manual.md": "# Field manual\n\n## Summary\nA handbook for canvassers. Short.\n",
}
SLUGS = {"street-teams", "phone-banks", "power-mapping", "case-studies/rent-strike"} | {
    "sources/field-manual"
}


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", KB)


def slugs(kb_index: KBIndex, text: str) -> list[str]:
    return [hit.slug for hit in kb_index.search(text).hits]


def built(kb_root: Path) -> KBIndex:
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert report.rebuilt and report.added == len(KB)
    return kb_index


def bump_mtime(path: Path) -> None:
    """Make sure a rewrite is seen even on a file system with coarse timestamps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


class ReadRecorder:
    """Wraps store.read_entry to record which files a sync reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slugs: list[str] = []
        real = store_module.read_entry

        def recording(root: Path, file: Any, render: bool = True) -> Any:
            self.slugs.append(file.slug)
            return real(root, file, render=render)

        monkeypatch.setattr(store_module, "read_entry", recording)


def no_writer(*args: object, **kwargs: object) -> None:
    raise AssertionError("a writer was opened")


# -- building and no-change syncs ------------------------------------------------------


def test_first_sync_builds_and_reports_progress(kb_root: Path) -> None:
    seen: list[tuple[int, int]] = []
    kb_index = KBIndex(kb_root)
    assert not kb_index.open()  # nothing cached yet
    report = kb_index.sync(progress=lambda done, total: seen.append((done, total)))
    assert report.rebuilt and report.changed
    assert (report.added, report.updated, report.removed) == (len(KB), 0, 0)
    assert report.describe().startswith(f"rebuilt the index ({len(KB)} entries)")
    assert seen[-1] == (len(KB), len(KB))
    assert [done for done, _ in seen] == list(range(1, len(KB) + 1))
    assert kb_index.doc_count() == len(KB)
    assert {entry.slug for entry in kb_index.list_entries()} == SLUGS
    assert (kb_index.folder / MANIFEST).is_file()
    assert not kb_index.in_memory


def test_no_change_sync_opens_no_writer_and_reads_no_file(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = built(kb_root)
    first.close()
    again = KBIndex(kb_root)
    assert again.open()
    recorder = ReadRecorder(monkeypatch)
    monkeypatch.setattr(type(again.ix), "writer", no_writer)
    monkeypatch.setattr(store_module.CacheStorage, "create_index", no_writer)
    report = again.sync()
    assert report == SyncReport(seconds=report.seconds)
    assert not report.changed and not report.notices
    assert report.describe().startswith("index already up to date")
    assert recorder.slugs == []
    assert slugs(again, "landlord ") == ["case-studies/rent-strike"]
    # The same object synced again is just as quiet.
    assert not again.sync().changed
    assert recorder.slugs == []


def test_a_touched_but_unchanged_folder_is_still_a_no_change_sync(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(kb_root).close()
    (kb_root / "notes.txt").write_text("not an entry", encoding="utf-8")
    (kb_root / "README.md").write_text("# Not an entry either\n", encoding="utf-8")
    (kb_root / ".hidden.md").write_text("# Hidden\n", encoding="utf-8")
    again = KBIndex(kb_root)
    assert again.open()
    monkeypatch.setattr(type(again.ix), "writer", no_writer)
    assert not again.sync().changed


# -- incremental changes ---------------------------------------------------------------


def test_edit_updates_that_entry_alone(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb_index = built(kb_root)
    path = kb_root / "phone-banks.md"
    path.write_text("# Phone banks\n\n## Summary\nNow about quokkas. Truly.\n", encoding="utf-8")
    bump_mtime(path)
    recorder = ReadRecorder(monkeypatch)
    report = kb_index.sync()
    assert (report.added, report.updated, report.removed, report.rebuilt) == (0, 1, 0, False)
    assert report.describe().startswith("0 added, 1 updated, 0 removed")
    assert recorder.slugs == ["phone-banks"]
    assert slugs(kb_index, "quokkas ") == ["phone-banks"]
    assert slugs(kb_index, "script ") == []  # the old text is gone
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]  # others untouched
    assert kb_index.doc_count() == len(KB)


def test_an_edit_of_the_same_size_is_seen(kb_root: Path) -> None:
    kb_index = built(kb_root)
    path = kb_root / "street-teams.md"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("leaflet", "wombats")
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    bump_mtime(path)
    report = kb_index.sync()
    assert report.updated == 1 and not report.rebuilt
    assert slugs(kb_index, "wombats ") == ["street-teams"]
    assert slugs(kb_index, "leaflet ") == []


def test_title_edit_updates_the_listing(kb_root: Path) -> None:
    kb_index = built(kb_root)
    path = kb_root / "sources" / "field-manual.md"
    path.write_text("# The canvasser's companion\n\n## Summary\nA handbook.\n", encoding="utf-8")
    bump_mtime(path)
    kb_index.sync()
    listed = {entry.slug: entry for entry in KBIndex(kb_root).list_entries()}
    assert listed["sources/field-manual"].title == "The canvasser's companion"
    assert kb_index.search("companion").hits[0].title == "The canvasser's companion"


def test_add_reads_only_the_new_file(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb_index = built(kb_root)
    write_kb(
        kb_root,
        {
            "case-studies/sit-down-strike.md": "# Sit-down strike\n\n## Summary\nFlint, 1936. "
            "Workers stayed in the plant.\n"
        },
    )
    recorder = ReadRecorder(monkeypatch)
    report = kb_index.sync()
    assert (report.added, report.updated, report.removed, report.rebuilt) == (1, 0, 0, False)
    assert recorder.slugs == ["case-studies/sit-down-strike"]
    hits = kb_index.search("flint").hits
    assert [(hit.slug, hit.type) for hit in hits] == [
        ("case-studies/sit-down-strike", "case-study")
    ]
    assert kb_index.doc_count() == len(KB) + 1


def test_delete_removes_the_entry(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb_index = built(kb_root)
    (kb_root / "case-studies" / "rent-strike.md").unlink()
    recorder = ReadRecorder(monkeypatch)
    report = kb_index.sync()
    assert (report.added, report.updated, report.removed, report.rebuilt) == (0, 0, 1, False)
    assert recorder.slugs == []
    assert slugs(kb_index, "landlord ") == []
    assert slugs(kb_index, "type:case-study") == []
    assert kb_index.doc_count() == len(KB) - 1
    assert "case-studies/rent-strike" not in {e.slug for e in kb_index.list_entries()}


def test_rename_moves_the_entry(kb_root: Path) -> None:
    kb_index = built(kb_root)
    (kb_root / "phone-banks.md").rename(kb_root / "phone-banking.md")
    report = kb_index.sync()
    assert (report.added, report.updated, report.removed, report.rebuilt) == (1, 0, 1, False)
    assert slugs(kb_index, "script ") == ["phone-banking"]
    listed = {entry.slug: entry for entry in kb_index.list_entries()}
    assert "phone-banks" not in listed
    assert listed["phone-banking"].path == "phone-banking.md"
    assert kb_index.doc_count() == len(KB)


def test_many_changes_at_once_and_the_manifest_is_saved(kb_root: Path) -> None:
    kb_index = built(kb_root)
    (kb_root / "power-mapping.md").write_text("## Summary\nNow zeppelins. Yes.\n", encoding="utf-8")
    bump_mtime(kb_root / "power-mapping.md")
    (kb_root / "sources" / "field-manual.md").unlink()
    (kb_root / "street-teams.md").rename(kb_root / "case-studies" / "street-teams.md")
    write_kb(kb_root, {"new/idea.md": "# An idea\n\n## Summary\nAbout narwhals. Yes.\n"})
    report = kb_index.sync()
    assert (report.added, report.updated, report.removed, report.rebuilt) == (2, 1, 2, False)
    assert slugs(kb_index, "zeppelins ") == ["power-mapping"]
    assert slugs(kb_index, "narwhals ") == ["new/idea"]
    assert slugs(kb_index, "type:new") == ["new/idea"]
    assert slugs(kb_index, "leaflet ") == ["case-studies/street-teams"]
    assert slugs(kb_index, "canvassers ") == []
    kb_index.close()
    fresh = KBIndex(kb_root)
    assert not fresh.sync().changed  # the new manifest was written
    assert {entry.slug for entry in fresh.list_entries()} == {
        "phone-banks",
        "power-mapping",
        "case-studies/rent-strike",
        "case-studies/street-teams",
        "new/idea",
    }


def test_emptying_and_refilling_a_kb(kb_root: Path) -> None:
    kb_index = built(kb_root)
    for path in list(kb_root.rglob("*.md")):
        path.unlink()
    assert kb_index.sync().removed == len(KB)
    assert kb_index.doc_count() == 0 and kb_index.list_entries() == []
    assert kb_index.search("landlord").hits == ()
    write_kb(kb_root, {"back.md": "# Back\n\n## Summary\nPelicans again. Yes.\n"})
    assert kb_index.sync().added == 1
    assert slugs(kb_index, "pelicans") == ["back"]


# -- where the index lives -------------------------------------------------------------


def test_one_index_per_kb_keyed_by_absolute_path(
    tmp_path: Path, kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Path(os.environ["KBTUI_CACHE_DIR"])
    twin = write_kb(tmp_path / "elsewhere" / "kb", {"a.md": "# Alpha\n\n## Summary\nOnly here.\n"})
    first, second = built(kb_root), KBIndex(twin)
    second.sync()
    assert first.folder != second.folder  # same folder name, different absolute paths
    assert first.folder.parent == second.folder.parent == cache / "indexes"
    assert slugs(second, "landlord ") == [] and slugs(first, "only ") == []
    monkeypatch.chdir(tmp_path)
    relative = KBIndex(Path("kb"))
    assert relative.folder == first.folder == index_dir_for(kb_root.resolve())
    assert not relative.sync().changed  # the same index, found again


def test_cache_root_argument_and_env_override(kb_root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other-cache"
    kb_index = KBIndex(kb_root, cache_root=elsewhere)
    assert kb_index.sync().rebuilt
    assert kb_index.folder.parent == elsewhere / "indexes"
    assert (kb_index.folder / MANIFEST).is_file()
    assert not (Path(os.environ["KBTUI_CACHE_DIR"]) / "indexes").exists()


def test_schema_version_change_rebuilds(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built(kb_root).close()
    monkeypatch.setattr(manifest_module, "SCHEMA_VERSION", manifest_module.SCHEMA_VERSION + 1)
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert report.rebuilt and report.added == len(KB)
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]
    data = json.loads((kb_index.folder / MANIFEST).read_text(encoding="utf-8"))
    assert data["schema"] == manifest_module.SCHEMA_VERSION
    kb_index.close()
    assert not KBIndex(kb_root).sync().changed  # rebuilt once, then current


def test_an_index_from_an_older_kbtui_is_rebuilt(kb_root: Path) -> None:
    kb_index = built(kb_root)
    kb_index.close()
    path = kb_index.folder / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema"] = manifest_module.SCHEMA_VERSION - 1
    path.write_text(json.dumps(data), encoding="utf-8")
    again = KBIndex(kb_root)
    assert not again.open()
    assert again.sync().rebuilt
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == manifest_module.SCHEMA_VERSION


def test_a_manifest_for_another_kb_is_not_trusted(kb_root: Path) -> None:
    kb_index = built(kb_root)
    kb_index.close()
    path = kb_index.folder / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["kb"] = "/somewhere/else"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert KBIndex(kb_root).sync().rebuilt


# -- damage and recovery ---------------------------------------------------------------


def damage(folder: Path, pattern: str, how: str) -> None:
    files = sorted(folder.glob(pattern))
    assert files, f"no {pattern} in {folder}"
    for file in files:
        data = file.read_bytes()
        if how == "empty":
            file.write_bytes(b"")
        elif how == "truncate":
            file.write_bytes(data[: len(data) // 3])
        elif how == "half":
            file.write_bytes(data[: len(data) // 2])
        elif how == "garbage":
            file.write_bytes(random.Random(7).randbytes(len(data)))
        elif how == "delete":
            file.unlink()


@pytest.mark.parametrize("how", ["empty", "truncate", "half", "garbage", "delete"])
@pytest.mark.parametrize("victim", ["*.seg", "_MAIN_*.toc"])
def test_a_damaged_index_is_rebuilt_with_one_notice(kb_root: Path, victim: str, how: str) -> None:
    built(kb_root).close()
    damage(index_dir_for(kb_root), victim, how)
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert report.rebuilt
    assert len(report.notices) == 1 and "damaged" in report.notices[0]
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]
    assert kb_index.doc_count() == len(KB)
    kb_index.close()
    again = KBIndex(kb_root).sync()
    assert not again.changed and not again.notices  # repaired for good


@pytest.mark.parametrize("how", ["empty", "garbage", "delete"])
def test_a_damaged_manifest_means_a_quiet_rebuild(kb_root: Path, how: str) -> None:
    built(kb_root).close()
    damage(index_dir_for(kb_root), MANIFEST, how)
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert report.rebuilt and report.added == len(KB)
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]


def test_leftovers_of_a_crashed_build_are_harmless(kb_root: Path) -> None:
    kb_index = built(kb_root)
    kb_index.close()
    staging = kb_index.folder.parent / ".build-crashed"
    staging.mkdir()
    (staging / "_MAIN_1.toc").write_bytes(b"half written")
    assert not KBIndex(kb_root).sync().changed
    shutil.rmtree(kb_index.folder)  # a crash between moving the old index out and the new in
    report = KBIndex(kb_root).sync()
    assert report.rebuilt and not report.notices


def test_bit_rot_in_a_segment_never_escapes(kb_root: Path) -> None:
    """Random garbage inside the segment file (same size, so it still opens): sync and
    search must shrug it off, rebuilding where a read fails."""
    write_kb(
        kb_root,
        {
            f"more/e{number}.md": f"# Entry {number} campaign\n\n## Summary\nAbout topic{number}."
            f" More.\n\n## Body\nBody text {number} on escalation.\n"
            for number in range(25)
        },
    )
    kb_index = KBIndex(kb_root)
    kb_index.sync()
    kb_index.close()
    pristine = kb_root.parent / "pristine"
    shutil.copytree(kb_index.folder, pristine)
    (segment,) = pristine.glob("*.seg")
    original = segment.read_bytes()
    rng = random.Random(20240601)
    for _ in range(60):
        shutil.rmtree(kb_index.folder)
        shutil.copytree(pristine, kb_index.folder)
        data = bytearray(original)
        start = rng.randrange(len(data))
        data[start : start + 64] = rng.randbytes(64)[: len(data[start : start + 64])]
        (kb_index.folder / segment.name).write_bytes(bytes(data))
        damaged = KBIndex(kb_root)
        damaged.sync()
        for text in ("campaign", "escalation ", "campain", "topic7 ", "type:more", "zzz~"):
            result = damaged.search(text)
            assert isinstance(result.hits, tuple)
            assert len(damaged.notices) <= 1
        damaged.close()


def test_a_read_error_while_searching_rebuilds_once(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb_index = built(kb_root)
    before = kb_index.folder.stat().st_ino
    real_run = store_module.run
    failures = [zlib.error("Error -3 while decompressing data"), struct.error("unpack")]

    def flaky_run(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(store_module, "run", flaky_run)
    result = kb_index.search("landlord ")
    assert [hit.slug for hit in result.hits] == ["case-studies/rent-strike"]
    assert kb_index.notices == [store_module.DAMAGED]
    assert kb_index.folder.stat().st_ino != before  # a fresh index was moved into place
    assert not KBIndex(kb_root).sync().changed


def test_a_passing_read_error_reopens_without_a_rebuild(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb_index = built(kb_root)
    before = kb_index.folder.stat().st_ino
    real_run = store_module.run
    failures = [FileNotFoundError(errno.ENOENT, "a segment another kbtui replaced")]

    def flaky_run(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(store_module, "run", flaky_run)
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]
    assert kb_index.notices == []
    assert kb_index.folder.stat().st_ino == before


def test_a_read_error_while_updating_rebuilds(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb_index = built(kb_root)
    (kb_root / "phone-banks.md").write_text("## Summary\nNow ibis. Yes.\n", encoding="utf-8")
    bump_mtime(kb_root / "phone-banks.md")

    def unreadable(*args: object, **kwargs: object) -> None:
        raise struct.error("unpack requires a buffer of 4 bytes")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SegmentWriter, "update_document", unreadable)
        report = kb_index.sync()
    assert report.rebuilt and report.notices == (store_module.DAMAGED,)
    assert slugs(kb_index, "ibis ") == ["phone-banks"]
    assert not KBIndex(kb_root).sync().changed


def test_search_before_any_sync_still_answers(kb_root: Path) -> None:
    kb_index = KBIndex(kb_root)
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]


# -- a cache that cannot be written ----------------------------------------------------


def test_an_unwritable_cache_falls_back_to_memory(
    kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("KBTUI_CACHE_DIR", str(blocker / "cache"))
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert kb_index.in_memory and report.rebuilt
    assert len(report.notices) == 1 and "cannot be written" in report.notices[0]
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]
    assert kb_index.doc_count() == len(KB)
    assert {entry.slug for entry in kb_index.list_entries()} == SLUGS
    write_kb(kb_root, {"new.md": "# New\n\n## Summary\nWombats. Yes.\n"})
    (kb_root / "phone-banks.md").unlink()
    later = kb_index.sync()
    assert later.changed and not later.notices  # told once
    assert slugs(kb_index, "wombats ") == ["new"]
    assert slugs(kb_index, "script ") == []
    assert not kb_index.sync().changed
    assert blocker.is_file() and blocker.read_text(encoding="utf-8").startswith("a file")


def test_a_failing_staging_folder_falls_back_to_memory(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store_module.CacheLock, "acquire", refuse)  # the build's first write
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert kb_index.in_memory and "cannot be written" in report.notices[0]
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]


def read_only_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoosh refuses to write under the cache dir, as on a read-only file system
    (the system temp folder, which an index in memory also uses, stays writable)."""
    cache = Path(os.environ["KBTUI_CACHE_DIR"]).resolve()

    def guarded(real: Any) -> Any:
        def write(self: FileStorage, *args: Any, **kwargs: Any) -> Any:
            if Path(self.folder).resolve().is_relative_to(cache):
                raise OSError(errno.EROFS, "Read-only file system")
            return real(self, *args, **kwargs)

        return write

    monkeypatch.setattr(FileStorage, "create_file", guarded(FileStorage.create_file))
    monkeypatch.setattr(FileStorage, "temp_storage", guarded(FileStorage.temp_storage))


def test_an_existing_index_on_a_read_only_disk(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(kb_root).close()
    read_only_cache(monkeypatch)
    unchanged = KBIndex(kb_root)
    assert not unchanged.sync().changed  # reading needs no writes
    assert slugs(unchanged, "landlord ") == ["case-studies/rent-strike"]
    write_kb(kb_root, {"new.md": "# New\n\n## Summary\nWombats. Yes.\n"})
    kb_index = KBIndex(kb_root)
    report = kb_index.sync()
    assert kb_index.in_memory and report.rebuilt
    assert len(report.notices) == 1 and "cannot be written" in report.notices[0]
    assert slugs(kb_index, "wombats ") == ["new"]
    assert slugs(kb_index, "landlord ") == ["case-studies/rent-strike"]


def test_a_full_disk_during_an_update(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb_index = built(kb_root)
    write_kb(kb_root, {"new.md": "# New\n\n## Summary\nWombats. Yes.\n"})

    real_commit = SegmentWriter.commit
    full = [OSError(errno.ENOSPC, "No space left on device")]

    def disk_full_once(self: SegmentWriter, *args: Any, **kwargs: Any) -> Any:
        if full:
            raise full.pop()
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(SegmentWriter, "commit", disk_full_once)
    report = kb_index.sync()
    assert report.rebuilt and not full  # the update failed; a fresh build replaced it
    assert not kb_index.in_memory  # the disk had room again for the build
    assert slugs(kb_index, "wombats ") == ["new"]
    assert not KBIndex(kb_root).sync().changed


# -- two kbtui at once -----------------------------------------------------------------


def test_a_held_writer_lock_gives_a_notice_not_a_crash(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = built(kb_root)
    monkeypatch.setattr(store_module, "WRITER_TIMEOUT", 0.2)
    holder = whoosh_index.open_dir(str(first.folder)).writer()  # as another process would
    try:
        quiet = KBIndex(kb_root)
        assert not quiet.sync().notices  # nothing to write: the lock is never asked for
        write_kb(kb_root, {"new.md": "# New\n\n## Summary\nWombats. Yes.\n"})
        second = KBIndex(kb_root)
        started = time.perf_counter()
        report = second.sync()
        assert time.perf_counter() - started < 2.5
        assert len(report.notices) == 1 and "Another kbtui" in report.notices[0]
        assert not report.rebuilt
        assert slugs(second, "landlord ") == ["case-studies/rent-strike"]  # the index as it is
        assert slugs(second, "wombats ") == []
    finally:
        holder.cancel()
    third = KBIndex(kb_root)
    report = third.sync()
    assert report.added == 1 and not report.notices
    assert slugs(third, "wombats ") == ["new"]


def kbtui_process(kb_root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kbtui", *args, "--kb", str(kb_root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err, err
    return process.returncode, out, err


def bigger_kb(kb_root: Path, count: int = 120) -> None:
    write_kb(
        kb_root,
        {
            f"more/m{number:03}.md": f"# Meeting {number}\n\n## Summary\nNotes from assembly "
            f"{number}. Campaign planning.\n\n## Body\n" + "We talked and planned. " * 40 + "\n"
            for number in range(count)
        },
    )


def test_two_processes_building_the_same_index_at_once(kb_root: Path) -> None:
    bigger_kb(kb_root)
    indexer = kbtui_process(kb_root, "index")
    searcher = kbtui_process(kb_root, "search", "landlord")
    code, out, _ = finish(indexer)
    assert code == 0 and f"{len(KB) + 120} entries" in out
    code, out, _ = finish(searcher)
    assert code == 0 and "case-studies/rent-strike" in out
    kb_index = KBIndex(kb_root)
    assert not kb_index.sync().changed  # whichever build won, it is whole and current
    assert kb_index.doc_count() == len(KB) + 120
    assert len(slugs(kb_index, "assembly ")) == 20  # the default limit, from 120 hits
    assert not list(kb_index.folder.parent.glob(".build-*"))
    assert not list(kb_index.folder.parent.glob(".old-*"))


def test_two_processes_updating_the_same_index_at_once(kb_root: Path) -> None:
    bigger_kb(kb_root)
    KBIndex(kb_root).sync()
    for number in range(0, 120, 3):
        path = kb_root / "more" / f"m{number:03}.md"
        path.write_text(f"# Meeting {number}\n\n## Summary\nRewritten: ocelot.\n", "utf-8")
        bump_mtime(path)
    (kb_root / "more" / "m001.md").unlink()
    write_kb(kb_root, {"late.md": "# Late\n\n## Summary\nA late entry about ocelots.\n"})
    processes = [
        kbtui_process(kb_root, "index"),
        kbtui_process(kb_root, "search", "landlord"),
        kbtui_process(kb_root, "search", "--json", "ocelot"),
    ]
    results = [finish(process) for process in processes]
    for _, _, err in results:  # at most the lock notice, nothing else
        assert all("Another kbtui" in line for line in err.splitlines())
    assert [code for code, _, _ in results[:2]] == [0, 0]
    assert "case-studies/rent-strike" in results[1][1]
    code, out, err = results[2]
    data = json.loads(out)
    assert data["query"] == "ocelot"
    # It waits for the other writer and then sees the new text; only if that took
    # longer than WRITER_TIMEOUT does it search the index as it was (and say so).
    assert (code == 0 and data["hits"]) or (code == 1 and "Another kbtui" in err)
    kb_index = KBIndex(kb_root)
    assert not kb_index.sync().changed
    assert kb_index.doc_count() == len(KB) + 120
    assert len(kb_index.search("ocelot", limit=100).hits) == 41
    assert slugs(kb_index, "type:more assembly") and "more/m001" not in {
        entry.slug for entry in kb_index.list_entries()
    }


REBUILDER = """
import sys
from pathlib import Path
from kbtui.index import KBIndex

problems = []
for _ in range(int(sys.argv[2])):
    kb_index = KBIndex(Path(sys.argv[1]))
    report = kb_index.sync(rebuild=True)
    problems.extend(report.notices)
    if kb_index.in_memory:
        problems.append("fell back to memory")
    if [hit.slug for hit in kb_index.search("landlord").hits] != ["case-studies/rent-strike"]:
        problems.append("wrong hits")
    kb_index.close()
print("\\n".join(problems))
"""


def test_processes_rebuilding_over_each_other(kb_root: Path) -> None:
    """Rebuilds racing to move their build into place: none crashes, none finds the
    folder missing, none falls back to memory or says the cache cannot be written."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", REBUILDER, str(kb_root), "30"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(3)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and err == "", err
        assert out.strip() == ""
    kb_index = KBIndex(kb_root)
    assert not kb_index.sync().changed
    assert not list(kb_index.folder.parent.glob(".build-*"))
    assert not list(kb_index.folder.parent.glob(".old-*"))


# -- the link rows kept beside the index (the TUI's link graph) ---------------------------


def graph_of(kb_index: KBIndex) -> Any:
    from kbtui.kb.graph import KnowledgeBase

    rows = kb_index.link_rows()
    assert rows is not None
    return KnowledgeBase.from_links(kb_index.kb_root, kb_index.list_entries(), rows)


def where_to(graph: Any, slug: str) -> list[tuple[object, ...]]:
    """Where each of ``slug``'s links goes, as written and resolved."""
    return [
        (r.link.section, r.link.kind, r.link.target, r.resolved, r.outside)
        for r in graph.links_of(slug)
    ]


def test_link_rows_give_the_same_graph_as_parsing(kb_root: Path) -> None:
    from kbtui.kb.graph import load_kb

    (kb_root / "street-teams.md").write_text(
        KB["street-teams.md"] + "\n## Related\n- phone-banks\n- no-such-entry\n"
        "\n## Worked examples\n- rent-strike\n",
        encoding="utf-8",
    )
    (kb_root / "phone-banks.md").write_text(
        KB["phone-banks.md"] + "\nSee [the manual](field-manual) [source: field-manual].\n",
        encoding="utf-8",
    )
    kb_index = built(kb_root)
    from_rows, parsed = graph_of(kb_index), load_kb(kb_root, render=False)
    assert set(from_rows.entries) == set(parsed.entries) == SLUGS
    for slug in SLUGS:
        assert from_rows.backlinks(slug) == parsed.backlinks(slug), slug
        assert where_to(from_rows, slug) == where_to(parsed, slug), slug
        assert all(r.link.label == "" for r in from_rows.links_of(slug))  # not kept
        assert from_rows.entries[slug].title == parsed.entries[slug].title
        assert from_rows.entries[slug].summary_missing == parsed.entries[slug].summary_missing
    assert {b.slug for b in from_rows.backlinks("case-studies/rent-strike")} == {"street-teams"}
    assert [r.missing for r in from_rows.links_of("street-teams")].count(True) == 1


def test_link_rows_follow_edits_additions_and_removals(kb_root: Path) -> None:
    kb_index = built(kb_root)
    assert graph_of(kb_index).backlinks("phone-banks") == ()
    kb_index.close()

    path = kb_root / "street-teams.md"
    path.write_text(KB["street-teams.md"] + "\n## Related\n- phone-banks\n", encoding="utf-8")
    bump_mtime(path)
    (kb_root / "canvassing.md").write_text(
        "# Canvassing\n\n## Summary\nDoor to door.\n\n## Related\n- phone-banks\n",
        encoding="utf-8",
    )
    (kb_root / "power-mapping.md").unlink()
    again = KBIndex(kb_root)  # a later launch: the rows are read from disk
    report = again.sync()
    assert not report.rebuilt and report.changed
    graph = graph_of(again)
    assert {b.slug for b in graph.backlinks("phone-banks")} == {"street-teams", "canvassing"}
    assert "power-mapping" not in graph.entries
    assert again.link_rows() is not None and "canvassing" in again.link_rows()  # type: ignore[operator]


@pytest.mark.parametrize("how", ["missing", "garbage", "stale", "other-entries"])
def test_damaged_or_stale_link_rows_are_not_used(kb_root: Path, how: str) -> None:
    from kbtui.index.manifest import LINKS

    built(kb_root).close()
    path = index_dir_for(kb_root) / LINKS
    if how == "missing":
        path.unlink()
    elif how == "garbage":
        path.write_text("{not json", encoding="utf-8")
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        if how == "stale":
            data["generation"] = "0" * 16
        else:
            data["links"].pop("phone-banks")
        path.write_text(json.dumps(data), encoding="utf-8")
    reopened = KBIndex(kb_root)
    assert reopened.sync().changed is False  # the search index itself is fine
    assert reopened.link_rows() is None  # so the TUI parses the KB for its links
    # An edit cannot patch rows it does not have: they stay unknown until a rebuild.
    bump_mtime(kb_root / "phone-banks.md")
    assert reopened.sync().updated == 1
    assert reopened.link_rows() is None
    reopened.sync(rebuild=True)
    assert reopened.link_rows() is not None


def test_link_rows_encoding_round_trips_and_cannot_be_confused() -> None:
    from kbtui.index.manifest import decode_links, encode_links

    rows = [
        ["Related", "related", "one-to-ones", "one-to-ones"],
        ["Sources & verification", "source", "sources/moblab", "MobLab [primary]"],
        ["Body", "citation", "moblab", ""],
    ]
    assert decode_links(encode_links(rows)) == rows
    assert decode_links(encode_links([])) == []
    # Separator characters inside a value (never in neutralised KB text) cannot split it.
    sneaky = [["Related", "related", "a\x1fb\x1ec", "label"]]
    assert decode_links(encode_links(sneaky)) == [["Related", "related", "a b c", "label"]]

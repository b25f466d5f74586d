"""One Whoosh index per KB, cached on disk, kept in step with the files.

The index lives under the user cache dir, keyed by the KB's absolute path. A sync
compares a stat pass of the KB with the manifest written at the last sync, so an
unchanged KB opens no writer. Full builds happen in a fresh folder that is moved
into place, so a crash or a second process never leaves a half-built index where
the next launch looks. A corrupt index is rebuilt; an unwritable cache falls back
to an index in memory; a second process that finds the writer locked searches the
index as it is.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index, LockError

from kbtui.index.ahead import CheckAhead
from kbtui.index.cachefiles import (
    BUILD_PREFIX,
    CacheLock,
    CacheStorage,
    build_lock_path,
    sweep_dead_builds,
)
from kbtui.index.manifest import (
    LinkRow,
    Manifest,
    decode_links,
    encode_links,
    index_dir_for,
    listing_row,
)
from kbtui.index.query import RememberedLengths, run, vocabulary_of
from kbtui.index.results import SearchResult, SyncReport
from kbtui.index.schema import build_schema, document_for, slug_term
from kbtui.index.similar import similarity_from
from kbtui.index.spelling import Vocabulary
from kbtui.kb.loader import EntryFile, read_entry, scan
from kbtui.kb.model import Entry
from kbtui.kb.outline import EntryOutline
from kbtui.kb.similarity import Similarity

WRITER_TIMEOUT = 3.0
DAMAGED = "The search index was damaged and has been rebuilt."
MAX_SEGMENTS = 3
# A first build of at least this many entries is shared between processes, up to a
# process a core: parsing and Whoosh's writer are pure Python.
PARALLEL_FROM = 1000
MAX_BUILD_PROCESSES = 4
# Each process indexes a part of at most about this many bytes of entry files into a
# segment of its own, whose postings Whoosh sorts in memory: a larger part spills
# sorted runs to disk (the build folder grew to 6x the index at 50,000 entries) and
# merges them back one posting at a time (half again as long).
PART_BYTES = 6_000_000

Progress = Callable[[int, int], None]


def _open_dir(folder: Path) -> Index:
    """Open the index on disk, reading its files as they are needed.

    With mmap (Whoosh's default) every searcher copies each part of the segment it
    opens into memory: ~125 MB per searcher for a 10,000-entry KB, against under
    1 MB this way, for searches ~1 ms slower."""
    return CacheStorage(str(folder), supports_mmap=False).open_index()


def _searcher_of(ix: Index) -> Any:
    """A searcher for the session's searches (lengths remembered, see query.py)."""
    return ix.searcher(weighting=RememberedLengths())


def _row(file: EntryFile, entry: Entry) -> list[Any]:
    return listing_row(file.relpath, file.size, file.mtime_ns, entry.outline())


def _encoded_links(entry: Entry) -> str:
    return encode_links(
        [[link.section, link.kind.value, link.target, link.label] for link in entry.links]
    )


def _read_for_index(kb_root: Path, file: EntryFile) -> Entry:
    try:
        return read_entry(kb_root, file, render=False)
    except OSError:  # vanished, unreadable, or no longer a file inside the KB
        from kbtui.kb.parser import parse_entry

        return parse_entry("", file.slug, file.relpath, frozenset({"unreadable"}))


def _parts(files: tuple[EntryFile, ...], processes: int) -> list[tuple[EntryFile, ...]]:
    """The build's parts: at least one a process, each of about PART_BYTES at most."""
    total = sum(file.size for file in files)
    count = max(processes, -(-total // PART_BYTES))
    budget = -(-total // count)
    parts: list[tuple[EntryFile, ...]] = []
    start = size = 0
    for end, file in enumerate(files, 1):
        size += file.size
        if size >= budget and len(parts) < count - 1:
            parts.append(files[start:end])
            start, size = end, 0
    parts.append(files[start:])
    return [part for part in parts if part]


class _PartFailed(Exception):
    """A build process ended without handing back its part of the index."""


class KBIndex:
    """The search index of one KB. Not thread-safe: one owner thread at a time."""

    def __init__(self, kb_root: Path, cache_root: Path | None = None) -> None:
        self.kb_root = kb_root.resolve()
        self.folder = index_dir_for(self.kb_root, cache_root)
        self.in_memory = False
        self.read_only = False
        self._ix: Index | None = None
        self._manifest: Manifest | None = None
        self._searcher: Any = None
        self._vocabulary: Vocabulary | None = None
        self._spare_searchers: list[Any] = []
        self._similarity: Similarity | None = None
        self._changes = 0  # counts what the index has been through, for models built aside
        self._lock = threading.RLock()
        self.notices: list[str] = []

    # -- opening -----------------------------------------------------------------

    @property
    def ix(self) -> Index:
        if self._ix is None:
            self.open()
        assert self._ix is not None
        return self._ix

    def open(self, rows: bool = True) -> bool:
        """Open the cached index if it is usable. Returns False when a build is needed.

        ``rows=False`` leaves the manifest's rows unread and unchecked, for a sync that
        may find the index up to date by its head alone; :meth:`_sync` checks them
        whenever it goes on to use them."""
        if self._ix is not None:
            return True
        if self.folder.is_symlink():  # the cache's own folder, or none: never elsewhere
            return False
        manifest = Manifest.read(self.folder, self.kb_root)
        if manifest is None:
            return False
        searcher = None
        try:
            ix = _open_dir(self.folder)
            searcher = _searcher_of(ix)  # kept for the searches to come
            count = searcher.doc_count_all()
            if searcher.doc_count() != manifest.count:
                raise ValueError("document count does not match the manifest")
            if count:  # read the first and the last stored documents
                searcher.stored_fields(0)
                searcher.stored_fields(count - 1)
            if rows and not manifest.rows_whole():
                raise ValueError("the manifest has no listing")
        except Exception:
            if searcher is not None:
                searcher.close()
            self.notices.append(DAMAGED)
            return False
        self._ix, self._manifest = ix, manifest
        self._searcher = searcher
        return True

    def _drop_searcher(self) -> None:
        self._vocabulary = None
        self._similarity = None
        self._changes += 1
        for spare in self._spare_searchers:
            spare.close()
        self._spare_searchers.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def close(self) -> None:
        self._drop_searcher()
        if self._ix is not None:
            self._ix.close()
        self._ix = None

    # -- syncing -----------------------------------------------------------------

    def sync(
        self,
        progress: Progress | None = None,
        rebuild: bool = False,
        ahead: CheckAhead | None = None,
    ) -> SyncReport:
        """Bring the index in step with the KB files; returns what was done.

        With ``ahead`` (a stat pass already run, see :mod:`kbtui.index.ahead`) the index
        is used as it is when that pass found this very manifest up to date."""
        with self._lock:
            report = self._sync(progress, rebuild, ahead)
        if not self.in_memory:
            sweep_dead_builds(self.folder.parent)
        return report

    def _sync(
        self, progress: Progress | None, rebuild: bool, ahead: CheckAhead | None
    ) -> SyncReport:
        started = time.perf_counter()
        notices_before = len(self.notices)
        if (
            ahead is not None
            and not rebuild
            and self.open(rows=False)
            and self._manifest is not None
            and ahead.up_to_date(self._manifest)
        ):
            return SyncReport(seconds=time.perf_counter() - started)
        found = scan(self.kb_root)
        current = {file.slug: file for file in found.files}
        if rebuild or not self.open() or not self._rows_whole():
            return self._rebuilt(found.files, progress, started, notices_before)
        assert self._manifest is not None
        old = self._manifest.files
        changed, removed = self._manifest.changes(current)
        if not changed and not removed:
            return SyncReport(seconds=time.perf_counter() - started)
        added = sum(1 for f in changed if f.slug not in old)
        if self.in_memory or self.read_only:
            self._build(found.files, progress)
        else:
            try:
                writer = self.ix.writer(timeout=WRITER_TIMEOUT, delay=0.05)
            except LockError:
                self.read_only = True
                self.notices.append(
                    "Another kbtui is updating this KB's index; searching the index as it is."
                )
                return SyncReport(
                    seconds=time.perf_counter() - started,
                    notices=tuple(self.notices[notices_before:]),
                )
            except OSError:
                # The index folder cannot be written (a read-only or full disk): build
                # afresh, in memory if the cache folder cannot take a new index either.
                return self._rebuilt(found.files, progress, started, notices_before)
            fresh: dict[str, list[Any]] = {}
            old_links = self._manifest.read_links(self.folder, self.kb_root)
            links = None if old_links is None else dict(old_links)
            try:
                for done, file in enumerate(changed, 1):
                    entry = self._read(file)
                    writer.update_document(**document_for(entry))
                    fresh[file.slug] = _row(file, entry)
                    if links is not None:
                        links[file.slug] = _encoded_links(entry)
                    if progress:
                        progress(done, len(changed))
                for slug in removed:
                    writer.delete_by_term("slug", slug_term(slug))
                # A small update writes a small segment and merges nothing; once the
                # segments pile up, Whoosh's small-segment merge tidies them.
                writer.commit(merge=len(self.ix._segments()) > MAX_SEGMENTS)
            except Exception as error:
                with contextlib.suppress(Exception):
                    writer.cancel()
                if not isinstance(error, OSError):  # a segment could not be read
                    self.notices.append(DAMAGED)
                return self._rebuilt(found.files, progress, started, notices_before)
            except BaseException:
                writer.cancel()
                raise
            self._drop_searcher()
            new_manifest = Manifest(
                {slug: fresh.get(slug) or old[slug] for slug in current},
                None if links is None else {slug: links[slug] for slug in current},
            )
            self._write_manifest(new_manifest)
            new_manifest.links = None  # on disk now: read again when wanted
            self._manifest = new_manifest
        return SyncReport(
            added=added,
            updated=len(changed) - added,
            removed=len(removed),
            slugs=tuple(sorted({f.slug for f in changed} | set(removed))),
            seconds=time.perf_counter() - started,
            notices=tuple(self.notices[notices_before:]),
        )

    def _rows_whole(self) -> bool:
        """Whether the open manifest's rows are whole (opened without checking them)."""
        if self._manifest is not None and self._manifest.rows_whole():
            return True
        self.notices.append(DAMAGED)
        self.close()
        return False

    def _rebuilt(
        self,
        files: tuple[EntryFile, ...],
        progress: Progress | None,
        started: float,
        notices_before: int,
    ) -> SyncReport:
        self._build(files, progress)
        return SyncReport(
            added=len(files),
            rebuilt=True,
            seconds=time.perf_counter() - started,
            notices=tuple(self.notices[notices_before:]),
        )

    def _read(self, file: EntryFile) -> Entry:
        return _read_for_index(self.kb_root, file)

    def _fill(self, ix: Index, files: tuple[EntryFile, ...], progress: Progress | None) -> Manifest:
        processes = min(MAX_BUILD_PROCESSES, os.cpu_count() or 1)
        if processes > 1 and len(files) >= PARALLEL_FROM and isinstance(ix.storage, CacheStorage):
            try:
                return self._fill_in_parts(ix, files, progress, processes)
            except _PartFailed:
                pass  # built here instead, in this process
        return self._fill_here(ix, files, progress)

    def _fill_in_parts(
        self, ix: Index, files: tuple[EntryFile, ...], progress: Progress | None, processes: int
    ) -> Manifest:
        """Build the index in parts, ``processes`` at a time, one segment each,
        committed together as Whoosh's own multi-segment MpWriter does. Each part is a
        fresh ``python -m kbtui.index.build_part``: nothing of this process (its
        threads, its main module) is copied or imported into them."""
        import pickle
        import subprocess
        import sys
        from multiprocessing.connection import wait

        writer = ix.writer()  # holds the index's lock while the parts are built
        chunks = _parts(files, processes)
        workers: list[subprocess.Popen[bytes]] = []
        results: dict[int, tuple[Any, dict[str, list[Any]], dict[str, str]]] = {}

        def start(number: int) -> None:
            worker = subprocess.Popen(
                [sys.executable, "-m", "kbtui.index.build_part"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            workers.append(worker)
            assert worker.stdin is not None and worker.stdout is not None
            pickle.dump((self.kb_root, ix.storage.folder, chunks[number]), worker.stdin)
            worker.stdin.close()
            waiting[worker.stdout] = (number, worker)

        try:
            waiting: dict[Any, tuple[int, subprocess.Popen[bytes]]] = {}
            upcoming = iter(range(len(chunks)))
            for number in itertools.islice(upcoming, processes):
                start(number)
            done = 0
            while waiting:
                for stream in wait(list(waiting)):
                    try:
                        message = pickle.load(stream)  # type: ignore[arg-type]
                    except Exception as error:  # it ended: killed, or it failed
                        raise _PartFailed from error
                    if message[0] == "progress":
                        done += message[1]
                        if progress:
                            progress(done, len(files))
                        continue
                    number, worker = waiting.pop(stream)
                    results[number] = (message[1], message[2], message[3])
                    if worker.wait() != 0:
                        raise _PartFailed
                    if worker.stdout is not None:
                        worker.stdout.close()
                    following = next(upcoming, None)
                    if following is not None:
                        start(following)
            segments = [results[number][0] for number in range(len(chunks))]
            writer._close_segment()  # its own segment is empty: the parts hold everything
            writer._commit_toc(segments)
            writer._finish()
        except BaseException:
            for worker in workers:
                with contextlib.suppress(OSError):
                    worker.kill()
                worker.wait()
                if worker.stdout is not None:
                    worker.stdout.close()
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        manifest = Manifest()
        assert manifest.links is not None
        for number in range(len(chunks)):
            _, rows, links = results[number]
            manifest.files.update(rows)
            manifest.links.update(links)
        return manifest

    def _fill_here(
        self, ix: Index, files: tuple[EntryFile, ...], progress: Progress | None
    ) -> Manifest:
        writer = ix.writer(limitmb=128)
        manifest = Manifest()
        try:
            for done, file in enumerate(files, 1):
                entry = self._read(file)
                writer.add_document(**document_for(entry))
                manifest.files[file.slug] = _row(file, entry)
                assert manifest.links is not None
                manifest.links[file.slug] = _encoded_links(entry)
                if progress:
                    progress(done, len(files))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return manifest

    def _build(self, files: tuple[EntryFile, ...], progress: Progress | None) -> None:
        self.close()
        if not self.in_memory:
            try:
                self._build_on_disk(files, progress)
                return
            except OSError:
                self.in_memory = True
                self.notices.append(
                    f"The cache folder {self.folder.parent} cannot be written; "
                    "the search index is kept in memory for this session."
                )
        ix = RamStorage().create_index(build_schema())
        self._ix, self._manifest = ix, self._fill(ix, files, progress)

    def _build_on_disk(self, files: tuple[EntryFile, ...], progress: Progress | None) -> None:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        # The build's lock is held from before its folder exists until after it is
        # gone, so a sweep by another kbtui never takes a live build for a dead one.
        token = f"{BUILD_PREFIX}{self.folder.name}-{os.getpid()}-{os.urandom(4).hex()}"
        staging = self.folder.with_name(token)
        claim = CacheLock(str(build_lock_path(staging)))
        claim.acquire(blocking=True)
        try:
            self._build_in(staging, files, progress)
        finally:
            claim.release()
            with contextlib.suppress(OSError):
                os.unlink(build_lock_path(staging))

    def _build_in(
        self, staging: Path, files: tuple[EntryFile, ...], progress: Progress | None
    ) -> None:
        staging.mkdir(mode=0o700)
        try:
            ix = CacheStorage(str(staging)).create_index(build_schema())
            manifest = self._fill(ix, files, progress)
            ix.close()
            manifest.write(staging, self.kb_root)
            manifest.links = None  # on disk now: read again when wanted
            old = staging.with_name(f"{staging.name}.old")
            # Swapping and opening is one step for every kbtui building this index at
            # once, so none finds the folder missing (moved out, the new one not yet in)
            # or opens a build that another is about to delete.
            swap = CacheLock(str(self.folder.with_name(f".{self.folder.name}.lock")))
            swap.acquire(blocking=True)
            try:
                with contextlib.suppress(FileNotFoundError):
                    os.replace(self.folder, old)
                try:
                    os.replace(staging, self.folder)
                except OSError:
                    # Another process moved its fresh build in first: use that one.
                    shutil.rmtree(staging, ignore_errors=True)
                ix = _open_dir(self.folder)
                searcher = _searcher_of(ix)  # its files stay readable once open
            finally:
                swap.release()
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._ix, self._searcher = ix, searcher
        self._manifest = manifest

    def _write_manifest(self, manifest: Manifest) -> None:
        try:
            manifest.write(self.folder, self.kb_root)
        except OSError:
            self.notices.append("The index manifest could not be saved; the next launch re-syncs.")

    # -- reading -----------------------------------------------------------------

    def search(self, text: str, limit: int = 20) -> SearchResult:
        """Ranked hits with snippets for whatever was typed; never raises on odd input."""
        with self._lock:
            try:
                return self._run(text, limit)
            except Exception:
                # Parsing never raises, so this was reading the index: the files under
                # it changed (another kbtui rebuilt it), or it was damaged (zlib, struct,
                # IndexError... from a bad segment). Open it afresh once; if it will not
                # open, or reading fails again, rebuild it.
                self.close()
                if not self.in_memory and self.open():
                    try:
                        return self._run(text, limit)
                    except Exception:
                        self.close()
                        self.notices.append(DAMAGED)
                self.sync(rebuild=True)
                return self._run(text, limit)

    def _run(self, text: str, limit: int) -> SearchResult:
        if self._searcher is None:
            self._searcher = _searcher_of(self.ix)
        return run(self._searcher, text, limit, self._vocabulary_for_searcher)

    def warm_up(self) -> None:
        """Open the searcher and build the spelling table before it is first needed.

        The table is built from a searcher of its own, outside the lock, so searches
        typed meanwhile are not held up (it takes a second on a 10,000-entry KB)."""
        with self._lock:
            if self._searcher is None:
                self._searcher = _searcher_of(self.ix)
            if self._vocabulary is not None:
                return
            ix = self.ix
        own = _searcher_of(ix)
        vocabulary = vocabulary_of(own)
        with self._lock:
            if self._vocabulary is None and self._ix is ix:
                self._vocabulary = vocabulary
                self._spare_searchers.append(own)  # its reader answers frequency lookups
            else:
                own.close()

    def _vocabulary_for_searcher(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = vocabulary_of(self._searcher)
        return self._vocabulary

    def similar(self, slug: str, limit: int = 10) -> list[tuple[str, float]]:
        """The entries most like ``slug`` in content, best first, with their similarity
        (0..1); empty when the KB is too small for its word counts to say much. The
        model is built on first use after each change (about a second at 10,000
        entries) and kept until the index changes again."""
        with self._lock:
            model, ix, changes = self._similarity, self.ix, self._changes
        if model is None:  # built outside the lock: searches go on meanwhile
            with ix.searcher() as searcher:
                model = similarity_from(searcher)
            with self._lock:
                if self._changes == changes:
                    self._similarity = model
        return model.similar(slug, limit) if model.usable else []

    def doc_count(self) -> int:
        with self.ix.searcher() as searcher:
            return int(searcher.doc_count())

    def link_rows(self, slugs: Collection[str] | None = None) -> Mapping[str, list[LinkRow]] | None:
        """Every entry's links as of the last sync ([section, kind, target, label] rows),
        or only those of ``slugs``; None when they are not at hand (then parse the KB)."""
        with self._lock:
            if self._manifest is None:
                return None
            # In memory, or just built: the manifest holds them; else read from disk.
            encoded = self._manifest.read_links(self.folder, self.kb_root)
        if encoded is None:
            return None
        if slugs is not None:
            return {slug: decode_links(encoded[slug]) for slug in slugs if slug in encoded}
        return _DecodedLinks(encoded)

    def list_entries(self) -> list[EntryOutline]:
        """Every entry's outline, sorted by type then title.

        Read from the listing the index keeps beside its segments (the same stored
        fields, written at each sync), so a 10,000-entry list needs no document reads.
        """
        if self._manifest is None:
            self.open()
        return (self._manifest or Manifest()).listing()


class _DecodedLinks(Mapping[str, list[LinkRow]]):
    """Every entry's link rows, each entry's decoded when it is looked up: a graph built
    from them never holds every row at once (at 50,000 entries, most of its peak)."""

    def __init__(self, encoded: Mapping[str, str]) -> None:
        self._encoded = encoded

    def __getitem__(self, slug: str) -> list[LinkRow]:
        return decode_links(self._encoded[slug])

    def __iter__(self) -> Iterator[str]:
        return iter(self._encoded)

    def __len__(self) -> int:
        return len(self._encoded)

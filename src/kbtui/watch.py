"""The KB changes underneath: notice files edited, added, renamed or removed, and bring
the session in step. No Textual: the TUI starts a :class:`KBWatcher` and turns the
library's events (or ``on_synced``) into its messages.

Two threads, neither the caller's: one watches (watchfiles' OS notifications, or a
stat scan every so often where those cannot be had) and only notes *that* something
changed; the other waits until the changes stop for a moment, then makes one
:meth:`Library.refresh` - one incremental index sync and one link-graph load - however
many files changed. A ``git checkout`` of 500 files is one sync.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbtui.kb.loader import ENTRY_SUFFIXES, NOT_ENTRIES

if TYPE_CHECKING:
    from kbtui.index.results import SyncReport
    from kbtui.library import Library

SETTLE = 0.2  # seconds without a change before syncing: a burst ends
MAX_DELAY = 1.5  # seconds after the first change of a burst to sync at the latest
POLL_INTERVAL = 1.0  # seconds between stat scans, when polling

Synced = Callable[["SyncReport | None"], None]


def is_entry_change(root: Path, path: str, deleted: bool) -> bool:
    """Whether a change at ``path`` can change the KB: an entry file, or a folder (one
    renamed or removed takes its entries with it). Dot files and folders are not read."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        return False
    if not parts or any(part.startswith(".") for part in parts):
        return False
    name = parts[-1].lower()
    if name.endswith(ENTRY_SUFFIXES):
        return name not in NOT_ENTRIES
    if os.path.isdir(path):
        return True
    return deleted and "." not in name  # a folder gone (it can no longer be asked)


class KBWatcher:
    """Keeps ``library`` in step with its folder until stopped.

    ``on_synced(report)`` is called on the watcher's own thread after each sync that
    changed something (``report`` is None when the index could not be had and the
    links were parsed afresh). ``backend`` is "watchfiles", "poll" or "auto" (the
    first, falling back to polling when the OS cannot watch)."""

    def __init__(
        self,
        library: Library,
        on_synced: Synced | None = None,
        backend: str = "auto",
        settle: float = SETTLE,
        max_delay: float = MAX_DELAY,
        poll_interval: float = POLL_INTERVAL,
    ) -> None:
        if backend not in ("auto", "watchfiles", "poll"):
            raise ValueError(f"unknown watcher backend {backend!r}")
        self.library = library
        self.root = library.root
        self.on_synced = on_synced
        self.backend = backend
        self.settle = settle
        self.max_delay = max_delay
        self.poll_interval = poll_interval
        self.syncs = 0  # refreshes made
        self.last_error: str | None = None  # the last sync or watch failure, as text
        self._stop = threading.Event()
        self._ready = threading.Event()  # watching: a change from now on is noticed
        self._changed = threading.Condition()
        self._first_change: float | None = None  # of the burst not yet synced
        self._last_change = 0.0
        self._syncing = False
        self._threads: list[threading.Thread] = []

    # -- starting and stopping -------------------------------------------------------

    def start(self) -> None:
        """Start watching, on threads of the watcher's own; returns at once (see
        :meth:`wait_ready`)."""
        if self._threads:
            return
        self._stop.clear()
        self._ready.clear()
        for target, name in ((self._watch, "kbtui-watch"), (self._sync_loop, "kbtui-sync")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def __enter__(self) -> KBWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Block until the watch is in place (a change from then on is noticed)."""
        return self._ready.wait(timeout)

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    # -- noticing ----------------------------------------------------------------------

    def notice(self) -> None:
        """Something in the KB changed: sync once the changes settle."""
        now = time.monotonic()
        with self._changed:
            if self._first_change is None:
                self._first_change = now
            self._last_change = now
            self._changed.notify_all()

    def _watch(self) -> None:
        if self.backend in ("auto", "watchfiles"):
            try:
                self._watch_notifications()
                return
            except Exception as error:  # no inotify (limits, a network disk): poll instead
                self.last_error = f"watching: {type(error).__name__}: {error}"
                if self.backend == "watchfiles":
                    return
        self.backend = "poll"
        self._watch_by_polling()

    def _watch_notifications(self) -> None:
        from watchfiles import Change

        # watchfiles' documented Rust backend, used directly so that the watch is known
        # to be in place (the OS watches are set when it is made) before anything waits.
        from watchfiles._rust_notify import RustNotify

        with RustNotify([str(self.root)], False, False, 300, True, True) as notifier:
            self.backend = "watchfiles"
            self._ready.set()
            while not self._stop.is_set():
                found = notifier.watch(200, 100, 1000, self._stop)
                if found == "stop":
                    return
                if isinstance(found, set) and any(
                    is_entry_change(self.root, path, Change(kind) is Change.deleted)
                    for kind, path in found
                ):
                    self.notice()

    def _watch_by_polling(self) -> None:
        from kbtui.kb.loader import scan

        def signature() -> frozenset[Any]:
            found = scan(self.root)
            return frozenset((f.relpath, f.size, f.mtime_ns) for f in found.files)

        seen = signature()
        self._ready.set()
        while not self._stop.wait(self.poll_interval):
            now = signature()
            if now != seen:
                seen = now
                self.notice()

    # -- syncing -----------------------------------------------------------------------

    def _sync_loop(self) -> None:
        while not self._stop.is_set():
            with self._changed:
                while self._first_change is None and not self._stop.is_set():
                    self._changed.wait()
                if self._stop.is_set():
                    return
                # Wait for the burst to end, but not for ever. Polling sees a burst in
                # slices, a scan apart: it has ended when a scan finds nothing more.
                settle = self.settle
                if self.backend == "poll":
                    settle = max(settle, self.poll_interval + 0.1)
                longest = max(self.max_delay, settle)
                while not self._stop.is_set():
                    now = time.monotonic()
                    assert self._first_change is not None
                    due = min(self._last_change + settle, self._first_change + longest)
                    if now >= due:
                        break
                    self._changed.wait(due - now)
                self._first_change = None
                self._syncing = True
            try:
                self._sync()
            finally:
                with self._changed:
                    self._syncing = False
                    self._changed.notify_all()

    def _sync(self) -> None:
        self.syncs += 1
        try:
            report = self.library.refresh()
        except Exception as error:  # any disk or index failure: reported, watching goes on
            self.last_error = f"sync: {type(error).__name__}: {error}"
            return
        if self.on_synced is not None and (report is None or report.changed):
            self.on_synced(report)

    def wait_settled(self, quiet: float = 1.0, timeout: float = 30.0) -> bool:
        """Block until no change is pending or being synced, and none has been noticed
        for ``quiet`` seconds (for scripts and tests). False on ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                now = time.monotonic()
                busy = self._syncing or self._first_change is not None
                calm_since = self._last_change + quiet
                if not busy and now >= calm_since:
                    return True
                if now >= deadline:
                    return False
                wait = deadline - now if busy else min(calm_since, deadline) - now
                self._changed.wait(max(wait, 0.01))

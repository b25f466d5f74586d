"""The user's own state: history, bookmarks, last entry and theme. No Textual.

:class:`UserState` is the one owner: front ends call its methods, never change the
lists themselves, and hear of every change through its listeners. It saves by
merging: under a lock it reads the file as it is now, applies what this process
changed since its last save, and writes the result in one step, so two kbtui
windows never lose each other's bookmarks. A state file that cannot be read (not a
file, not UTF-8, not JSON, nested too deep, not ours) is set aside beside itself and
reported, never a crash and never lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat as stat_mode
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbtui import paths

STATE_FILE = "state.json"
MAX_HISTORY = 200
MAX_STATE_BYTES = 8 << 20  # far beyond any real state file; a larger one is not ours


@dataclass
class History:
    """Back/forward history, browser style: a new visit drops the forward stack."""

    back_stack: list[str] = field(default_factory=list)
    current: str | None = None
    forward_stack: list[str] = field(default_factory=list)

    @property
    def can_back(self) -> bool:
        return bool(self.back_stack)

    @property
    def can_forward(self) -> bool:
        return bool(self.forward_stack)

    def visit(self, slug: str) -> None:
        """Go to ``slug`` as a new visit; a visit to the current entry changes nothing."""
        if slug == self.current:
            return
        if self.current is not None:
            self.back_stack.append(self.current)
            del self.back_stack[:-MAX_HISTORY]
        self.current = slug
        self.forward_stack.clear()

    def back(self) -> str | None:
        if not self.back_stack:
            return None
        if self.current is not None:
            self.forward_stack.append(self.current)
        self.current = self.back_stack.pop()
        return self.current

    def forward(self) -> str | None:
        if not self.forward_stack:
            return None
        if self.current is not None:
            self.back_stack.append(self.current)
        self.current = self.forward_stack.pop()
        return self.current

    def copy(self) -> History:
        return History(list(self.back_stack), self.current, list(self.forward_stack))

    def to_dict(self) -> dict[str, object]:
        return {
            "back": list(self.back_stack),
            "current": self.current,
            "forward": list(self.forward_stack),
        }

    @classmethod
    def from_dict(cls, data: object) -> History:
        if not isinstance(data, dict):
            return cls()

        def slugs(value: object) -> list[str]:
            if not isinstance(value, list):
                return []
            return [v for v in value if isinstance(v, str)][-MAX_HISTORY:]

        current = data.get("current")
        return cls(
            slugs(data.get("back")),
            current if isinstance(current, str) else None,
            slugs(data.get("forward")),
        )


@dataclass
class KBState:
    history: History = field(default_factory=History)
    bookmarks: list[str] = field(default_factory=list)


@dataclass
class State:
    """Everything in the state file: one :class:`KBState` per KB folder, the theme."""

    kbs: dict[str, KBState] = field(default_factory=dict)
    theme: str | None = None
    notice: str | None = None  # set when a damaged file was set aside while loading

    def for_kb(self, key: str) -> KBState:
        return self.kbs.setdefault(key, KBState())

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "theme": self.theme,
            "kbs": {
                key: {"history": s.history.to_dict(), "bookmarks": list(s.bookmarks)}
                for key, s in self.kbs.items()
            },
        }


def state_path() -> Path:
    return paths.data_dir() / STATE_FILE


def _from_dict(data: Any) -> State:
    if not isinstance(data, dict) or not isinstance(data.get("kbs", {}), dict):
        raise ValueError("not a kbtui state file")
    state = State(theme=data.get("theme") if isinstance(data.get("theme"), str) else None)
    for key, value in data.get("kbs", {}).items():
        if not isinstance(value, dict):
            continue
        marks = value.get("bookmarks")
        state.kbs[str(key)] = KBState(
            History.from_dict(value.get("history")),
            list(dict.fromkeys(m for m in marks if isinstance(m, str)))
            if isinstance(marks, list)
            else [],
        )
    return state


def _set_aside(path: Path, why: str) -> State:
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, aside)
        where = f"it was kept as {aside.name}"
    except OSError:
        where = "it was left where it is"
    return State(notice=f"Your saved state {why} and has been reset; {where}.")


def load_state(path: Path | None = None) -> State:
    """The state on disk; a fresh one (with a notice) when it cannot be used."""
    path = path or state_path()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return State()
    except OSError as error:
        return State(notice=f"Could not read your saved state ({error.strerror}); starting fresh.")
    if not stat_mode.S_ISREG(info.st_mode):  # a FIFO would block the start for ever
        return _set_aside(path, "was not a file")
    if info.st_size > MAX_STATE_BYTES:
        return _set_aside(path, "was far too large")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_STATE_BYTES + 1)
    except OSError as error:
        return State(notice=f"Could not read your saved state ({error.strerror}); starting fresh.")
    try:
        return _from_dict(json.loads(raw.decode("utf-8")))
    except (ValueError, TypeError, AttributeError, RecursionError):
        # ValueError covers bytes that are not UTF-8 and text that is not JSON.
        return _set_aside(path, "was damaged")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the state's lock file (another kbtui saving waits for this one)."""
    lock_path = path.with_name(f".{path.name}.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # not a POSIX system: saves are still atomic, not merged
            pass
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass(frozen=True)
class StateChange:
    """What changed: ``"bookmarks"``, ``"history"`` or ``"theme"``."""

    what: str
    slug: str | None = None


Listener = Callable[[StateChange], object]


class UserState:
    """The user's state for one KB, and the only code that changes it.

    Safe to call from several threads; listeners are called on the thread that made
    the change (a front end posts itself a message from them)."""

    def __init__(self, kb_key: str, path: Path | None = None, persist: bool = True) -> None:
        self.path = path or state_path()
        self.kb_key = kb_key
        self.persist = persist
        self._lock = threading.RLock()
        loaded = load_state(self.path)
        self.notice = loaded.notice
        self._theme = loaded.theme
        mine = loaded.kbs.get(kb_key, KBState())
        self._history = mine.history
        self._bookmarks = list(mine.bookmarks)
        self._added: set[str] = set()
        self._removed: set[str] = set()
        self._theme_changed = False
        self._listeners: list[Listener] = []

    # -- reading ---------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def bookmarks(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._bookmarks)

    def is_bookmarked(self, slug: str) -> bool:
        with self._lock:
            return slug in self._bookmarks

    @property
    def history(self) -> History:
        """A copy: change history through :meth:`visit`, :meth:`back`, :meth:`forward`."""
        with self._lock:
            return self._history.copy()

    @property
    def current(self) -> str | None:
        return self._history.current

    @property
    def can_back(self) -> bool:
        return self._history.can_back

    @property
    def can_forward(self) -> bool:
        return self._history.can_forward

    @property
    def theme(self) -> str | None:
        return self._theme

    # -- changing ----------------------------------------------------------------

    def _announce(self, change: StateChange) -> None:
        for listener in list(self._listeners):
            listener(change)

    def visit(self, slug: str) -> None:
        with self._lock:
            self._history.visit(slug)
        self._announce(StateChange("history", slug))

    def back(self) -> str | None:
        with self._lock:
            slug = self._history.back()
        self._announce(StateChange("history", slug))
        return slug

    def forward(self) -> str | None:
        with self._lock:
            slug = self._history.forward()
        self._announce(StateChange("history", slug))
        return slug

    def toggle_bookmark(self, slug: str) -> bool:
        """Add or remove a bookmark; True when ``slug`` is now bookmarked."""
        with self._lock:
            now = slug not in self._bookmarks
        if now:
            self.add_bookmark(slug)
        else:
            self.remove_bookmark(slug)
        return now

    def add_bookmark(self, slug: str) -> None:
        with self._lock:
            if slug in self._bookmarks:
                return
            self._bookmarks.append(slug)
            self._added.add(slug)
            self._removed.discard(slug)
        self._announce(StateChange("bookmarks", slug))

    def remove_bookmark(self, slug: str) -> None:
        with self._lock:
            if slug not in self._bookmarks:
                return
            self._bookmarks.remove(slug)
            self._removed.add(slug)
            self._added.discard(slug)
        self._announce(StateChange("bookmarks", slug))

    def set_theme(self, theme: str) -> None:
        with self._lock:
            self._theme = theme
            self._theme_changed = True
        self._announce(StateChange("theme"))

    # -- saving ------------------------------------------------------------------

    def save(self) -> None:
        """Merge this process's changes into the file. Raises OSError when the data
        folder cannot be written."""
        if not self.persist:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, _locked(self.path):
            disk = load_state(self.path)
            if disk.notice and not self.notice:
                self.notice = disk.notice
            theirs = disk.for_kb(self.kb_key)
            # What is on disk now, less what this process removed, plus what it added
            # (in its own order): another window's changes since are kept.
            merged = [m for m in theirs.bookmarks if m not in self._removed]
            merged += [m for m in self._bookmarks if m in self._added and m not in merged]
            theirs.bookmarks = merged
            theirs.history = self._history.copy()
            if self._theme_changed:
                disk.theme = self._theme
            paths.write_atomic(self.path, json.dumps(disk.to_dict(), indent=1), durable=True)
            changed = set(merged) ^ set(self._bookmarks)  # another kbtui's doing
            self._bookmarks = merged
            self._added.clear()
            self._removed.clear()
            self._theme_changed = False
        for slug in sorted(changed):
            self._announce(StateChange("bookmarks", slug))

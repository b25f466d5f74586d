"""The user's state (last entry, history, bookmarks, theme) under the user data dir.

Written atomically (a temporary file, then a rename). A state file that cannot be
read is set aside next to itself and reported, never a crash and never lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbtui import paths
from kbtui.kb.history import History

STATE_FILE = "state.json"


@dataclass
class KBState:
    history: History = field(default_factory=History)
    bookmarks: list[str] = field(default_factory=list)

    def toggle_bookmark(self, slug: str) -> bool:
        """Add or remove a bookmark; returns True when ``slug`` is now bookmarked."""
        if slug in self.bookmarks:
            self.bookmarks.remove(slug)
            return False
        self.bookmarks.append(slug)
        return True


@dataclass
class State:
    kbs: dict[str, KBState] = field(default_factory=dict)
    theme: str | None = None
    notice: str | None = None  # set when a damaged file was set aside while loading

    def for_kb(self, root: Path) -> KBState:
        return self.kbs.setdefault(str(root), KBState())

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
            [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else [],
        )
    return state


def load_state(path: Path | None = None) -> State:
    path = path or state_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return State()
    except OSError as error:
        return State(notice=f"Could not read your saved state ({error.strerror}); starting fresh.")
    try:
        return _from_dict(json.loads(raw))
    except (ValueError, TypeError, AttributeError):
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
            where = f"it was kept as {aside.name}"
        except OSError:
            where = "it was left where it is"
        return State(notice=f"Your saved state was damaged and has been reset; {where}.")


def save_state(state: State, path: Path | None = None) -> None:
    """Write the state atomically. Raises OSError when the data dir cannot be written."""
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state.to_dict(), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

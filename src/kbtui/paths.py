"""Where kbtui finds its KB and keeps its cache and state, and how it writes a file.

This is the only module that knows platformdirs and the environment overrides.
Nothing here creates a directory: callers create what they write, when they write it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

APP_NAME = "kbtui"
ENV_KB = "KBTUI_KB"
ENV_CACHE_DIR = "KBTUI_CACHE_DIR"
ENV_DATA_DIR = "KBTUI_DATA_DIR"


def cache_dir() -> Path:
    """The directory for rebuildable data (search indexes)."""
    override = os.environ.get(ENV_CACHE_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The directory for the user's own state (history, bookmarks)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def bundled_kb() -> Path:
    """The KB shipped with the package (the repository's top-level ``kb/``)."""
    packaged = Path(__file__).resolve().parent / "_kb"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout or an editable install.
    return Path(__file__).resolve().parents[2] / "kb"


def kb_display_name(root: Path) -> str:
    """How to name a KB to a person: its folder name, or "starter KB" for the bundled one."""
    try:
        if root.resolve() == bundled_kb().resolve():
            return "starter KB"
    except OSError:
        pass
    return root.name


class KBLocationError(Exception):
    """The KB folder asked for cannot be used; the message is one clear sentence."""


def resolve_kb(arg: str | None) -> Path:
    """The KB root: ``--kb`` first, then ``$KBTUI_KB``, then the bundled KB."""
    if arg:
        raw, origin = arg, "--kb"
    elif os.environ.get(ENV_KB):
        raw, origin = os.environ[ENV_KB], ENV_KB
    else:
        raw, origin = str(bundled_kb()), "the bundled KB"
    path = Path(raw).expanduser()
    if not path.exists():
        raise KBLocationError(f"The KB folder {raw!r} ({origin}) does not exist.")
    if not path.is_dir():
        raise KBLocationError(f"The KB path {raw!r} ({origin}) is a file, not a folder.")
    return path.resolve()


def write_atomic(path: Path, text: str, shared: bool = False, durable: bool = False) -> None:
    """Write ``text`` to ``path`` in one step: a temporary file beside it, then a rename,
    so a reader sees the old file or the new one, never half of one. The file is
    private (0600) unless ``shared``, when it gets the user's umask like any file they
    make (a handout). ``durable`` syncs it to disk before the rename."""
    import tempfile  # here, not at import: kbtui.cli stays small, its stat pass starts sooner

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

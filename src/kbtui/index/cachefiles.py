"""The files of the cache folder, opened only when they are what kbtui wrote there.

Whoosh's own storage opens its segment files and locks with a plain ``open``: a FIFO
put in their place blocks it for ever, a symlink leads it out of the cache. Here every
open goes through :func:`kbtui.kb.boundary.open_cache_file`; a lock file that is not a
file is replaced (it holds nothing), anything else refused is an OSError that the
index answers by rebuilding.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from kbtui.kb.boundary import NotAFile, open_cache_file

_NOT_A_FILE = (errno.ELOOP, errno.ENXIO, errno.EISDIR)


class CacheLock:
    """An exclusive lock on a file of the cache, released when its holder dies."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def _open(self) -> int:
        try:
            return open_cache_file(self.path, os.O_RDWR | os.O_CREAT)
        except OSError as error:
            if not isinstance(error, NotAFile) and error.errno not in _NOT_A_FILE:
                raise
        with contextlib.suppress(FileNotFoundError):  # a lock holds nothing: replace it
            os.unlink(self.path)
        return open_cache_file(self.path, os.O_RDWR | os.O_CREAT)

    def acquire(self, blocking: bool = False) -> bool:
        import fcntl

        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None


class CacheStorage(FileStorage):  # type: ignore[misc]
    """Whoosh's file storage, opening its files and locks as cache files."""

    def open_file(self, name: str, **kwargs: Any) -> Any:
        handle = os.fdopen(open_cache_file(Path(self._fpath(name))), "rb")
        return StructFile(handle, name=name, **kwargs)

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
        if excl:  # O_EXCL already refuses whatever is there
            return super().create_file(name, excl=excl, mode=mode, **kwargs)
        flags = os.O_RDWR | os.O_CREAT | os.O_TRUNC
        handle = os.fdopen(open_cache_file(Path(self._fpath(name)), flags), mode)
        return StructFile(handle, name=name, **kwargs)

    def lock(self, name: str) -> CacheLock:
        return CacheLock(self._fpath(name))


BUILD_PREFIX = ".build-"
# A build folder with no lock file beside it is from a kbtui before build locks (or
# one killed while tidying up): swept once it is this old, in seconds.
UNLOCKED_AGE = 3600.0


def build_lock_path(folder: Path) -> Path:
    """The lock a build holds for as long as it lives, beside its folder (or the folder
    the index it replaced was moved to, ``<build>.old``)."""
    return folder.with_name(f"{folder.name.removesuffix('.old')}.lock")


def sweep_dead_builds(parent: Path) -> None:
    """Remove the folders of builds whose process has gone (killed, or its terminal
    closed): their lock is free. A build still running holds its lock and is left."""
    import fcntl
    import shutil
    import time

    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith((BUILD_PREFIX, ".old-"))]
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(".lock") or not entry.is_dir(follow_symlinks=False):
            continue
        lock = build_lock_path(Path(entry.path))
        try:
            fd = open_cache_file(lock, os.O_RDWR)
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > UNLOCKED_AGE:
                    shutil.rmtree(entry.path, ignore_errors=True)
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # its build is running
            continue
        try:
            shutil.rmtree(entry.path, ignore_errors=True)
            sibling = entry.path[: -len(".old")] if entry.name.endswith(".old") else entry.path
            for folder in (sibling, f"{sibling}.old"):
                shutil.rmtree(folder, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
        finally:
            os.close(fd)

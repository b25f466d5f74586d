"""A sync's stat pass, run ahead in a child process while this one starts up.

A one-off ``kbtui search`` spends most of its time importing Whoosh and opening the
index, and the rest stat-ing every entry file to learn whether the index is still up
to date. The two need nothing of each other, and a laptop has more than one core: a
child forked first scans the KB and compares it with the manifest while this process
imports and opens. The index is used as it stands only if the child found the very
manifest that was opened (the same generation) up to date with the files; otherwise
the sync runs as ever. Where there is no fork (Windows), nothing runs ahead.

Importable without Whoosh: that is the point of it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kbtui.index.manifest import Manifest, index_dir_for
from kbtui.kb.loader import scan


class CheckAhead:
    """A stat pass running in a child process; :meth:`up_to_date` waits for it."""

    def __init__(self, pid: int, answer_fd: int) -> None:
        self._pid = pid
        self._fd = answer_fd
        self._generation: str | None = None

    @classmethod
    def start(cls, kb_root: Path, cache_root: Path | None = None) -> CheckAhead | None:
        """Fork the check for this KB's index, or None where processes cannot fork.

        Call it before threads are started (a CLI command's first step)."""
        if not hasattr(os, "fork"):
            return None
        root = kb_root.resolve()
        folder = index_dir_for(root, cache_root)
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # the child: answer, then leave without running anything else
            status = 1
            try:
                os.close(read_fd)
                os.write(write_fd, _fresh_generation(root, folder).encode("ascii"))
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        return cls(pid, read_fd)

    def up_to_date(self, generation: str) -> bool:
        """True if the child found the manifest of ``generation`` up to date."""
        return bool(generation) and self._answer() == generation

    def close(self) -> None:
        self._answer()

    def _answer(self) -> str:
        if self._generation is None:
            chunks = []
            with contextlib.suppress(OSError):
                while chunk := os.read(self._fd, 256):
                    chunks.append(chunk)
            os.close(self._fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            answer = b"".join(chunks).decode("ascii", "replace")
            self._generation = answer if answer.isalnum() else ""
        return self._generation


def _fresh_generation(kb_root: Path, folder: Path) -> str:
    """The generation of the index's manifest if the files are as it records, else ""."""
    found = scan(kb_root)
    manifest = Manifest.read(folder, kb_root)
    if manifest is None:
        return ""
    changed, removed = manifest.changes(found.files)
    return "" if changed or removed else manifest.generation

"""A sync's stat pass, run ahead in a child process while this one starts up.

A one-off ``kbtui search`` spends most of its time importing Whoosh and opening the
index, and the rest stat-ing every entry file to learn whether the index is still up
to date. The two need nothing of each other, and a laptop has more than one core: a
child forked first scans the KB and digests what it saw while this process imports
and opens. The index is used as it stands only if that digest is the one recorded in
the very manifest that was opened (the files it indexed); otherwise the sync runs as
ever. Where there is no fork (Windows), nothing runs ahead.

Importable without Whoosh or the KB modules: ``kbtui search`` starts it first thing,
before its command line is parsed, and the child imports the loader itself while the
parent imports the rest.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbtui.index.manifest import Manifest


class CheckAhead:
    """A stat pass running in a child process; :meth:`up_to_date` waits for it."""

    def __init__(self, root: Path, pid: int, answer_fd: int) -> None:
        self.root = root  # the KB it scans, resolved
        self._pid = pid
        self._fd = answer_fd
        self._digest: str | None = None

    @classmethod
    def start(cls, kb_root: Path) -> CheckAhead | None:
        """Fork the stat pass of this KB, or None where processes cannot fork.

        Call it before threads are started (a CLI command's first step)."""
        if not hasattr(os, "fork"):
            return None
        root = kb_root.resolve()
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
                from kbtui.index.manifest import stat_digest
                from kbtui.kb.loader import scan

                os.write(write_fd, stat_digest(scan(root).files).encode("ascii"))
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        return cls(root, pid, read_fd)

    def up_to_date(self, manifest: Manifest) -> bool:
        """True if the files the child saw are those ``manifest`` records."""
        return bool(manifest.stat_digest) and self._answer() == manifest.stat_digest

    def close(self) -> None:
        """Done with it: a child still scanning is stopped (its answer is not wanted)."""
        if self._digest is None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
        self._answer()

    def _answer(self) -> str:
        if self._digest is None:
            chunks = []
            with contextlib.suppress(OSError):
                while chunk := os.read(self._fd, 256):
                    chunks.append(chunk)
            os.close(self._fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            answer = b"".join(chunks).decode("ascii", "replace")
            self._digest = answer if answer.isalnum() else ""
        return self._digest

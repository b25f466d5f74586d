"""Search-as-you-type on one thread of its own: the newest query wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

R = TypeVar("R")


class Searcher(Generic[R]):
    """Runs ``search`` for submitted queries on one background thread, one at a time.

    A query replaced by a newer one before its turn is never run, so a fast typist
    or a held-down key never queues work; and the thread is already running when a
    key arrives (a Textual worker starts only after the frame that echoes the key).
    ``done`` and ``failed`` are called on the search thread: they should post a
    message to the app."""

    def __init__(
        self,
        search: Callable[[str], R],
        done: Callable[[R], object],
        failed: Callable[[str, Exception], object],
    ) -> None:
        self._search = search
        self._done = done
        self._failed = failed
        self._cond = threading.Condition()
        self._pending: str | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, text: str) -> None:
        with self._cond:
            if self._closed:
                return
            self._pending = text
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="kbtui-search", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def cancel(self) -> None:
        """Forget a query that has not started yet."""
        with self._cond:
            self._pending = None
            self._cond.notify_all()

    @property
    def idle(self) -> bool:
        with self._cond:
            return self._pending is None and not self._busy

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._pending = None
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                text = self._pending
                if self._closed or text is None:
                    return
                self._pending = None
                self._busy = True
            try:
                self._done(self._search(text))
            except Exception as error:
                self._failed(text, error)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

"""The room's recent searches, each worked out once for everyone.

A room searches as it types, and it types the same things: thirty phones asking
"o", "or", "org" within seconds of each other, each a full search of the index (tens
of milliseconds on one core, held up behind each other by the index's lock). The
answer to a query is kept until the KB session says anything changed (every
library event clears it), and a query asked again while it is being worked out
waits for that answer instead of searching again. A failure is never kept: the
next asker tries afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")

KEEP = 1024  # answers kept; the least recently asked goes first


class RecentSearches(Generic[T]):
    """Answers by query, shared between the server's threads."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, T] = OrderedDict()
        self._pending: dict[str, Future[T]] = {}
        self._generation = 0  # grows with every clear: older answers are not kept

    def answer(self, query: str, work_out: Callable[[str], T]) -> T:
        """The answer to ``query``: kept, being worked out by another thread, or
        worked out now with ``work_out`` (whose exceptions reach every asker)."""
        with self._lock:
            if query in self._answers:
                self._answers.move_to_end(query)
                return self._answers[query]
            pending = self._pending.get(query)
            if pending is None:
                mine: Future[T] = Future()
                self._pending[query] = mine
                generation = self._generation
        if pending is not None:
            return pending.result()
        try:
            found = work_out(query)
        except BaseException as error:
            with self._lock:
                self._pending.pop(query, None)
            mine.set_exception(error)
            raise
        with self._lock:
            if self._pending.get(query) is mine:
                del self._pending[query]
            if generation == self._generation:
                self._answers[query] = found
                while len(self._answers) > self.keep:
                    self._answers.popitem(last=False)
        mine.set_result(found)
        return found

    def clear(self) -> None:
        """Forget every answer (the KB or its index changed); searches under way
        finish, but what they find is not kept."""
        with self._lock:
            self._answers.clear()
            self._pending.clear()
            self._generation += 1

    def __len__(self) -> int:
        return len(self._answers)

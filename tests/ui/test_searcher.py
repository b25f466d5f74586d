"""The search thread: one query at a time, the newest wins, failures are reported."""

from __future__ import annotations

import threading
import time

from kbtui.ui.searcher import Searcher


def wait_idle(searcher: Searcher[str], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not searcher.idle:
        assert time.monotonic() < deadline, "the searcher never went idle"
        time.sleep(0.005)


def test_queries_replaced_while_one_runs_are_skipped() -> None:
    release = threading.Event()
    started: list[str] = []
    done: list[str] = []

    def search(text: str) -> str:
        started.append(text)
        if text == "a":
            release.wait(5)
        return text.upper()

    searcher: Searcher[str] = Searcher(search, done.append, lambda t, e: None)
    searcher.submit("a")
    while not started:
        time.sleep(0.001)
    for text in ("ab", "abc", "abcd"):  # typed while "a" is still being searched
        searcher.submit(text)
    assert not searcher.idle
    release.set()
    wait_idle(searcher)
    assert started == ["a", "abcd"]
    assert done == ["A", "ABCD"]
    searcher.close()


def test_cancel_forgets_a_waiting_query_and_failures_are_reported() -> None:
    release = threading.Event()
    failures: list[tuple[str, str]] = []
    done: list[str] = []

    def search(text: str) -> str:
        if text == "slow":
            release.wait(5)
        if text == "bad":
            raise OSError("index gone")
        return text

    searcher: Searcher[str] = Searcher(
        search, done.append, lambda text, error: failures.append((text, str(error)))
    )
    searcher.submit("slow")
    time.sleep(0.05)
    searcher.submit("never")
    searcher.cancel()  # the box was cleared
    release.set()
    wait_idle(searcher)
    assert done == ["slow"]
    searcher.submit("bad")
    wait_idle(searcher)
    assert failures == [("bad", "index gone")]
    searcher.submit("after")  # the thread survives a failure
    wait_idle(searcher)
    assert done == ["slow", "after"]
    searcher.close()
    searcher.submit("closed")
    time.sleep(0.05)
    assert done == ["slow", "after"]

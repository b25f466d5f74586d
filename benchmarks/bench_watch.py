"""How the KB watcher does on a large KB: watchfiles' OS notifications against stat
polling at several intervals.

    python benchmarks/bench_watch.py [--entries 10000] [--work DIR] [--idle 10]
                                     [--kb KB --cache CACHE_DIR] [--no-app | --app-only]
                                     [--samples 5]

Per way of watching: the watcher's idle CPU (share of one core, over ``--idle``
seconds with nothing changing), change to noticed and change to synced (one file
edited; medians of 3), and a 500-file burst to settled (and how many syncs it took).
The KB is generated once under ``--work`` (or ``--kb``: it is edited and put back as
it was) and its index built once (in ``--cache``, else beside it).

Then the app itself (Pilot, headless, its own watcher): from a new file written to the
list showing it (the header's entry count) and to its links being known (the link
graph loaded again or brought up to date), and a 500-file burst to the list showing
them all.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_kb import generate

from kbtui.index.results import SyncReport
from kbtui.library import Library
from kbtui.watch import KBWatcher

BURST = 500


class Clock:
    """When the watcher noticed something, and when it last finished a sync."""

    def __init__(self) -> None:
        self.noticed: list[float] = []
        self.synced: list[float] = []
        self.event = threading.Event()

    def on_synced(self, _report: SyncReport | None) -> None:
        self.synced.append(time.monotonic())
        self.event.set()


def measure(library: Library, backend: str, interval: float, idle: float) -> str:
    clock = Clock()
    watcher = KBWatcher(library, clock.on_synced, backend=backend, poll_interval=interval)
    notice = watcher.notice

    noticed = threading.Event()

    def noted() -> None:
        clock.noticed.append(time.monotonic())
        noticed.set()
        notice()

    watcher.notice = noted  # type: ignore[method-assign]
    watcher.start()
    watcher.wait_ready(60)
    try:
        started_cpu, started = time.process_time(), time.monotonic()
        time.sleep(idle)
        cpu = (time.process_time() - started_cpu) / (time.monotonic() - started)

        to_notice, to_sync = [], []
        target = library.root / "concept-00002.md"
        original = target.read_text(encoding="utf-8")
        for round_number in range(3):
            clock.event.clear()
            clock.noticed.clear()
            changed = time.monotonic()
            target.write_text(original + f"\nEdited {round_number}.\n", encoding="utf-8")
            if not clock.event.wait(30):
                return f"{backend}: no sync within 30 s"
            to_notice.append(clock.noticed[0] - changed)
            to_sync.append(clock.synced[-1] - changed)
            watcher.wait_settled(quiet=0.5)
        target.write_text(original, encoding="utf-8")
        watcher.wait_settled(quiet=0.5)

        syncs = watcher.syncs
        clock.synced.clear()
        noticed.clear()
        burst = library.root / "burst"
        burst.mkdir(exist_ok=True)
        changed = time.monotonic()
        for number in range(BURST):
            (burst / f"entry-{number:03d}.md").write_text(
                f"# Burst {number}\n\n## Summary\nA burst. Of files.\n", encoding="utf-8"
            )
        written = time.monotonic() - changed
        noticed.wait(30)
        watcher.wait_settled(quiet=2.0 + interval, timeout=120)
        settled = (clock.synced[-1] - changed) if clock.synced else float("nan")
        burst_syncs = watcher.syncs - syncs
        shutil.rmtree(burst)
        watcher.wait_settled(quiet=1.0, timeout=120)
    finally:
        watcher.stop()
    name = backend if backend != "poll" else f"poll every {interval * 1000:.0f} ms"
    return (
        f"{name:>22}: idle CPU {cpu * 100:5.2f}% of a core · change to noticed "
        f"{statistics.median(to_notice) * 1000:5.0f} ms · to synced (list, index and links) "
        f"{statistics.median(to_sync) * 1000:5.0f} ms · {BURST}-file burst to settled "
        f"{settled:5.2f} s in {burst_syncs} sync{'s' if burst_syncs != 1 else ''} "
        f"(written in {written:.2f} s)"
    )


def measure_app(kb: Path, cache: Path, samples: int = 5) -> str:
    """In the running app: a file written to the list showing it, and a burst."""
    import asyncio
    import os

    os.environ["KBTUI_CACHE_DIR"] = str(cache)
    os.environ.setdefault("KBTUI_DATA_DIR", tempfile.mkdtemp(prefix="kbtui-bench-data-"))
    from kbtui.ui.app import KBApp
    from kbtui.ui.widgets.search_pane import entries_noun

    app = KBApp(kb)
    shown: list[float] = []
    linked: list[float] = []
    burst_shown = float("nan")

    async def until(pilot: object, wanted: str, timeout: float = 60) -> float:
        started = time.monotonic()
        while wanted not in app.sub_title:
            if time.monotonic() - started > timeout:
                return float("nan")
            await pilot.pause(0.01)  # type: ignore[attr-defined]
        return time.monotonic()

    async def run() -> None:
        nonlocal burst_shown
        async with app.run_test(size=(120, 40)) as pilot:
            while app._watcher is None or not app._watcher.wait_ready(0):
                await pilot.pause(0.1)
            count = len(app.library)
            await pilot.pause(1.0)
            for number in range(samples):
                written = time.monotonic()
                (kb / f"appeared-{number}.md").write_text(
                    f"# Appeared {number}\n\n## Summary\nNew.\n", encoding="utf-8"
                )
                count += 1
                shown.append(await until(pilot, entries_noun(count)) - written)
                while not app.library.graph_ready:  # its links and backlinks known
                    await pilot.pause(0.01)
                linked.append(time.monotonic() - written)
                await pilot.pause(1.0)
            burst = kb / "app-burst"
            burst.mkdir(exist_ok=True)
            written = time.monotonic()
            for number in range(BURST):
                (burst / f"entry-{number:03d}.md").write_text(
                    f"# Burst {number}\n\n## Summary\nA burst.\n", encoding="utf-8"
                )
            burst_shown = await until(pilot, entries_noun(count + BURST), 120) - written

    try:
        asyncio.run(run())
    finally:
        shutil.rmtree(kb / "app-burst", ignore_errors=True)
        for number in range(samples):
            (kb / f"appeared-{number}.md").unlink(missing_ok=True)
    return (
        f"{'the app (watchfiles)':>22}: new file to shown in the list "
        f"{statistics.median(shown) * 1000:5.0f} ms (median of {samples}, worst "
        f"{max(shown) * 1000:.0f}), to its links known {statistics.median(linked) * 1000:5.0f} ms"
        f" (worst {max(linked) * 1000:.0f}) · {BURST}-file burst to all shown {burst_shown:5.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--intervals", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    parser.add_argument("--kb", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--no-app", action="store_true", help="skip the app's own figures")
    parser.add_argument("--app-only", action="store_true", help="only the app's own figures")
    parser.add_argument("--samples", type=int, default=5, help="new files written in the app")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    kb = args.kb or work / f"kb-{args.entries}-watch"
    if not kb.exists():
        generate(kb, args.entries)
    cache = args.cache or work / "watch-cache"
    library = Library(kb, cache_root=cache)
    started = time.monotonic()
    report = library.open_index()
    library.load_graph()
    print(
        f"{args.entries:,} entries; index ready in {time.monotonic() - started:.1f} s "
        f"({report.describe() if report else 'no index'})"
    )
    if not args.app_only:
        print(measure(library, "watchfiles", 0, args.idle))
        for interval in args.intervals:
            print(measure(library, "poll", interval, args.idle))
    library.close()
    if not args.no_app:
        print(measure_app(kb, cache, args.samples))


if __name__ == "__main__":
    main()

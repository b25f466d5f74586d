"""What each private Textual override (kbtui.ui.internals) and the GC pause buy, in process.

    python benchmarks/bench_overrides.py [--entries 10000] [--work DIR]

Each figure is the CPU time (process_time: less sensitive to a busy machine than wall
time) of the same work with the override and with Textual's own code put back, the
best of five. Figures only: nothing here passes or fails.

1. The grouped list of every entry built (GroupList.show_groups), on a 10,000-entry
   listing: QuickOptionList's line map vs OptionList._update_lines.
2. Typing 40 keys into the search box with nothing searched: QuietInput vs Input.
3. The link graph from the index's link rows: with the collector paused vs running.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_kb import generate  # noqa: E402


def best(times: list[float]) -> str:
    return f"{min(times) * 1000:7.1f} ms"


def list_build(outlines: list, quick: bool) -> float:  # type: ignore[type-arg]
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    from kbtui.ui.widgets.entry_list import GroupList

    if not quick:
        GroupList._update_lines = OptionList._update_lines  # type: ignore[method-assign]
    spent: list[float] = []

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield GroupList(id="entries")

    async def run() -> None:
        app = Bench()
        async with app.run_test(size=(120, 36)) as pilot:
            groups = app.query_one(GroupList)
            started = time.process_time()
            groups.show_groups(outlines)
            await pilot.pause()
            spent.append(time.process_time() - started)

    try:
        asyncio.run(run())
    finally:
        if not quick:
            del GroupList._update_lines  # back to QuickOptionList's
    return spent[0]


def typing(outlines: list, quiet: bool) -> float:  # type: ignore[type-arg]
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.widgets import Footer, Header, Input, Static

    from kbtui.ui.internals import QuietInput
    from kbtui.ui.widgets.entry_list import GroupList

    spent: list[float] = []

    class Bench(App[None]):
        CSS = "#side { width: 40; } #reader { width: 1fr; }"

        def compose(self) -> ComposeResult:  # the main screen's shape, a full list
            yield Header()
            with Horizontal():
                with Vertical(id="side"):
                    yield (QuietInput if quiet else Input)(id="box")
                    yield GroupList(id="entries")
                    yield Static("status")
                with VerticalScroll(id="reader"):
                    yield Static("An entry\n" * 200)
            yield Footer()

    async def run() -> None:
        app = Bench()
        async with app.run_test(size=(120, 36)) as pilot:
            app.query_one(GroupList).show_groups(outlines)
            await pilot.pause()
            app.query_one("#box").focus()
            started = time.process_time()
            await pilot.press(*("organising" * 4))
            spent.append(time.process_time() - started)

    asyncio.run(run())
    return spent[0]


def graph_load(kb: Path, paused: bool) -> float:
    from kbtui.library import Library

    library = Library(kb)
    library.open_index()
    if not paused:
        real_disable = gc.disable
        gc.disable = lambda: None  # type: ignore[assignment]
    try:
        started = time.process_time()
        library._graph_from_index()  # the step the pause is for
        return time.process_time() - started
    finally:
        if not paused:
            gc.disable = real_disable  # type: ignore[assignment]
        gc.unfreeze()


def repeat(work: Callable[[], float], times: int = 5) -> list[float]:
    return [work() for _ in range(times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    big = work / f"kb-{args.entries}"
    if not big.exists():
        generate(big, args.entries)
    os.environ.setdefault("KBTUI_CACHE_DIR", str(work / "cache-startup"))
    from kbtui.library import Library

    outlines = list((Library(big).open_index() and Library(big).cached_listing()) or ())
    print(f"private overrides, {args.entries:,} entries, best of 5 (CPU time)")
    with_it, without = (
        repeat(lambda: list_build(outlines, True)),
        repeat(lambda: list_build(outlines, False)),
    )
    print(f"grouped list built: line map {best(with_it)}   OptionList's own {best(without)}")
    with_it, without = (
        repeat(lambda: typing(outlines, True)),
        repeat(lambda: typing(outlines, False)),
    )
    print(f"40 keys typed:      QuietInput {best(with_it)}   Input {best(without)}")
    with_it, without = repeat(lambda: graph_load(big, True)), repeat(lambda: graph_load(big, False))
    print(f"link graph loaded:  GC paused  {best(with_it)}   GC running {best(without)}")


if __name__ == "__main__":
    main()

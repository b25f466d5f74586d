"""kbtui at scale: the first build, the index's size, `kbtui search`, `check` and the
app's memory, at 10,000 and 50,000 entries.

    python benchmarks/bench_scale.py [--sizes 10000 50000] [--work DIR]
                                     [--before OTHER_PYTHON] [--runs 5] [--no-app]

Per size, on a KB from benchmarks/gen_kb.py, each figure a whole process:
- the first `kbtui search` (which builds the index): its time, its peak RSS (with its
  build processes'), the build folder's largest size on disk while it ran (sampled
  every 50 ms) against the final index's;
- `kbtui search WORD` on the built index against `python -c "import whoosh.index"`
  and against Whoosh alone searching the same index (open it as kbtui does, one term
  query, print the top ten titles: what any search of it costs), medians of
  ``--runs``, taking turns;
- `kbtui check`: time and peak RSS;
- unless ``--no-app``: the app's RSS once it has listed the KB and its RSS has not
  moved for 5 s (run in tmux at 120x40, read from /proc).
With ``--before`` (the Python of another install, say the code before a change) the
build and search figures are given for it too. Figures only, nothing asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from gen_kb import generate

KBTUI = "from kbtui.cli import main; raise SystemExit(main())"
# Whoosh alone: the index opened as kbtui opens it (files read as needed), one term
# looked up in the body field, the top ten titles printed. No kbtui code runs but the
# analyzer the index's schema names.
WHOOSH_ALONE = """
import sys
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term
ix = FileStorage(sys.argv[1], supports_mmap=False).open_index()
with ix.searcher() as searcher:
    term = next(iter(ix.schema["content"].process_text(sys.argv[2], mode="query")))
    for hit in searcher.search(Term("content", term), limit=10):
        print(hit["title"])
"""


def folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def timed(command: list[str], env: dict[str, str], watch: Path | None = None) -> dict[str, float]:
    """Run ``command``; its wall time, peak RSS (MB, its children's included) and, with
    ``watch``, the largest size of that folder seen while it ran."""
    largest = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            if watch is not None and watch.exists():
                largest[0] = max(largest[0], folder_size(watch))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(f'PEAK {peak}', file=sys.stderr)\n"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script, *command], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    peak = [line for line in result.stderr.splitlines() if line.startswith("PEAK ")]
    return {
        "seconds": seconds,
        "peak_mb": int(peak[-1].split()[1]) / 1024 if peak else float("nan"),
        "largest_mb": largest[0] / 1e6,
    }


def app_idle_rss(python: str, kb: Path, env: dict[str, str]) -> float:
    """The app's RSS (MB) once it lists the KB and has settled, run in tmux."""
    name = f"kbtui-scale-{os.getpid()}"
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "120",
            "-y",
            "40",
            "env",
            *[f"{k}={v}" for k, v in env.items() if k.startswith("KBTUI")],
            python,
            "-c",
            KBTUI,
            "--kb",
            str(kb),
        ],
        check=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if "entries" in screen and "Loading" not in screen and "Indexing" not in screen:
                break
            time.sleep(0.5)
        pid = subprocess.run(
            ["tmux", "list-panes", "-t", name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.split()[0]

        def rss_mb() -> float:
            status = Path(f"/proc/{pid}/status").read_text()
            return next(
                int(line.split()[1]) / 1024
                for line in status.splitlines()
                if line.startswith("VmRSS")
            )

        # Idle: the list is shown and the loading behind it (index, links) is over,
        # which is when the RSS has not moved by 1 MB for 5 s running.
        seen = [rss_mb()]
        while time.monotonic() < deadline:
            time.sleep(1)
            seen.append(rss_mb())
            if len(seen) >= 6 and max(seen[-6:]) - min(seen[-6:]) < 1:
                break
        return seen[-1]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def bench(size: int, work: Path, pythons: dict[str, str], runs: int, app: bool) -> None:
    kb = work / f"kb-{size}"
    if not kb.exists():
        generate(kb, size)
    print(f"\n== {size:,} entries ==")
    for label, python in pythons.items():
        cache = work / f"cache-{size}-{label}"
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        env = {**os.environ, "KBTUI_CACHE_DIR": str(cache)}
        first = timed([python, "-c", KBTUI, "search", "--kb", str(kb), "organizing"], env, cache)
        index = folder_size(cache)
        print(
            f"[{label}] first build (kbtui search)  {first['seconds']:7.1f} s   peak RSS "
            f"{first['peak_mb']:6.0f} MB   build folder at most {first['largest_mb']:6.1f} MB"
            f" / index {index / 1e6:6.1f} MB = {first['largest_mb'] / (index / 1e6):.2f}x"
        )
        (folder,) = (p for p in (cache / "indexes").iterdir() if not p.name.startswith("."))
        commands = {
            "kbtui search": [python, "-c", KBTUI, "search", "--kb", str(kb), "campaign"],
            "python + whoosh": [python, "-c", "import whoosh.index"],
            "whoosh alone": [python, "-c", WHOOSH_ALONE, str(folder), "campaign"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                started = time.perf_counter()
                subprocess.run(command, env=env, capture_output=True, check=False)
                times[name].append(time.perf_counter() - started)
        ours, bare, alone = (statistics.median(times[n]) * 1000 for n in commands)
        print(
            f"[{label}] kbtui search {ours:6.0f} ms vs python + whoosh {bare:5.0f} ms"
            f" = {ours / bare:.2f}x, vs whoosh alone searching {alone:5.0f} ms"
            f" = {ours / alone:.2f}x (medians of {runs})"
        )
        checked = timed([python, "-c", KBTUI, "check", "--kb", str(kb)], env)
        print(
            f"[{label}] kbtui check {checked['seconds']:6.1f} s"
            f"   peak RSS {checked['peak_mb']:6.0f} MB"
        )
        if app and shutil.which("tmux"):
            print(f"[{label}] app idle RSS {app_idle_rss(python, kb, env):6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--before", default=None, help="the Python of another kbtui install")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-app", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    pythons = {"now": sys.executable}
    if args.before:
        pythons = {"before": args.before, **pythons}
    print(f"kbtui scale benchmark · Python {sys.version.split()[0]} · {os.cpu_count()} cores")
    for size in args.sizes:
        bench(size, work, pythons, args.runs, not args.no_app)


if __name__ == "__main__":
    main()

"""How long `kbtui check` takes to load and check a large KB.

    python benchmarks/bench_check.py [--sizes 1000 10000] [--work DIR]
                                     [--before OTHER_KBTUI] [--runs 5]

Prints, per size: the whole `kbtui check` command (a fresh process, as a curator
runs it) and `kbtui check --advice`, medians and bests of ``--runs``; with ``--before``, the
same `check` by another installed kbtui (say, the code before a change) and the ratio;
then in-process the scan, parse, check and advice steps. Figures only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_kb import generate

from kbtui.kb import check, load_kb
from kbtui.kb.advice import advise
from kbtui.kb.loader import scan


def timed_commands(commands: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Each command's wall times over ``runs`` rounds, the commands taking turns within
    each round, so that a busy moment of a shared machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, text=True, check=False)
            times[name].append(time.perf_counter() - started)
    return times


def figure(times: list[float]) -> str:
    return f"{statistics.median(times):6.2f} s (best {min(times):5.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--before", type=Path, default=None, help="another kbtui to compare")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    kbtui = str(Path(sys.executable).parent / "kbtui")
    for size in args.sizes:
        kb = work / f"kb-{size}"
        if not kb.exists():
            generate(kb, size)
        commands = {
            "check": [kbtui, "check", "--kb", str(kb)],
            "advice": [kbtui, "check", "--advice", "--kb", str(kb)],
        }
        if args.before is not None:
            commands["before"] = [str(args.before), "check", "--kb", str(kb)]
        times = timed_commands(commands, args.runs)
        line = (
            f"{size:>6,} entries, medians of {args.runs}: `kbtui check` {figure(times['check'])}"
            f" · `check --advice` {figure(times['advice'])}"
        )
        if args.before is not None:
            before = statistics.median(times["before"])
            best = min(times["before"])
            line += (
                f" · before, `check`: {figure(times['before'])} · ratio to before "
                f"(medians / bests): check {statistics.median(times['check']) / before:4.2f}x "
                f"/ {min(times['check']) / best:4.2f}x, --advice "
                f"{statistics.median(times['advice']) / before:4.2f}x / "
                f"{min(times['advice']) / best:4.2f}x"
            )
        print(line)
        started = time.perf_counter()
        found = scan(kb)
        scanned = time.perf_counter() - started
        started = time.perf_counter()
        loaded = load_kb(kb, render=False)
        parsed = time.perf_counter() - started
        started = time.perf_counter()
        problems = check(loaded)
        checked = time.perf_counter() - started
        steps = []
        for kind in (
            "thin-entry",
            "uncited-source",
            "unverified",
            "verification-stale",
            "unlinked-mention",
            "consider-linking",
        ):
            started = time.perf_counter()
            found_advice = advise(loaded, {kind})
            steps.append(f"{kind} {(time.perf_counter() - started) * 1000:.0f} ms")
            steps[-1] += f" ({len(found_advice)})"
        print(
            f"        in process: scan {scanned * 1000:5.0f} ms · scan+parse+links "
            f"{parsed:5.2f} s · check {checked * 1000:5.0f} ms ({len(problems)} problems, "
            f"{len(found.files)} files) · advice: {' · '.join(steps)}"
        )


if __name__ == "__main__":
    main()

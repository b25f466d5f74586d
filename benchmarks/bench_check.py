"""How long `kbtui check` takes to load and check a large KB.

    python benchmarks/bench_check.py [--sizes 1000 10000] [--work DIR]

Prints, per size: the whole `kbtui check` command (a fresh process, as a curator
runs it), and in-process the scan, parse and check steps. Figures only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_kb import generate

from kbtui.kb import check, load_kb
from kbtui.kb.loader import scan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    for size in args.sizes:
        kb = work / f"kb-{size}"
        if not kb.exists():
            generate(kb, size)
        started = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).parent / "kbtui"), "check", "--kb", str(kb)],
            capture_output=True,
            text=True,
            check=False,
        )
        command = time.perf_counter() - started
        started = time.perf_counter()
        found = scan(kb)
        scanned = time.perf_counter() - started
        started = time.perf_counter()
        loaded = load_kb(kb, render=False)
        parsed = time.perf_counter() - started
        started = time.perf_counter()
        problems = check(loaded)
        checked = time.perf_counter() - started
        print(
            f"{size:>6,} entries: `kbtui check` {command:6.2f} s (exit {done.returncode}, "
            f"{len(problems)} problems) · scan {scanned * 1000:5.0f} ms · scan+parse+links "
            f"{parsed:5.2f} s · check {checked * 1000:5.0f} ms · {len(found.files)} files"
        )


if __name__ == "__main__":
    main()

"""Search benchmarks: index build, sync, open, query latency and memory, against FTS5.

    python benchmarks/bench_search.py [--sizes 1000 10000] [--work DIR]

For each KB size it generates a synthetic KB (benchmarks/gen_kb.py), then prints:
full build time, index size, no-change sync, one-file-changed sync, index open,
query latency p50/p95 (top 20 with snippets) for one word, two words, a prefix
(search-as-you-type) and a fuzzy word, the same queries against SQLite FTS5 on
the same text, and peak RSS. Figures only: nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_kb import generate

from kbtui.index import KBIndex
from kbtui.kb.loader import read_entry, scan


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pick_queries(kb_index: KBIndex, rng: random.Random) -> dict[str, list[str]]:
    """Queries by class, from words of middling frequency (in 1-20% of entries)."""
    reader = kb_index.ix.reader()
    total = reader.doc_count()
    middling = [
        (term.decode() if isinstance(term, bytes) else term)
        for term, info in reader.iter_field("words")
        if 0.01 * total <= info.doc_frequency() <= 0.20 * total
    ]
    reader.close()
    rng.shuffle(middling)
    words = [w for w in middling if w.isalpha() and len(w) >= 5][:40]

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    return {
        "one word": [w + " " for w in words[:20]],
        "two words": [f"{a} {b} " for a, b in zip(words[:20], words[20:40], strict=False)],
        "prefix": [w[: max(3, len(w) // 2)] for w in words[:20]],
        "fuzzy": [typo(w) + "~" for w in words[:20]],
    }


def time_queries(run: object, queries: list[str], repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        for text in queries:
            started = time.perf_counter()
            run(text)  # type: ignore[operator]
            times.append(time.perf_counter() - started)
    return times


def build_fts(kb: Path, db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db)
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, summary, content,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    rows = []
    for file in scan(kb).files:
        entry = read_entry(kb, file, render=False)
        rows.append((entry.slug, entry.title, entry.summary or "", entry.body_text))
    connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
    connection.commit()
    return connection


def fts_query(connection: sqlite3.Connection, text: str) -> list[tuple[str, ...]]:
    words = [w for w in text.replace("~", " ").split() if w.isalnum()]
    if not words:
        return []
    last_is_prefix = not text.endswith(" ")
    terms = [f'"{w}"' for w in words]
    if last_is_prefix:
        terms[-1] += "*"
    match = " AND ".join(terms)
    return connection.execute(
        "SELECT slug, title, snippet(docs, 3, '[', ']', '…', 20) FROM docs"
        " WHERE docs MATCH ? ORDER BY bm25(docs, 4.0, 2.0, 1.0) LIMIT 20",
        (match,),
    ).fetchall()


def bench(size: int, work: Path, reuse: bool = False) -> None:
    kb = work / f"kb-{size}"
    if not kb.exists():
        generate(kb, size)
    cache = work / f"cache-{size}"
    if not reuse:
        shutil.rmtree(cache, ignore_errors=True)
    os.environ["KBTUI_CACHE_DIR"] = str(cache)
    print(f"\n== {size:,} entries ==")

    kb_index = KBIndex(kb)
    started = time.perf_counter()
    report = kb_index.sync()
    label = "full build" if report.rebuilt else "sync of a reused index"
    print(f"{label:22}{ms(time.perf_counter() - started)}")
    print(f"index size            {folder_size(kb_index.folder) / 1e6:8.1f} MB")

    times = []
    for _ in range(5):
        started = time.perf_counter()
        report = kb_index.sync()
        times.append(time.perf_counter() - started)
        assert not report.changed
    print(f"no-change sync        {ms(statistics.median(times))}  (median of 5)")

    files = sorted(kb.rglob("*.md"))
    times = []
    for number in range(5):
        target = files[number * 7]
        target.write_text(
            target.read_text(encoding="utf-8") + f"\nEdited {number}.\n", encoding="utf-8"
        )
        started = time.perf_counter()
        report = kb_index.sync()
        times.append(time.perf_counter() - started)
        assert report.updated == 1, report
    print(f"one-file sync         {ms(statistics.median(times))}  (median of 5)")

    times = []
    for _ in range(5):
        fresh = KBIndex(kb)
        started = time.perf_counter()
        fresh.open()
        fresh.list_entries()
        times.append(time.perf_counter() - started)
        fresh.close()
    print(f"index open + list     {ms(statistics.median(times))}  (median of 5)")

    rng = random.Random(size)
    queries = pick_queries(kb_index, rng)
    fts_db = Path(tempfile.mkdtemp(dir=work)) / "fts.db"
    started = time.perf_counter()
    connection = build_fts(kb, fts_db)
    print(f"FTS5 build (reference){ms(time.perf_counter() - started)}")
    kb_index.search("warm up")
    print(
        f"{'query (top 20)':22}{'p50':>11}{'p95':>11}   {'FTS5 p50':>9}{'FTS5 p95':>10}  ratio p95"
    )
    for name, texts in queries.items():
        ours = time_queries(lambda t: kb_index.search(t, limit=20), texts)
        theirs = time_queries(lambda t: fts_query(connection, t), texts)
        p95, f95 = percentile(ours, 0.95), percentile(theirs, 0.95)
        print(
            f"{name:22}{ms(percentile(ours, 0.5))}{ms(p95)}   "
            f"{percentile(theirs, 0.5) * 1000:7.2f} ms{f95 * 1000:7.2f} ms  {p95 / f95:8.1f}x"
        )
    worst = kb_index.ix.reader()
    common = max(
        ((t, i.doc_frequency()) for t, i in worst.iter_field("content")), key=lambda x: x[1]
    )
    worst.close()
    word = common[0].decode() if isinstance(common[0], bytes) else common[0]
    times = time_queries(lambda t: kb_index.search(t, limit=20), [word + " "], repeat=10)
    print(
        f"worst case: {word!r} (in {common[1]:,} entries) p50 {ms(percentile(times, 0.5))}"
        f" p95 {ms(percentile(times, 0.95))}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS so far       {peak:8.1f} MB")
    connection.close()
    kb_index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=None, help="keep generated KBs here")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an index built by an earlier run (skips the build figure)",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"kbtui search benchmark · Python {sys.version.split()[0]} · {os.cpu_count()} cores")
    for size in args.sizes:
        bench(size, work, args.reuse)


if __name__ == "__main__":
    main()

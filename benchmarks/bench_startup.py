"""Start-up, keystroke-to-results and memory of the TUI, in a real terminal (tmux).

    python benchmarks/bench_startup.py [--entries 10000] [--runs 5] [--work DIR]

1. Time from process start to the first painted entry list, polled with tmux
   capture-pane, for the bundled KB and a synthetic KB (warm index), side by side
   with a bare Textual app showing the same widgets and titles (bare_app.py).
2. Keystroke-to-updated-results on the synthetic KB in tmux: from send-keys until the
   status line names the new query (capture-pane polling adds a few ms): p50/p95.
3. Peak RSS of kbtui on the synthetic KB after a few searches (VmHWM).
Figures only: nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_kb import generate  # noqa: E402

from kbtui.index import KBIndex  # noqa: E402
from kbtui.paths import bundled_kb  # noqa: E402

SOCKET = f"kbtui-bench-{os.getpid()}"
KBTUI = str(Path(sys.executable).parent / "kbtui")


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False
    ).stdout


class Control:
    """One tmux control-mode client (``tmux -C``) for the keystroke loop's captures and
    keys: a command is a line on its stdin and its answer the lines between ``%begin``
    and ``%end``, so polling the screen every few ms starts no process per poll (a
    ``tmux capture-pane`` process each time kept a core busy, more than the app).
    The client sits in a session of its own, so the measured window keeps its size."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.process = subprocess.Popen(
            ["tmux", "-L", SOCKET, "-C", "new-session", "-s", "kbtui-bench-control", "cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self.command("display-message", "-p", "ready")

    def command(self, *words: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        quoted = " ".join("'" + word.replace("'", "'\\''") + "'" for word in words)
        self.process.stdin.write(quoted + "\n")
        self.process.stdin.flush()
        lines: list[str] = []
        inside = False
        for line in self.process.stdout:
            if line.startswith("%begin"):
                inside, lines = True, []
            elif inside and (line.startswith("%end") or line.startswith("%error")):
                return "".join(lines)
            elif inside:
                lines.append(line)
        raise EOFError("the tmux control client ended")

    def screen(self) -> str:
        return self.command("capture-pane", "-p", "-t", self.target)

    def send(self, *keys: str) -> None:
        self.command("send-keys", "-t", self.target, *keys)

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def time_to_paint(command: str, marker: str, env: dict[str, str], timeout: float = 60) -> float:
    tmux("kill-server")
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    started = time.perf_counter()
    tmux("new-session", "-d", "-x", "120", "-y", "36", f"env {exports} {command}")
    try:
        while time.perf_counter() - started < timeout:
            if marker in tmux("capture-pane", "-p"):
                return time.perf_counter() - started
            time.sleep(0.005)
        raise TimeoutError(f"{marker!r} never appeared for {command}")
    finally:
        tmux("kill-server")


def peak_rss_mb(command: str, env: dict[str, str], keys: list[str]) -> float:
    tmux("kill-server")
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    tmux("new-session", "-d", "-x", "120", "-y", "36", f"env {exports} {command}")
    try:
        deadline = time.perf_counter() + 60
        while "Concepts (" not in tmux("capture-pane", "-p") and time.perf_counter() < deadline:
            time.sleep(0.05)
        for key in keys:
            tmux("send-keys", key)
            time.sleep(0.4)
        time.sleep(2)
        pid = tmux("list-panes", "-F", "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout
        target = (children.split() or [pid])[0]
        for line in Path(f"/proc/{target}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
        return float("nan")
    finally:
        tmux("kill-server")


def keystroke_latency(
    kb: Path,
    env: dict[str, str],
    words: list[str],
    settle: float = 1.0,
    first_keys_only: bool = False,
    rounds: int = 1,
) -> list[float]:
    """Type words one key at a time into kbtui in tmux; time each key until the status
    line names the new query, i.e. until the updated results are on the screen."""
    tmux("kill-server")
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    tmux(
        "new-session",
        "-d",
        "-s",
        "kbtui-bench",
        "-x",
        "120",
        "-y",
        "36",
        f"env -u COLUMNS -u LINES {exports} {KBTUI} --kb {kb}",
    )
    times: list[float] = []
    control: Control | None = None
    try:
        deadline = time.perf_counter() + 120
        while "search ready" not in tmux("capture-pane", "-p", "-t", "kbtui-bench"):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"kbtui never became ready:\n{tmux('capture-pane', '-p')}")
            time.sleep(0.05)
        time.sleep(settle)  # the spelling table (and, given time, the KB graph) load meanwhile
        control = Control("kbtui-bench")
        tmux("send-keys", "-t", "kbtui-bench", "/")
        time.sleep(0.2)  # keys sent in the same instant as "/" can reach the list first
        for _ in range(rounds):
            for word in words:
                typed = ""
                for char in word[:1] if first_keys_only else word:
                    typed += char
                    started = time.perf_counter()
                    control.send("-l", char)
                    marker = f"for “{typed}”"
                    while marker not in control.screen():
                        if time.perf_counter() - started > 10:
                            raise TimeoutError(f"{marker}: {control.screen()}")
                        time.sleep(0.002)
                    times.append(time.perf_counter() - started)
                    time.sleep(0.15)  # a fast typist: about seven keys a second
                control.send("C-u")  # clear the search box
                time.sleep(0.3)
    finally:
        if control is not None:
            control.close()
        tmux("kill-server")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    big = work / f"kb-{args.entries}"
    if not big.exists():
        generate(big, args.entries)
    env = {
        "KBTUI_CACHE_DIR": str(work / "cache-startup"),
        "KBTUI_DATA_DIR": str(work / "data"),
        "TERM": "xterm-256color",
    }
    os.environ.update(env)
    for kb in (bundled_kb(), big):  # warm indexes: measured launches never build
        KBIndex(kb).sync()

    print(f"kbtui start-up benchmark · {os.cpu_count()} cores · {args.runs} runs each, median")
    results: dict[str, list[float]] = {}
    for label, kb in (("bundled KB", bundled_kb()), (f"{args.entries:,} entries", big)):
        titles = work / f"titles-{kb.name}.txt"
        titles.write_text("\n".join(e.title for e in KBIndex(kb).list_entries()), encoding="utf-8")
        ours: list[float] = []
        bare: list[float] = []
        for _ in range(args.runs):
            ours.append(time_to_paint(f"{KBTUI} --kb {kb}", "Concepts (", env))
            bare.append(
                time_to_paint(
                    f"{sys.executable} {HERE / 'bare_app.py'} {titles}", "Concepts (", env
                )
            )
        results[label] = ours
        o, b = statistics.median(ours), statistics.median(bare)
        print(
            f"first paint, {label:15} kbtui {o * 1000:7.0f} ms   bare Textual app "
            f"{b * 1000:7.0f} ms   ratio {o / b:5.2f}x"
        )

    words = ["organising", "campaign", "strike", "gezi", "leader", "power", "union", "rent"]
    for label, settle in (("1 s after start", 1.0), ("30 s after start (all loaded)", 30.0)):
        times = sorted(keystroke_latency(big, env, words, settle))
        p50 = times[len(times) // 2]
        p95 = times[int(len(times) * 0.95)]
        print(
            f"keystroke to updated results, {args.entries:,} entries, {label}: "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms ({len(times)} keystrokes)"
        )
    # The first key after clearing the box follows the rebuild of the whole grouped list.
    firsts = sorted(keystroke_latency(big, env, words, 30.0, first_keys_only=True))
    print(
        f"  of which the first key after clearing the search box: p50 "
        f"{firsts[len(firsts) // 2] * 1000:.0f} ms, max {firsts[-1] * 1000:.0f} ms"
    )
    rss = peak_rss_mb(f"{KBTUI} --kb {big}", env, ["/", "o", "r", "g", "Enter"])
    print(f"peak RSS of kbtui, {args.entries:,} entries: {rss:.0f} MB")
    shutil.rmtree(work / "data", ignore_errors=True)


if __name__ == "__main__":
    main()

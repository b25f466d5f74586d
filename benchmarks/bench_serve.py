"""The room's web reader under a room's load, on this machine only (127.0.0.1).

    python benchmarks/bench_serve.py [--entries 1000 | --kb DIR] [--seconds 60]
        [--followers 60] [--participants 30] [--rate 3] [--step-every 5]
        [--tui [--sessions 3] [--rounds 2]] [--work DIR]

1. The server under test runs in a process of its own (this script with ``--serve``):
   a Library, a Room with its room code and a RoomServer on 127.0.0.1 (a free port).
   While the load runs it shows the next step of a reading path every
   ``--step-every`` s itself, and reports the CLOCK_MONOTONIC time of each change.
2. The load runs in another process (``--load``, a lean HTTP/1.1 client on asyncio's
   streams, :class:`Device`): every device
   first gives the room code (as the QR code's address does) and keeps the cookie;
   ``--followers`` Follow-page streams (/follow/events, Server-Sent Events) stay open
   the whole run, and ``--participants`` participants each make about ``--rate``
   requests a second for ``--seconds`` s: pages (the list, an entry, a type, the
   reading paths, a path, the Follow page) and search as they type (/search/hits
   with "o", "or", "org", ..., as the page's script asks, prefixes of words from the
   KB's titles). Every request counts: its status and latency; errors are non-2xx
   answers, exceptions and timeouts. Each follower's receipt of each step change is
   timed against the server's own clock reading (time.monotonic() is system-wide).
3. Printed: p50/p95/max latency of pages and of searches, the request count and the
   rate achieved, errors, the follower delays (and whether every follower saw every
   change), the server's CPU time and RSS (VmHWM, VmRSS) at the end.
4. With ``--tui``: the TUI's keystroke-to-results in tmux, measured by
   bench_startup.py's own loop, in ``--sessions`` pairs of app sessions taken in
   turn: one as it is, one with the room started inside the app (the ``s`` key; the
   room code read off its panel) while the same load, without step changes, is
   pointed at it; each pair's p95s, then the pooled p95s and their difference.

The load stands for phones, which are other devices in a real room; here it shares
the machine, so it costs as little as it can (a lean client, under a third of the CPU
httpx took for the same requests) and runs in the scheduler's idle class; its own
time is still in the latencies it measures.

The synthetic KB (gen_kb.py) has no reading path, so one is added to it here.
Bounded: fixed duration and counts, a timeout on every request, a hard limit on the
whole run, every connection and process closed at the end. Figures only: nothing
here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0  # seconds: a slower answer is an error
GRACE = 2.0  # seconds after the load for the last step change to reach everyone
HARD_LIMIT = 600.0  # seconds: no phase runs longer, whatever the options
PATH_SLUG = "paths/bench-path"
TUI_WORDS = ["organising", "campaign", "strike", "gezi", "leader", "power", "union", "rent"]


def _send(stream: TextIO, message: object) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def add_reading_path(kb: Path, steps: int = 12) -> None:
    """A reading path of ``steps`` steps over the KB's first concepts (gen_kb makes none)."""
    concepts = sorted(p.stem for p in kb.glob("concept-*.md"))[:steps]
    lines = [f"{n}. {slug} — 10 min — Step {n} of the bench." for n, slug in enumerate(concepts, 1)]
    target = kb / f"{PATH_SLUG}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "# A reading path for the bench\n\nA path to follow.\n\n" + "\n".join(lines) + "\n"
    target.write_text(text, encoding="utf-8")


def proc_status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return fields


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


# -- the server's process --------------------------------------------------------------


def serve(kb: Path, step_every: float) -> None:
    """The room's server on 127.0.0.1. Prints one JSON line of what the load needs;
    on "go" (stdin) shows the next step every ``step_every`` s and prints each
    change's seq and monotonic time; on "stop" stops changing steps; at the end of
    stdin stops the server."""
    from kbtui.library import Library
    from kbtui.room import Room
    from kbtui.web.server import RoomServer

    library = Library(kb)
    library.open_index()
    library.load_graph(pause=False)
    room = Room()
    server = RoomServer(library, room, HOST, 0)
    server.start()
    paths = {o.slug: len(library.read(o.slug).steps) for o in library.paths()}
    paths = {slug: n for slug, n in paths.items() if n}
    words = Counter(
        word.lower() for o in library.outlines for word in re.findall(r"[^\W\d_]{4,}", o.title)
    )
    _send(
        sys.stdout,
        {
            "port": server.port,
            "code": room.code,
            "pid": os.getpid(),
            "entries": [o.slug for o in library.outlines if o.type != "path"],
            "types": sorted({o.type for o in library.outlines}),
            "paths": sorted(paths),
            "words": [w for w, _ in words.most_common(60)],
        },
    )
    stepping = threading.Event()
    done = threading.Event()
    path = PATH_SLUG if PATH_SLUG in paths else (sorted(paths) or [None])[0]

    def trainer() -> None:
        step = 0
        while not done.wait(step_every):
            if stepping.is_set() and path is not None:
                step = step % paths[path] + 1
                at = time.monotonic()
                room.show(path, step)
                _send(sys.stdout, {"seq": room.state.seq, "at": at})

    thread = threading.Thread(target=trainer, daemon=True)
    try:
        for line in sys.stdin:
            if line.strip() == "go":
                thread.start()
                stepping.set()
            elif line.strip() == "stop":
                stepping.clear()
                _send(sys.stdout, {"stopped": True})
    finally:
        done.set()
        server.stop()
        library.close()


# -- the load's process ----------------------------------------------------------------


class Device:
    """One phone's connection to the room: HTTP/1.1 kept alive over asyncio's streams,
    with the room's cookie once given. As little work as a client can do for each
    request (written whole; the answer read by Content-Length, or chunk by chunk):
    the load shares this machine's cores with the server and the app, which phones
    do not, and its own time is in the latencies it measures."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> int:
        """The status of a GET of ``target``, its body read to the end. A kept-alive
        connection the server has closed meanwhile is opened again once, as any
        browser does."""
        fresh = self._reader is None or self._reader.at_eof()
        try:
            return await self._exchange(target)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if fresh:
                raise
            return await self._exchange(target)

    async def lines(self, target: str) -> Any:
        """A GET of a stream (Server-Sent Events): its status, then its lines."""
        status, _ = await self._request(target)
        yield status
        if status != 200:
            return
        assert self._reader is not None
        pending = b""
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                return
            pending += (await self._reader.readexactly(size + 2))[:-2]
            *complete, pending = pending.split(b"\n")
            for line in complete:
                yield line.decode("utf-8", "replace").rstrip("\r")

    async def _exchange(self, target: str) -> int:
        status, headers = await self._request(target)
        assert self._reader is not None
        if "content-length" in headers:
            await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self._reader.readexactly(size + 2)
            await self._reader.readuntil(b"\r\n")
        if headers.get("connection") == "close":
            self.close()
        return status

    async def _request(self, target: str) -> tuple[int, dict[str, str]]:
        if self._reader is None or self._writer is None or self._reader.at_eof():
            self.close()
            self._reader, self._writer = await asyncio.open_connection(HOST, self.port)
        cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
        target = quote(target, safe="/?=&%")
        self._writer.write(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\n{cookie}\r\n".encode())
        head = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self.cookie = value.split(";", 1)[0]
            elif name:
                headers[name] = value
        return int(head[0].split(" ", 2)[1]), headers

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


class Tally:
    def __init__(self) -> None:
        self.page: list[float] = []
        self.search: list[float] = []
        self.errors: Counter[str] = Counter()


async def timed(device: Device, url: str, tally: Tally, into: list[float]) -> None:
    started = time.perf_counter()
    try:
        status = await asyncio.wait_for(device.get(url), REQUEST_TIMEOUT)
    except asyncio.TimeoutError:
        device.close()
        tally.errors["timeout"] += 1
        return
    except Exception as error:  # every failure counts, whatever it is
        device.close()
        tally.errors[type(error).__name__] += 1
        return
    into.append(time.perf_counter() - started)
    if not 200 <= status < 300:
        tally.errors[f"HTTP {status}"] += 1


def page_url(info: dict[str, Any], rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.12:
        return "/"
    if roll < 0.20:
        return "/paths"
    if roll < 0.28 and info["paths"]:
        return "/e/" + rng.choice(info["paths"])
    if roll < 0.36:
        return "/type/" + rng.choice(info["types"])
    if roll < 0.40:
        return "/follow"
    return "/e/" + rng.choice(info["entries"])


async def participant(
    device: Device, info: dict[str, Any], tally: Tally, rate: float, stop: asyncio.Event, seed: int
) -> None:
    """About ``rate`` requests a second (exponential gaps, on a schedule that does not
    wait for slow answers to catch up): half pages, half a word typed into the search
    box a key at a time."""
    rng = random.Random(seed)
    due = time.perf_counter() + rng.random() * 3 / rate  # they do not all start in step

    async def wait_turn() -> bool:
        nonlocal due
        delay = due - time.perf_counter()
        if delay > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
        due = max(due, time.perf_counter() - 1 / rate) + rng.expovariate(rate)
        return not stop.is_set()

    while not stop.is_set():
        if rng.random() < 0.5:
            word = rng.choice(info["words"])
            for n in range(1, rng.randint(min(3, len(word)), len(word)) + 1):
                if not await wait_turn():
                    return
                await timed(device, f"/search/hits?q={word[:n]}", tally, tally.search)
            if rng.random() < 0.2 and await wait_turn():  # Enter: the full results page
                await timed(device, f"/search?q={word}", tally, tally.search)
        elif await wait_turn():
            await timed(device, page_url(info, rng), tally, tally.page)


async def follower(
    device: Device,
    number: int,
    seen: dict[str, dict[int, float]],
    tally: Tally,
    ready: asyncio.Event,
) -> None:
    """One device on the Follow page: the monotonic time each step event arrives."""
    got = seen.setdefault(str(number), {})
    try:
        stream = device.lines(f"/follow/events?device=bench{number}")
        status = await asyncio.wait_for(stream.__anext__(), REQUEST_TIMEOUT)
        if status != 200:
            tally.errors[f"follow HTTP {status}"] += 1
            return
        event_id: int | None = None
        kind = ""
        async for line in stream:
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("event: "):
                kind = line[7:]
            elif line == "" and kind == "step" and event_id is not None:
                got[event_id] = time.monotonic()
                ready.set()
                kind = ""
        tally.errors["follow stream ended"] += 1
    except asyncio.CancelledError:
        raise
    except Exception as error:
        tally.errors[f"follow {type(error).__name__}"] += 1


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


async def enter(device: Device, code: str) -> bool:
    """Give the room code once, as a phone opening the QR code's address does."""
    status = await asyncio.wait_for(device.get(f"/?code={code}"), REQUEST_TIMEOUT)
    return status == 303 and device.cookie.startswith("kbtui_room=")


async def run_load(config: dict[str, Any]) -> None:
    """The load, told by the orchestrator on stdin: followers connect, "ready" is
    printed; on "go" the participants run ``seconds`` s (or until "stop"), "done" is
    printed; after the grace the results are printed as one JSON line."""
    info = config["info"]
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[str] = asyncio.Queue()

    def read_commands() -> None:  # a daemon thread: stdin may never close
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.strip())
        loop.call_soon_threadsafe(commands.put_nowait, "stop")

    threading.Thread(target=read_commands, daemon=True).start()
    tally = Tally()
    seen: dict[str, dict[int, float]] = {}
    followers = [Device(info["port"]) for _ in range(config["followers"])]
    people = [Device(info["port"]) for _ in range(config["participants"])]
    entered = await asyncio.gather(*(enter(c, info["code"]) for c in followers + people))
    tally.errors["room code refused"] += entered.count(False)
    readies = [asyncio.Event() for _ in followers]
    streams = [
        asyncio.create_task(follower(c, n, seen, tally, readies[n]))
        for n, c in enumerate(followers)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), REQUEST_TIMEOUT)
    except asyncio.TimeoutError:
        tally.errors["follower not connected"] += sum(not r.is_set() for r in readies)
    _send(sys.stdout, {"ready": True})
    while await commands.get() != "go":
        pass
    stop = asyncio.Event()
    started = time.perf_counter()
    load = [
        asyncio.create_task(participant(c, info, tally, config["rate"], stop, n))
        for n, c in enumerate(people)
    ]
    until = config["seconds"] or HARD_LIMIT
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(_until_stop(commands), until)
    stop.set()
    await asyncio.gather(*load)
    elapsed = time.perf_counter() - started
    _send(sys.stdout, {"done": True})
    await asyncio.sleep(GRACE)
    for task in streams:
        task.cancel()
    await asyncio.gather(*streams, return_exceptions=True)
    for device in followers + people:
        device.close()
    tally.errors = Counter({k: v for k, v in tally.errors.items() if v})
    _send(
        sys.stdout,
        {
            "page": tally.page,
            "search": tally.search,
            "errors": dict(tally.errors),
            "seen": seen,
            "elapsed": elapsed,
            "cpu": cpu_seconds(os.getpid()),
        },
    )


async def _until_stop(commands: asyncio.Queue[str]) -> None:
    while await commands.get() != "stop":
        pass


# -- the orchestrator ------------------------------------------------------------------


def _lowest_priority() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


class Child:
    """A child process of this script, spoken to in JSON lines."""

    def __init__(self, *args: str) -> None:
        # The load stands for phones, which are other machines in a room: here it runs
        # as the scheduler's idle class (nice 19 where there is none), so that it
        # takes only what the app and the server leave of this machine's cores.
        nice = _lowest_priority if args[0] == "--load" else None
        self.process = subprocess.Popen(
            [sys.executable, __file__, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=nice,
        )
        self.deadline = time.monotonic() + HARD_LIMIT

    def tell(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def hear(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.process.args[2]} ended early (exit {self.process.wait()})")
        message: dict[str, Any] = json.loads(line)
        return message

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_load(info: dict[str, Any], args: argparse.Namespace, seconds: float) -> Child:
    config = {
        "info": info,
        "followers": args.followers,
        "participants": args.participants,
        "rate": args.rate,
        "seconds": seconds,
    }
    load = Child("--load", json.dumps(config))
    load.hear()  # ready: every device in the room, every follower connected
    return load


def ms(value: float) -> str:
    return f"{value * 1000:6.1f} ms"


def spread(values: list[float], what: str = "requests") -> str:
    if not values:
        return "none"
    return (
        f"p50 {ms(quantile(values, 0.5))}  p95 {ms(quantile(values, 0.95))}  "
        f"max {ms(max(values))}  ({len(values)} {what})"
    )


def report_load(results: dict[str, Any]) -> None:
    pages, searches, errors = results["page"], results["search"], results["errors"]
    total = len(pages) + len(searches) + sum(errors.values())
    elapsed = results["elapsed"]
    print(f"  pages    {spread(pages)}")
    print(f"  search   {spread(searches)}")
    print(f"  requests {total} in {elapsed:.1f} s: {total / elapsed:.1f} a second")
    listed = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"
    print(f"  errors   {sum(errors.values())} ({listed})")


def report_follow(results: dict[str, Any], steps: list[dict[str, Any]], followers: int) -> None:
    delays: list[float] = []
    missed = 0
    for step in steps:
        for got in results["seen"].values():
            at = got.get(str(step["seq"]))
            if at is None:
                missed += 1
            else:
                delays.append(at - step["at"])
    late = sum(d > 1.0 for d in delays)
    print(
        f"  follow   {len(steps)} step changes x {followers} followers: {missed} not seen, "
        f"{late} later than 1 s"
    )
    print(f"           delay {spread(delays, 'receipts')}")


def bench_server(kb: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The server in its own process under the load; returns what the load was told."""
    server = Child("--serve", "--kb", str(kb), "--step-every", str(args.step_every))
    load = None
    try:
        info = server.hear()
        load = start_load(info, args, args.seconds)
        cpu_before = cpu_seconds(info["pid"])
        server.tell("go")
        load.tell("go")
        load.hear()  # done: the participants stopped
        server.tell("stop")
        steps = []
        while "stopped" not in (message := server.hear()):
            steps.append(message)
        results = load.hear()
        status = proc_status(info["pid"])
        cpu = cpu_seconds(info["pid"]) - cpu_before
    finally:
        if load is not None:
            load.close()
        server.close()
    print(
        f"room server · {len(info['entries'])} entries · {args.followers} followers, "
        f"{args.participants} participants at ~{args.rate:g} requests/s each, "
        f"{args.seconds:g} s, a step change every {args.step_every:g} s"
    )
    report_load(results)
    report_follow(results, steps, args.followers)
    print(
        f"  server   CPU {cpu:.1f} s in {results['elapsed']:.0f} s; RSS at the end: "
        f"VmHWM {status.get('VmHWM', '?')}, VmRSS {status.get('VmRSS', '?')} "
        f"(load generator CPU {results['cpu']:.1f} s)"
    )
    return info


# -- the TUI, with and without the room inside it ----------------------------------------


def tui_app(kb: Path, port: int) -> None:
    """kbtui as ``kbtui --kb KB`` starts it, its room on 127.0.0.1:``port``."""
    from kbtui.ui.app import KBApp

    KBApp(kb.resolve(), room_host=HOST, room_port=port).run()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def app_peak_rss(tmux: Any) -> str:
    """VmHWM of the app in the tmux pane (the pane's process, or its child)."""
    pane = tmux("list-panes", "-t", "kbtui-bench", "-F", "#{pane_pid}").strip()
    if not pane:
        return "?"
    children = subprocess.run(["pgrep", "-P", pane], capture_output=True, text=True).stdout
    return proc_status(int((children.split() or [pane])[0])).get("VmHWM", "?")


def bench_tui(
    kb: Path, info: dict[str, Any], args: argparse.Namespace, env: dict[str, str]
) -> None:
    """bench_startup.keystroke_latency in ``--sessions`` pairs of app sessions, in
    turn: one as it is, one with the room shared from the app just before the typing
    starts and the load on it until it ends (its tmux helper is wrapped to add the two
    steps at those two moments). The keys of each kind are pooled: taking turns, the
    two kinds meet the same drifts of this machine, and p95 rests on hundreds of keys."""
    import bench_startup

    port = free_port()
    bench_startup.KBTUI = f"{sys.executable} {__file__} --tui-app --room-port {port}"
    real_tmux = bench_startup.tmux
    state: dict[str, Any] = {"load": None, "rss": None, "typing": False}
    loads: list[dict[str, Any]] = []

    def share_room() -> None:
        real_tmux("send-keys", "-t", "kbtui-bench", "s")
        deadline = time.monotonic() + 20
        while not (
            found := re.search(
                r"code=([a-z0-9]+)", real_tmux("capture-pane", "-p", "-t", "kbtui-bench")
            )
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("the room's panel never showed a room code")
            time.sleep(0.05)
        real_tmux("send-keys", "-t", "kbtui-bench", "Escape")
        time.sleep(0.3)
        state["load"] = start_load({**info, "port": port, "code": found.group(1)}, args, 0)
        state["load"].tell("go")
        time.sleep(1.0)  # the load in full swing before the first key

    def wrapped(*command: str) -> str:
        if command[:1] == ("send-keys",) and command[-1] == "/" and state["load"] is None:
            share_room()
            state["typing"] = True
        elif command == ("kill-server",) and state["typing"]:
            state["typing"] = False
            state["rss"] = app_peak_rss(real_tmux)
            load = state["load"]
            load.tell("stop")
            load.hear()  # done
            loads.append(load.hear())
            load.close()
            state["load"] = None
        return real_tmux(*command)

    def session() -> list[float]:
        return bench_startup.keystroke_latency(kb, env, TUI_WORDS, args.settle, rounds=args.rounds)

    alone: list[float] = []
    shared: list[float] = []
    print(f"TUI keystroke to results (tmux, bench_startup.py's loop, settle {args.settle:g} s)")
    for number in range(1, args.sessions + 1):
        alone_now = session()
        bench_startup.tmux = wrapped
        try:
            shared_now = session()
        finally:
            bench_startup.tmux = real_tmux
            if state["load"] is not None:
                state["load"].close()
                state["load"] = None
        alone += alone_now
        shared += shared_now
        print(
            f"  session pair {number}: p95 {ms(quantile(alone_now, 0.95))} without the room, "
            f"{ms(quantile(shared_now, 0.95))} shared"
        )
    a, b = quantile(alone, 0.95), quantile(shared, 0.95)
    print(f"  without the room   p50 {ms(quantile(alone, 0.5))}  p95 {ms(a)}  ({len(alone)} keys)")
    print(
        f"  room shared, load  p50 {ms(quantile(shared, 0.5))}  p95 {ms(b)}  ({len(shared)} keys)"
    )
    print(f"  p95 difference {ms(b - a)}; the app's VmHWM with the room: {state['rss']}")
    if loads:
        merged: dict[str, Any] = {"page": [], "search": [], "errors": Counter(), "elapsed": 0.0}
        for result in loads:
            merged["page"] += result["page"]
            merged["search"] += result["search"]
            merged["errors"].update(result["errors"])
            merged["elapsed"] += result["elapsed"]
        print(f"  the load on the app's room meanwhile ({args.followers} followers, no steps):")
        report_load(merged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=None, help="a KB (default: a synthetic one)")
    parser.add_argument("--entries", type=int, default=1000, help="the synthetic KB's size")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--followers", type=int, default=60)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--rate", type=float, default=3.0, help="requests a second each")
    parser.add_argument("--step-every", type=float, default=5.0)
    parser.add_argument("--tui", action="store_true", help="measure the TUI's keystrokes too")
    parser.add_argument("--sessions", type=int, default=3, help="TUI: pairs of app sessions")
    parser.add_argument("--rounds", type=int, default=2, help="TUI: the words typed, times")
    parser.add_argument("--settle", type=float, default=5.0, help="TUI: seconds before typing")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--tui-app", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--room-port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.kb, args.step_every)
        return
    if args.load is not None:
        asyncio.run(run_load(json.loads(args.load)))
        return
    if args.tui_app:
        tui_app(args.kb, args.room_port)
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="kbtui-bench-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {
        "KBTUI_CACHE_DIR": str(work / "cache"),
        "KBTUI_DATA_DIR": str(work / "data"),
        "TERM": "xterm-256color",
    }
    os.environ.update(env)  # the children's index and state live in the work dir
    kb = args.kb
    if kb is None:
        from gen_kb import generate

        kb = work / f"kb-{args.entries}"
        if not kb.exists():
            generate(kb, args.entries)
            add_reading_path(kb)
    from kbtui.index import KBIndex

    KBIndex(kb).sync()  # a warm index: the server and the app never build it here
    print(
        f"kbtui room benchmark · {os.cpu_count()} cores · load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} before the run"
    )
    info = bench_server(kb, args)
    if args.tui:
        bench_tui(kb, info, args, env)


if __name__ == "__main__":
    main()

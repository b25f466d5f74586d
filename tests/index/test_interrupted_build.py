"""A build that is stopped: its folder never stays behind. SIGTERM and SIGHUP end a
build as Ctrl+C does, and the folder of a build killed outright is swept by the next
sync - but never the folder of a build still running in another process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbtui.index import KBIndex, index_dir_for
from kbtui.library import Library
from tests.conftest import write_kb

HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def big_kb(root: Path, count: int = 1500) -> Path:
    return write_kb(
        root,
        {
            f"e{number:04}.md": f"# Entry {number}\n\n## Summary\nNotes from assembly {number}."
            " Campaign planning.\n\n## Body\n" + "We talked and planned. " * 10 + "\n"
            for number in range(count)
        }
        | {"rent.md": "# Rent\n\n## Summary\nTenants withheld rent. They won.\n"},
    )


def builds(kb_root: Path) -> list[Path]:
    return sorted(p for p in index_dir_for(kb_root).parent.glob(".build-*") if p.is_dir())


def dead_build(kb_root: Path, token: str) -> Path:
    folder = index_dir_for(kb_root).parent / f".build-{token}"
    folder.mkdir(parents=True)
    (folder / "MAIN_x.seg").write_bytes(b"x" * 10_000)
    (folder.parent / f"{folder.name}.lock").touch()  # nobody holds it: its build died
    return folder


@pytest.mark.parametrize("how", ["index", "library"])
def test_a_dead_builds_folder_goes_but_a_live_one_stays(tmp_path: Path, how: str) -> None:
    kb_root = write_kb(tmp_path / "kb", {"rent.md": "# Rent\n\n## Summary\nTenants. Won.\n"})
    dead = dead_build(kb_root, "kb-dead-1")
    live = dead_build(kb_root, "kb-live-2")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(live.parent / f"{live.name}.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        if how == "index":
            KBIndex(kb_root).sync()
        else:
            assert Library(kb_root).open_index() is not None
        assert not dead.exists() and not (dead.parent / f"{dead.name}.lock").exists()
        assert live.exists() and (live / "MAIN_x.seg").exists()
    finally:
        holder.communicate("", timeout=20)
    KBIndex(kb_root).sync()  # its holder gone, the next sync sweeps it
    assert builds(kb_root) == []


def start_index(kb_root: Path, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kbtui", "index", *args, "--kb", str(kb_root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 60
    while not builds(kb_root):  # wait until it is building
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    return process


def test_a_build_killed_outright_is_swept_by_the_next(tmp_path: Path) -> None:
    kb_root = big_kb(tmp_path / "kb")
    process = start_index(kb_root)
    process.kill()
    process.communicate(timeout=20)
    assert builds(kb_root)  # SIGKILL cannot be caught: the folder stays, for now
    done = subprocess.run(
        [sys.executable, "-m", "kbtui", "index", "--kb", str(kb_root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert builds(kb_root) == []


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_ends_a_build_cleanly(tmp_path: Path, sent: signal.Signals) -> None:
    kb_root = big_kb(tmp_path / "kb")
    KBIndex(kb_root).sync()  # the previous index
    process = start_index(kb_root, "--rebuild")
    process.send_signal(sent)
    _, err = process.communicate(timeout=20)
    assert process.returncode != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kbtui: stopped"), err
    assert builds(kb_root) == []
    done = subprocess.run(
        [sys.executable, "-m", "kbtui", "search", "tenants", "--kb", str(kb_root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=dict(os.environ),
    )
    assert done.returncode == 0 and "(rent, " in done.stdout and done.stderr == ""

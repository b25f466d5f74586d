"""End to end: the installed `kbtui` in a real terminal (tmux), driven by keystrokes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ui-kb"
KBTUI = Path(sys.executable).parent / "kbtui"

pytestmark = pytest.mark.e2e


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")

    def alive(self) -> bool:
        return "kbtui" in self.tmux("list-panes", "-F", "#{pane_current_command} #{pane_dead}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: .ci/run installs it; install it to run this test")
    kb = shutil.copytree(FIXTURE, tmp_path / "kb")
    term = Terminal(f"kbtui-e2e-{uuid.uuid4().hex[:8]}")
    env = {
        "KBTUI_CACHE_DIR": str(tmp_path / "cache"),
        "KBTUI_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    exports = " ".join(f"{k}={v!s}" for k, v in env.items())
    term.tmux(
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "40",
        # COLUMNS/LINES from the test runner would override the pane's real size.
        f"env -u COLUMNS -u LINES {exports} {KBTUI} --kb {kb}; echo KBTUI-EXITED; sleep 30",
    )
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_search_open_follow_and_quit(terminal: Terminal) -> None:
    terminal.wait_for("Concepts (4)")
    terminal.keys("/")
    # Keys that arrive in the same instant as "/" can reach the list before the focus
    # moves (Textual dispatches them first); a person's next key is never that fast.
    time.sleep(0.3)
    terminal.keys("-l", "knock")
    screen = terminal.wait_for("for “knock”")
    assert "Door knocking" in screen
    terminal.keys("Enter")
    screen = terminal.wait_for("door-knocking.md")
    assert "Referenced by" in screen or "Worked examples" in screen
    # Enter opened the top hit and took focus to the reader: Tab walks its links in
    # reading order (the Body's citation, then Worked examples).
    terminal.keys("Tab", "Tab")
    terminal.keys("Enter")  # follow it
    screen = terminal.wait_for("harbour-strike.md")
    assert "Harbour strike" in screen
    terminal.keys("BSpace")  # back
    terminal.wait_for("door-knocking.md")
    terminal.keys("q")
    terminal.wait_for("KBTUI-EXITED")

"""A ten-minute walk through the KB by keyboard, in a real terminal (tmux), at 80x24 and
at 120x40: search, open, scroll the body by keys, follow a link, back to the same
place, bookmark, jump with the palette, present a path to its last step, and out."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import write_kb
from tests.e2e.test_tmux import FIXTURE, KBTUI, Terminal

pytestmark = pytest.mark.e2e

LONG = "\n\n".join(f"Paragraph {n} of the long read, about door knocking." for n in range(1, 61))


def start(tmp_path: Path, size: tuple[int, int], command: str) -> Terminal:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: .ci/run installs it; install it to run this test")
    env = {
        "KBTUI_CACHE_DIR": str(tmp_path / "cache"),
        "KBTUI_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    exports = " ".join(f"{k}={v!s}" for k, v in env.items())
    term = Terminal(f"kbtui-walk-{uuid.uuid4().hex[:8]}")
    width, height = size
    term.tmux(
        "new-session",
        "-d",
        "-x",
        str(width),
        "-y",
        str(height),
        f"env -u COLUMNS -u LINES {exports} {command}; echo KBTUI-EXITED; sleep 30",
    )
    return term


@pytest.fixture
def walk_kb(tmp_path: Path) -> Path:
    kb = Path(shutil.copytree(FIXTURE, tmp_path / "kb"))
    write_kb(
        kb,
        {
            "long-read.md": f"# Long read\n\n## Summary\nA long one. It goes on.\n\n## Body\n"
            f"{LONG}\n\n## Related\n- door-knocking\n- street-teams\n",
        },
    )
    return kb


def wait_until(term: Terminal, seen: Callable[[str], bool], what: str) -> str:
    deadline = time.monotonic() + 20
    screen = ""
    while time.monotonic() < deadline:
        screen = term.screen()
        if seen(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{what}: not seen; the screen was:\n{screen}")


def settled(term: Terminal) -> str:
    """The screen once it has stopped changing (the same for half a second)."""
    deadline = time.monotonic() + 20
    last = term.screen()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = term.screen()
        if now == last:
            return now
        last = now
    raise AssertionError(f"the screen never settled; it was:\n{last}")


def reader_lines(screen: str, width: int) -> str:
    """The reader's half of the screen (the right pane, or all of it when narrow)."""
    if width < 90:
        return screen
    return "\n".join(line[45:] for line in screen.splitlines())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_walk_through_the_kb_by_keyboard(
    tmp_path: Path, walk_kb: Path, size: tuple[int, int]
) -> None:
    width, _ = size
    term = start(tmp_path, size, f"{KBTUI} --kb {walk_kb}")
    try:
        term.wait_for("Concepts (")
        term.keys("/")
        time.sleep(0.3)  # as a person would: keys sent with "/" can beat the focus
        term.keys("-l", "long read")
        term.wait_for("for “long read”")
        term.keys("Enter")  # opens the top hit, focus to the reader
        term.wait_for("long-read.md")
        time.sleep(0.5)  # a person reads the title first
        # A look at the end first: the backlinks and similar entries are drawn there once
        # the link graph is loaded (late on a busy machine), and the place taken below
        # must not change under the walk when they arrive.
        term.keys("End")
        wait_until(term, lambda s: "Referenced by" in s, "the end of the entry, backlinks drawn")
        term.keys("Home")
        wait_until(term, lambda s: "A long one." in reader_lines(s, width), "back at the top")
        # Scroll the body by keys.
        term.keys("PageDown")
        wait_until(term, lambda s: "A long one." not in reader_lines(s, width), "PgDn scrolls")
        term.keys("Space")
        wait_until(term, lambda s: "Paragraph 1 " not in reader_lines(s, width), "Space scrolls")
        # Follow a link (the first link below the reading place) and come back.
        term.keys("Tab")
        # Tab may scroll the reader to the link (an animated scroll, slow on a busy
        # machine): the place is what the screen settles on.
        place = reader_lines(settled(term), width)
        term.keys("Enter")
        term.wait_for("door-knocking.md")
        term.keys("BSpace")
        # The same lines of the entry on screen again (the nav line above may differ).
        wait_until(
            term,
            lambda s: reader_lines(s, width).splitlines()[3:-2] == place.splitlines()[3:-2],
            f"back at the same place:\n{place}\n--- now ---",
        )
        # Bookmark it.
        term.keys("b")
        term.wait_for("★ Bookmarked")
        # Jump with the palette.
        term.keys("C-p")
        time.sleep(0.5)
        term.keys("-l", "harbour")
        time.sleep(0.8)
        term.keys("Enter")
        term.wait_for("harbour-strike.md")
        # Present the KB's reading path to its last step, then out to the shell.
        term.keys("p")
        term.wait_for("step 1 of 3")
        term.keys("Space")
        term.wait_for("step 2 of 3")
        term.keys("Space")
        term.wait_for("step 3 of 3")
        term.wait_for("Last step.")
        term.keys("Escape")
        time.sleep(0.5)
        term.wait_for("harbour-strike.md")
        term.keys("q")
        term.wait_for("KBTUI-EXITED")
    finally:
        term.tmux("kill-server")


def test_kbtui_present_ends_at_the_shell(tmp_path: Path, walk_kb: Path) -> None:
    term = start(tmp_path, (80, 24), f"{KBTUI} --kb {walk_kb} present first-evening")
    try:
        term.wait_for("step 1 of 3")
        term.keys("Space")
        term.wait_for("step 2 of 3")
        term.keys("Escape")
        term.wait_for("KBTUI-EXITED")
    finally:
        term.tmux("kill-server")

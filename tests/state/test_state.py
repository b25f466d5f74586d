"""The user's state: history, bookmarks and theme, their one owner, and the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.state import MAX_HISTORY, History, StateChange, UserState, load_state, state_path


def test_back_and_forward() -> None:
    history = History()
    for slug in ("a", "b", "c"):
        history.visit(slug)
    assert history.back() == "b"
    assert history.back() == "a"
    assert history.back() is None
    assert history.current == "a"
    assert history.forward() == "b"
    assert history.can_back and history.can_forward


def test_a_new_visit_drops_the_forward_stack() -> None:
    history = History()
    for slug in ("a", "b", "c"):
        history.visit(slug)
    history.back()
    history.back()
    history.visit("d")
    assert not history.can_forward
    assert history.forward() is None
    assert history.back() == "a"


def test_revisiting_the_current_entry_changes_nothing() -> None:
    history = History()
    history.visit("a")
    history.visit("a")
    assert not history.can_back


def test_history_is_bounded() -> None:
    history = History()
    for number in range(MAX_HISTORY + 50):
        history.visit(f"e{number}")
    assert len(history.back_stack) == MAX_HISTORY


def test_state_round_trips(tmp_path: Path) -> None:
    user = UserState(str(tmp_path / "kb"))
    user.set_theme("textual-light")
    user.visit("one")
    user.visit("two")
    assert user.toggle_bookmark("two") is True
    user.save()
    again = UserState(str(tmp_path / "kb"))
    assert again.theme == "textual-light"
    assert again.current == "two"
    assert again.history.back_stack == ["one"]
    assert again.bookmarks == ("two",)
    assert again.toggle_bookmark("two") is False


def test_every_change_is_announced_by_the_owner(tmp_path: Path) -> None:
    user = UserState(str(tmp_path / "kb"))
    heard: list[StateChange] = []
    user.subscribe(heard.append)
    user.visit("a")
    user.toggle_bookmark("a")
    user.remove_bookmark("a")
    user.set_theme("textual-light")
    assert [(c.what, c.slug) for c in heard] == [
        ("history", "a"),
        ("bookmarks", "a"),
        ("bookmarks", "a"),
        ("theme", None),
    ]
    # What it hands out is a copy: nobody but the owner changes the state.
    user.history.visit("elsewhere")
    assert user.current == "a"


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    UserState(str(tmp_path)).save()
    names = sorted(p.name for p in state_path().parent.iterdir())
    assert names == [".state.json.lock", "state.json"]


def test_not_saved_when_told_not_to(tmp_path: Path) -> None:
    user = UserState(str(tmp_path), persist=False)
    user.toggle_bookmark("a")
    user.save()
    assert not state_path().exists()


DAMAGE = {
    "not json": b"{not json",
    "a list": b"[1, 2, 3]",
    "kbs not a dict": b'{"kbs": 7}',
    "controls": b"\x00\x01",
    "random bytes": bytes(range(256)) * 4,
    "invalid UTF-8 inside valid JSON": b'{"kbs": {"/x": {"bookmarks": ["caf\xe9"]}}}',
    "nested 100,000 deep": b"[" * 100_000,
}


@pytest.mark.parametrize("garbage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_state_file_is_set_aside_not_lost(garbage: bytes) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(garbage)
    state = load_state()
    assert state.notice and "damaged" in state.notice
    assert state.kbs == {}
    kept = [p for p in path.parent.iterdir() if p.name.startswith("state.json.damaged-")]
    assert len(kept) == 1
    assert kept[0].read_bytes() == garbage
    assert not path.exists()


def test_a_fifo_in_place_of_the_state_file_does_not_block_the_start() -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    user = UserState("/x")  # would block for ever on open() if it read the FIFO
    assert user.notice and "not a file" in user.notice
    assert not path.exists()
    user.toggle_bookmark("a")
    user.save()  # and the next save writes a real file
    assert json.loads(path.read_text(encoding="utf-8"))["kbs"]["/x"]["bookmarks"] == ["a"]


def test_odd_values_inside_a_valid_file_are_ignored() -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {"kbs": {"/x": {"history": {"back": [1, "a"], "current": 3}, "bookmarks": ["b", None]}}}
        ),
        encoding="utf-8",
    )
    state = load_state()
    assert state.notice is None
    assert state.kbs["/x"].history.back_stack == ["a"]
    assert state.kbs["/x"].history.current is None
    assert state.kbs["/x"].bookmarks == ["b"]


def test_two_windows_keep_each_others_bookmarks(tmp_path: Path) -> None:
    first = UserState("/kb")
    second = UserState("/kb")  # both read the same (empty) state
    first.toggle_bookmark("a")
    second.toggle_bookmark("b")
    first.save()
    second.save()
    assert UserState("/kb").bookmarks == ("a", "b")
    # The other window's removal is kept too, and the first learns of "b" on its save.
    second.remove_bookmark("a")
    second.save()
    heard: list[StateChange] = []
    first.subscribe(heard.append)
    first.save()
    assert first.bookmarks == ("b",)
    assert UserState("/kb").bookmarks == ("b",)


_WINDOW = """
import sys
from kbtui.state import UserState
user = UserState("/kb")
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # both have read the state before either saves
user.toggle_bookmark(sys.argv[1])
user.save()
"""


def test_two_processes_both_bookmark_and_both_survive() -> None:
    env = dict(os.environ)
    windows = [
        subprocess.Popen(
            [sys.executable, "-c", _WINDOW, slug],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for slug in ("from-a", "from-b")
    ]
    for window in windows:
        assert window.stdout is not None and window.stdout.readline() == "ready\n"
    for window in windows:
        assert window.stdin is not None
        window.stdin.write("go\n")
        window.stdin.flush()
    for window in windows:
        assert window.wait(timeout=60) == 0
    assert sorted(UserState("/kb").bookmarks) == ["from-a", "from-b"]

"""Back/forward history and the saved state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbtui.kb.history import MAX_HISTORY, History
from kbtui.state import State, load_state, save_state, state_path


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
    state = State(theme="textual-light")
    kb_state = state.for_kb(tmp_path / "kb")
    kb_state.history.visit("one")
    kb_state.history.visit("two")
    assert kb_state.toggle_bookmark("two") is True
    save_state(state)
    again = load_state()
    restored = again.for_kb(tmp_path / "kb")
    assert again.theme == "textual-light"
    assert restored.history.current == "two"
    assert restored.history.back_stack == ["one"]
    assert restored.bookmarks == ["two"]
    assert restored.toggle_bookmark("two") is False


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    save_state(State())
    assert [p.name for p in state_path().parent.iterdir()] == ["state.json"]


@pytest.mark.parametrize("garbage", ["{not json", "[1, 2, 3]", '{"kbs": 7}', "\x00\x01"])
def test_a_damaged_state_file_is_set_aside_not_lost(garbage: str) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(garbage, encoding="utf-8")
    state = load_state()
    assert state.notice and "damaged" in state.notice
    assert state.kbs == {}
    kept = [p for p in path.parent.iterdir() if p.name.startswith("state.json.damaged-")]
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == garbage
    assert not path.exists()


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

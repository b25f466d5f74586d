"""The search box: every change starts a search at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message

from kbtui.ui.internals import QuietInput


class SearchBox(QuietInput):
    """An Input that calls ``on_change`` from its value watcher.

    ``Input.Changed`` reaches the pane two message queues later, after the frame that
    echoes the key has been drawn; calling straight from the watcher starts the
    search ~5 ms sooner."""

    # What the footer shows while typing: the useful keys first, Help always (F1 here:
    # "?" is text in a search box).
    BINDINGS = [
        Binding("enter", "submit", "Open the top hit", id="search.open"),
        Binding("down", "results", "Into the results", id="search.results"),
        Binding("escape", "leave", "Back to the list", id="search.back"),
        Binding("f1", "app.help", "Help", id="search.help"),
    ]

    def __init__(self, on_change: Callable[[], object], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_change = on_change

    def watch_value(self) -> None:
        self._on_change()

    @dataclass
    class Leave(Message):
        """Down or Esc in the box: the pane moves focus to the list."""

        into_results: bool

    def action_results(self) -> None:
        self.post_message(self.Leave(into_results=True))

    def action_leave(self) -> None:
        self.post_message(self.Leave(into_results=False))

"""The search box: every change starts a search at once."""

from __future__ import annotations

from collections.abc import Callable

from kbtui.ui.internals import QuietInput


class SearchBox(QuietInput):
    """An Input that calls ``on_change`` from its value watcher.

    ``Input.Changed`` reaches the pane two message queues later, after the frame that
    echoes the key has been drawn; calling straight from the watcher starts the
    search ~5 ms sooner."""

    def __init__(self, on_change: Callable[[], object], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_change = on_change

    def watch_value(self) -> None:
        self._on_change()

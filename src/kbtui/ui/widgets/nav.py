"""Back / forward / bookmark buttons above the reader, for the mouse."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static


class NavButton(Button, can_focus=False):
    """A compact button the mouse can press; the keyboard uses the bindings instead."""


class NavBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield NavButton(
            "‹ Back", id="nav-back", compact=True, disabled=True, tooltip="Back (Backspace, Alt+←)"
        )
        yield NavButton(
            "Forward ›", id="nav-forward", compact=True, disabled=True, tooltip="Forward (Alt+→)"
        )
        yield NavButton(
            "☆ Bookmark",
            id="nav-bookmark",
            compact=True,
            disabled=True,
            tooltip="Toggle bookmark (b)",
        )
        yield Static("", id="nav-where", markup=False)

    def update_state(self, can_back: bool, can_forward: bool, bookmarked: bool | None) -> None:
        self.query_one("#nav-back", Button).disabled = not can_back
        self.query_one("#nav-forward", Button).disabled = not can_forward
        bookmark = self.query_one("#nav-bookmark", Button)
        bookmark.disabled = bookmarked is None
        bookmark.label = "★ Bookmarked" if bookmarked else "☆ Bookmark"

    def where(self, text: str) -> None:
        """A short note beside the buttons (e.g. how many sections hold the search)."""
        self.query_one("#nav-where", Static).update(text)

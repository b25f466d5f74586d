"""The bookmarks list: Enter opens one, d removes it, Esc closes."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kbtui.kb.boundary import display_name
from kbtui.ui.base import kb_app
from kbtui.ui.messages import UserStateChanged

EMPTY = "No bookmarks yet: press b while reading an entry."


class BookmarksScreen(ModalScreen[str | None]):
    """The user's bookmarks, kept in step with the user's state while open."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="bookmarks.close"),
        Binding("d", "remove", "Remove bookmark", id="bookmarks.remove"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield Static(Text("Bookmarks", style="bold"), id="bookmarks-title")
            yield OptionList(id="bookmarks-list")
            yield Static(Text(EMPTY), id="bookmarks-empty")
            yield Static(Text("Enter opens · d removes · Esc closes", style="dim"))

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        app = kb_app(self)
        marks = app.user.bookmarks
        listing = self.query_one("#bookmarks-list", OptionList)
        previous = listing.highlighted
        listing.set_options(
            Option(
                Text.assemble(
                    (display_name(app.library.title_of(slug) or slug), "bold"),
                    (f"  {display_name(slug)}", "dim"),
                ),
                id=slug,
            )
            for slug in marks
        )
        if marks:
            listing.highlighted = min(previous or 0, len(marks) - 1)
        listing.display = bool(marks)
        self.query_one("#bookmarks-empty", Static).display = not marks

    @on(UserStateChanged)
    def _state_changed(self, message: UserStateChanged) -> None:
        if message.change.what == "bookmarks":
            self._fill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_remove(self) -> None:
        option = self.query_one("#bookmarks-list", OptionList).highlighted_option
        if option is None or option.id is None:
            return
        kb_app(self).user.remove_bookmark(option.id)  # the list follows the state's news
        self.notify("Bookmark removed.", timeout=2)

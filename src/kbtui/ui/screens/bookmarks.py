"""The bookmarks list: Enter opens one, d removes it, Esc closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class BookmarksScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="bookmarks.close"),
        Binding("d", "remove", "Remove bookmark", id="bookmarks.remove"),
    ]

    def __init__(self, marks: list[tuple[str, str]]) -> None:
        super().__init__()
        self.marks = marks

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield Static(Text("Bookmarks", style="bold"), id="bookmarks-title")
            if self.marks:
                yield OptionList(
                    *[
                        Option(Text.assemble((title, "bold"), (f"  {slug}", "dim")), id=slug)
                        for slug, title in self.marks
                    ],
                    id="bookmarks-list",
                )
            else:
                yield Static(
                    Text("No bookmarks yet: press b while reading an entry."), id="bookmarks-empty"
                )
            yield Static(Text("Enter opens · d removes · Esc closes", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_remove(self) -> None:
        options = self.query(OptionList)
        if not options:
            return
        option_list = options.first()
        option = option_list.highlighted_option
        if option is None or option.id is None:
            return
        state = self.app.kb_state  # type: ignore[attr-defined]
        if option.id in state.bookmarks:
            state.bookmarks.remove(option.id)
            self.app.save_state()  # type: ignore[attr-defined]
        option_list.remove_option(option.id)
        self.notify("Bookmark removed.", timeout=2)

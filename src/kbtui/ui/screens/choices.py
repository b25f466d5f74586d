"""A missing link chosen: search for its words, or write the missing entry."""

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

SEARCH, CREATE = "search", "create"


class MissingLinkScreen(ModalScreen[str | None]):
    """What to do about a link to an entry nobody has written yet."""

    BINDINGS = [Binding("escape", "close", "Close", id="curate.missing-close")]

    def __init__(self, target: str, words: str, path: str) -> None:
        super().__init__()
        self.target = target
        self.words = words
        self.path = path  # the file "Write it" creates

    def compose(self) -> ComposeResult:
        with Vertical(id="missing-box"):
            title = Text(f"{display_name(self.target)!r} is not in this KB yet.", style="bold")
            yield Static(title)
            yield OptionList(
                Option(Text(f"Search for “{display_name(self.words)}”"), id=SEARCH),
                Option(
                    Text(f"Write it: create {display_name(self.path)} and open it in your editor"),
                    id=CREATE,
                ),
                id="missing-choices",
            )
            yield Static(Text("Enter chooses · Esc closes", style="dim"))

    def on_mount(self) -> None:
        choices = self.query_one("#missing-choices", OptionList)
        choices.highlighted = 0  # the search first: Enter takes it, Down then Enter writes
        choices.focus()

    @on(OptionList.OptionSelected, "#missing-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)

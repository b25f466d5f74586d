"""Ask where a handout goes (the current directory unless the user picks another)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ExportScreen(ModalScreen[Path | None]):
    """Enter writes the handout into the folder typed here; Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, what: str, folder: Path) -> None:
        super().__init__()
        self.what = what
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(Text(f"Export {self.what}", style="bold"), id="export-title")
            yield Static(Text("Folder for the handout (an existing file is never replaced):"))
            yield Input(str(self.folder), id="export-folder")
            yield Static(Text("Enter writes it · Esc cancels", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        folder = Path(event.value.strip() or ".").expanduser()
        if not folder.is_dir():
            self.notify(f"{folder} is not a folder.", severity="error", markup=False)
            return
        self.dismiss(folder)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The help screen, generated from the live bindings (never a hand-kept table)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(app_node: DOMNode, node: DOMNode) -> list[tuple[str, str, bool]]:
    """(keys, description, enabled now) for every described binding of ``node``."""
    rows: dict[str, tuple[list[str], bool]] = {}
    for _key, binding in node._bindings:
        if not binding.description:
            continue
        keys, enabled = rows.get(binding.description, ([], True))
        display = app_node.app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
        try:
            allowed = node.check_action(binding.action, ())
        except Exception:
            allowed = True
        rows[binding.description] = (keys, enabled and allowed is True)
    return [
        (" / ".join(keys), description, enabled) for description, (keys, enabled) in rows.items()
    ]


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works; greyed when not possible right now."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close help", id="help.close"),
        Binding("question_mark", "dismiss", "Close help", show=False, id="help.close-alt"),
        Binding("q", "dismiss", "Close help", show=False, id="help.close-q"),
    ]

    def __init__(self, groups: list[tuple[str, DOMNode]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, node in self.groups:
            rows = binding_rows(self, node)
            if not rows:
                continue
            table.add_row(Text(title, style="bold underline"), "")
            for keys, description, enabled in rows:
                table.add_row(Text(keys), Text(description, style="" if enabled else "dim"))
            table.add_row("", "")
        extra = Text.assemble(
            ("Mouse: ", "bold"),
            "click an entry in the list, a link in the reader, or Back / Forward above it.\n",
            ("Search: ", "bold"),
            'words must all match; the last word is a prefix; "quotes" for a phrase; '
            "type:case-study or type:source to filter; word~ for a fuzzy match.",
        )
        self.table = table
        with VerticalScroll(id="help-body"):
            yield Static(Text("kbtui keys", style="bold"), id="help-title")
            yield Static(table, id="help-table")
            yield Static(extra, id="help-extra")
            yield Static(Text("Esc closes this help.", style="dim"))

"""The help screen, generated from the live bindings (never a hand-kept table).

Only kbtui's own bindings are listed (every one has an id), in our words, grouped by
what they are for; the README's key table is made from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

# Binding id prefixes, by the group help shows them in.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Reading", ("reader.",)),
    ("Links and history", ("link.", "nav.", "bookmark.")),
    ("Search", ("search.", "list.")),
    ("Training", ("present.", "room.")),
    ("App", ("app.", "layout.", "curate.")),
)

Row = tuple[str, str, bool]  # keys, description, enabled now


def _group_of(binding_id: str) -> str | None:
    for title, prefixes in GROUPS:
        if binding_id.startswith(prefixes):
            return title
    return None


def binding_groups(app_node: DOMNode, nodes: Iterable[DOMNode]) -> list[tuple[str, list[Row]]]:
    """Every described kbtui binding of ``nodes``, grouped, keys joined per action."""
    found: dict[str, dict[str, tuple[list[str], bool]]] = {title: {} for title, _ in GROUPS}
    for node in nodes:
        for _key, binding in node._bindings:
            binding_id = binding.id or ""
            group = _group_of(binding_id)
            if group is None or not binding.description:
                continue
            if binding_id.endswith(".help") and binding_id != "app.help":
                continue  # each pane shows Help in its footer; listed once, under App
            keys, enabled = found[group].get(binding.description, ([], True))
            display = _key_display(app_node, binding)
            if display not in keys:
                keys.append(display)
            try:
                allowed = node.check_action(binding.action, ())
            except Exception:  # a check that needs a mounted node: count it as allowed
                allowed = True
            found[group][binding.description] = (keys, enabled and allowed is True)
    return [
        (title, [(" / ".join(keys), text, on) for text, (keys, on) in rows.items()])
        for title, rows in found.items()
        if rows
    ]


def _key_display(app_node: DOMNode, binding: Binding) -> str:
    shown = app_node.app.get_key_display(binding)
    return {"⇧+space": "Shift+Space", "space": "Space"}.get(shown, shown)


def key_table(groups: list[tuple[str, list[Row]]]) -> str:
    """The same rows as a Markdown table (the README's key table)."""
    lines = ["| Keys | What they do |", "| --- | --- |"]
    for title, rows in groups:
        lines.append(f"| **{title}** | |")
        lines += [f"| {keys.replace('|', '¦')} | {text} |" for keys, text, _on in rows]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by what it is for; greyed when not possible right now."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close help", id="help.close"),
        Binding("question_mark", "dismiss", "Close help", show=False, id="help.close-alt"),
        Binding("q", "dismiss", "Close help", show=False, id="help.close-q"),
    ]

    def __init__(self, groups: list[tuple[str, list[Row]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, rows in self.groups:
            table.add_row(Text(title, style="bold underline"), "")
            for keys, description, enabled in rows:
                table.add_row(Text(keys), Text(description, style="" if enabled else "dim"))
            table.add_row("", "")
        extra = Text.assemble(
            ("Focus: ", "bold"),
            "one pane has focus at a time - the search box, the list or the reader (or a "
            "link in it) - and it is outlined; the footer shows its keys. Tab moves on.\n",
            ("Mouse: ", "bold"),
            "click an entry in the list, a link in the reader, or Back / Forward above it.\n",
            ("Search: ", "bold"),
            'words must all match; the last word is a prefix; "quotes" for a phrase; '
            "type:case-study or type:source to filter; word~ for a fuzzy match.\n",
            ("In the list: ", "bold"),
            "★ marks a bookmark; · after a title means the entry's summary is missing.",
        )
        self.table = table
        with VerticalScroll(id="help-body"):
            yield Static(Text("kbtui keys", style="bold"), id="help-title")
            yield Static(table, id="help-table")
            yield Static(extra, id="help-extra")
            yield Static(Text("Esc closes this help.", style="dim"))

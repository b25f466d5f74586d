"""The baseline for start-up: a bare Textual app with the same widgets as kbtui's main
screen (header, search input, option list of the same titles, a Markdown pane, footer)
and nothing else. Usage: python bare_app.py TITLES.txt"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Markdown, OptionList
from textual.widgets.option_list import Option


class BareApp(App[None]):
    CSS = "#side { width: 38%; } OptionList { height: 1fr; }"

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="side"):
                yield Input(placeholder="Search")
                yield OptionList(
                    Option(f"Concepts ({len(self.titles)})", disabled=True),
                    *[Option(t) for t in self.titles],
                )
            yield Markdown("Nothing open yet.")
        yield Footer()


if __name__ == "__main__":
    BareApp(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()).run()

"""The reader: one entry, its sections as Markdown, its links as focusable widgets.

What an entry turns into on screen is built in entry_view, imported with the first
entry opened: the KB model is not needed to paint the first frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from kbtui.ui.widgets.links import EntryLink

if TYPE_CHECKING:
    from kbtui.kb.model import Backlink, Entry


@dataclass(frozen=True)
class LinkContext:
    """What the reader needs to know about the rest of the KB."""

    resolve: Callable[[str], tuple[str | None, bool]]
    title_of: Callable[[str], str | None]
    backlinks: Callable[[str], tuple[Backlink, ...] | None]  # None while the KB still loads


class Reader(VerticalScroll, can_focus=False):
    """Shows one entry. Tab walks its links (the reader itself takes no focus, so the
    first Tab from the list lands on a link); Page Up / Page Down scroll it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entry: Entry | None = None

    @staticmethod
    def placeholder() -> list[Widget]:
        text = Text()
        text.append("Nothing open yet.\n\n", style="bold")
        text.append("Type / to search, move with ↑ ↓ or j k, and press Enter to read.\n")
        text.append("Tab walks the links of an entry; Backspace goes back; ? lists every key.")
        return [Static(text, classes="placeholder")]

    async def show_placeholder(self) -> None:
        self.entry = None
        await self.remove_children()
        await self.mount_all(self.placeholder())

    async def show_entry(self, entry: Entry, context: LinkContext) -> None:
        from kbtui.ui.widgets.entry_view import entry_widgets  # with the KB model

        self.entry = entry
        widgets = entry_widgets(entry, context)
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False)

    def links(self) -> list[EntryLink]:
        return list(self.query(EntryLink))

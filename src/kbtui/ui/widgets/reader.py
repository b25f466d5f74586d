"""The reader: one entry, its sections as Markdown, its links as focusable widgets.

What an entry turns into on screen is built in entry_view, imported with the first
entry opened: the KB model is not needed to paint the first frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from kbtui.ui.base import kb_app
from kbtui.ui.widgets.links import EntryLink, LinkArea

if TYPE_CHECKING:
    from kbtui.kb.model import Entry


class Reader(LinkArea, can_focus=False):
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

    async def show_entry(self, entry: Entry, keep_place: bool = False) -> None:
        """Show ``entry``; with ``keep_place`` (the same entry drawn again, e.g. once its
        backlinks are known) the focused link keeps its focus and nothing scrolls."""
        from kbtui.ui.widgets.entry_view import entry_widgets  # with the KB model

        focused = self.screen.focused
        links = self.links()
        link_index = links.index(focused) if keep_place and focused in links else None
        self.entry = entry
        widgets = entry_widgets(entry, kb_app(self).library)
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        if link_index is not None and link_index < len(self.links()):
            self.screen.set_focus(self.links()[link_index], scroll_visible=False)
        elif not keep_place:
            self.scroll_home(animate=False)

    async def redraw(self) -> None:
        """Draw the open entry again, in place (its links or backlinks changed)."""
        if self.entry is not None:
            await self.show_entry(self.entry, keep_place=True)

    def links(self) -> list[EntryLink]:
        return list(self.query(EntryLink))

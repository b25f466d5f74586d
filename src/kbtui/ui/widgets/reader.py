"""The reader: one entry, its sections as Markdown, its links as focusable widgets.

What an entry turns into on screen is built in entry_view, imported with the first
entry opened: the KB model is not needed to paint the first frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Markdown, Static

from kbtui.ui.base import kb_app
from kbtui.ui.widgets.links import EntryLink, LinkArea

if TYPE_CHECKING:
    from kbtui.kb.model import Entry
    from kbtui.kb.outline import EntryOutline


@dataclass(frozen=True)
class Place:
    """Where a reader was in an entry: restored by Back and Forward."""

    scroll_y: float
    link: int | None  # the index of the focused link, if one was
    query: str | None = None  # the search whose words were marked


class Reader(LinkArea, can_focus=True):
    """Shows one entry. It takes focus itself (the body: j/k scroll it line by line);
    Tab walks on through its links in reading order, citations included."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Line down", show=False, id="reader.line-down"),
        Binding("k,up", "scroll_up", "Line up", show=False, id="reader.line-up"),
        Binding("tab", "app.focus_next", "Links", id="reader.links"),
        Binding("question_mark", "app.help", "Help", id="reader.help"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entry: Entry | None = None
        self.marked = 0  # sections marked as holding the searched words
        self.marked_query: str | None = None  # the search they were marked for

    @staticmethod
    def placeholder() -> list[Widget]:
        text = Text()
        text.append("Nothing open yet.\n\n", style="bold")
        text.append("Type / to search, move with ↑ ↓ or j k, and press Enter to read.\n")
        text.append("Tab walks the links of an entry; Backspace goes back; ? lists every key.")
        return [Static(text, classes="placeholder")]

    async def show_entry(
        self,
        entry: Entry,
        keep_place: bool = False,
        place: Place | None = None,
        query: str | None = None,
    ) -> None:
        """Show ``entry``. With ``keep_place`` (the same entry drawn again, e.g. once its
        backlinks are known) the focused link keeps its focus and nothing scrolls; with
        ``place`` (Back / Forward) the reader goes back to where it was. ``marks`` tells
        ``query`` is the search the entry was found with: its words are marked for n / N."""
        from kbtui.ui.widgets.entry_view import entry_widgets  # with the KB model

        if keep_place:
            place = self.place()
        if place is not None and query is None:
            query = place.query
        self.entry = entry
        self.marked_query = query
        widgets = entry_widgets(entry, kb_app(self).library)
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        matcher = kb_app(self).library.term_matcher(query) if query else None
        self.marked = self._mark(matcher) if matcher is not None else 0
        if place is not None:
            self.restore(place)
        else:
            self.scroll_home(animate=False)

    def place(self) -> Place:
        focused = self.screen.focused
        links = self.links()
        return Place(
            self.scroll_y, links.index(focused) if focused in links else None, self.marked_query
        )

    def restore(self, place: Place) -> None:
        """Back where the reader was: the same scroll position and, visibly, the same
        focused link."""
        links = self.links()
        if place.link is not None and place.link < len(links):
            self.screen.set_focus(links[place.link], scroll_visible=False)
        # Once the new entry is laid out (before, its height may not reach that far).
        self.call_after_refresh(self.scroll_to, y=place.scroll_y, animate=False, immediate=True)

    async def redraw(self) -> None:
        """Draw the open entry again, in place (its links or backlinks changed)."""
        if self.entry is not None:
            await self.show_entry(self.entry, keep_place=True)

    def _mark(self, marks: Callable[[str], bool]) -> int:
        count = 0
        for block in self.query(".section-body"):
            source = block.source if isinstance(block, Markdown) else ""
            if source and marks(source):
                block.add_class("-match")
                count += 1
        return count

    def _jump(self, targets: list[Widget], direction: int) -> bool:
        """Scroll to the next (or previous) of ``targets`` below (above) the top line."""
        top = self.scroll_y
        ahead = [w for w in targets if w.virtual_region.y > top + 0.5]
        behind = [w for w in targets if w.virtual_region.y < top - 0.5]
        target = (
            (ahead[0] if ahead else None) if direction > 0 else (behind[-1] if behind else None)
        )
        if target is None:
            return False
        self.scroll_to(y=target.virtual_region.y, animate=False)
        return True

    async def show_similar(self, slug: str, outlines: list[EntryOutline]) -> None:
        """Fill the "Similar entries" section, if ``slug`` is still the entry shown."""
        from kbtui.ui.widgets.entry_view import similar_links

        if self.entry is None or self.entry.slug != slug:
            return
        for box in self.query("#similar"):
            await box.remove_children()
            await box.mount_all(similar_links(outlines))

    def section_in_view(self) -> str | None:
        """The name of the section at the top of the reader (for the editor's line)."""
        from kbtui.ui.widgets.entry_view import SectionHeading

        current: str | None = None
        for heading in self.query(SectionHeading):
            if heading.virtual_region.y > self.scroll_y + 1:
                break
            current = heading.section or current
        return current

    def jump_section(self, direction: int) -> bool:
        """``]`` / ``[``: the next or previous section heading to the top."""
        return self._jump(list(self.query(".link-heading")), direction)

    def jump_match(self, direction: int) -> bool:
        """``n`` / ``N``: the next or previous section holding the searched words."""
        return self._jump(list(self.query(".section-body.-match")), direction)

    def links(self) -> list[EntryLink]:
        return list(self.query(EntryLink))

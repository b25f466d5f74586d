"""The entry list: entries grouped by type, or ranked search hits with snippets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kbtui.index.results import ListedEntry, SearchResult
from kbtui.kb.model import type_label

SNIPPET_CHARS = 110  # about two lines of the list: enough context, and hits stay scannable
_TYPE_ORDER = {"path": 0, "concept": 1, "case-study": 2, "source": 3}


def group_entries(entries: Iterable[ListedEntry]) -> list[tuple[str, list[ListedEntry]]]:
    groups: dict[str, list[ListedEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.type, []).append(entry)
    ordered = sorted(groups, key=lambda t: (_TYPE_ORDER.get(t, 9), t))
    return [(t, sorted(groups[t], key=lambda e: e.title.casefold())) for t in ordered]


class EntryList(OptionList):
    """Arrows or j/k move, Enter opens, a click opens."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "first", "First", show=False, id="list.first"),
        Binding("G", "last", "Last", show=False, id="list.last"),
    ]

    @dataclass
    class Chosen(Message):
        slug: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mode = "groups"

    def show_groups(self, entries: Iterable[ListedEntry], bookmarks: Iterable[str] = ()) -> None:
        marked = set(bookmarks)
        options: list[Option | None] = []
        for entry_type, members in group_entries(entries):
            if options:
                options.append(None)
            heading = Text(f"{type_label(entry_type)} ({len(members)})", style="bold")
            options.append(Option(heading, id=f"group:{entry_type}", disabled=True))
            for entry in members:
                label = Text(entry.title, overflow="ellipsis", no_wrap=True)
                if entry.slug in marked:
                    label.append(" ★", style="bold")
                if entry.summary_missing and entry.type != "path":
                    label.append(" ·", style="dim")
                options.append(Option(label, id=entry.slug))
        if not options:
            empty = Text(
                "This KB has no entries yet: add Markdown files to its folder.", style="italic"
            )
            options.append(Option(empty, id="empty:", disabled=True))
        self._replace(options, "groups")

    def show_hits(self, result: SearchResult) -> None:
        options: list[Option | None] = []
        for hit in result.hits:
            if options:
                options.append(None)
            label = Text(no_wrap=False, overflow="fold")
            label.append(hit.title, style="bold")
            label.append(f"  {type_label(hit.type)}", style="dim")
            if hit.snippet:
                label.append("\n")
                budget = SNIPPET_CHARS
                for segment in hit.snippet:
                    if budget <= 0:
                        break
                    text = segment.text[:budget]
                    budget -= len(text)
                    label.append(text, style="bold underline" if segment.match else "dim")
                if budget <= 0:
                    label.append("…", style="dim")
            options.append(Option(label, id=hit.slug))
        if not options:
            message = Text(f"No entries match {result.query!r}.", style="italic")
            if result.suggestion:
                message.append(f"\nDid you mean: {result.suggestion}?", style="bold")
                options.append(Option(message, id=f"suggest:{result.suggestion}"))
            else:
                options.append(Option(message, id="empty:", disabled=True))
        self._replace(options, "hits", keep_highlight=False)

    def _replace(
        self, options: list[Option | None], mode: str, keep_highlight: bool = True
    ) -> None:
        """Swap the options; the grouped list keeps its place, new hits start at the top."""
        previous = self.highlighted_option.id if self.highlighted_option else None
        self.mode = mode
        with self.app.batch_update():
            self.clear_options()
            self.add_options(options)
            if keep_highlight and previous:
                self.highlight_slug(previous)
            else:
                self.action_first()

    def highlight_slug(self, slug: str | None) -> bool:
        if slug is None:
            return False
        try:
            self.highlighted = self.get_option_index(slug)
        except Exception:
            if self.highlighted is None:
                self.action_first()
            return False
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

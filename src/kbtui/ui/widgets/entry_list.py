"""The entry list: entries grouped by type, or ranked search hits with snippets.

They are two lists, one shown at a time. The grouped list is built when the KB's
listing changes and is then kept: clearing the search box only shows it again, so
going back to 10,000 entries costs no more than a repaint.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from kbtui.kb.boundary import display, display_name
from kbtui.kb.labels import type_label
from kbtui.kb.outline import EntryOutline
from kbtui.ui.internals import QuickOptionList

if TYPE_CHECKING:
    from kbtui.index.results import SearchResult

FIRST_HITS = 10  # hits drawn in the first frame: more than a tall terminal shows
SNIPPET_CHARS = 110  # about two lines of the list: enough context, and hits stay scannable
# Option ids that are not entries start with "/", which no slug can (slugs are paths
# inside the KB, without a leading slash).
SUGGESTION = "/suggestion"
EMPTY = "/empty"
_TYPE_ORDER = {"path": 0, "concept": 1, "case-study": 2, "source": 3}


def group_entries(entries: Iterable[EntryOutline]) -> list[tuple[str, list[EntryOutline]]]:
    groups: dict[str, list[EntryOutline]] = {}
    for entry in entries:
        groups.setdefault(entry.type, []).append(entry)
    ordered = sorted(groups, key=lambda t: (_TYPE_ORDER.get(t, 9), t))
    return [(t, sorted(groups[t], key=lambda e: e.title.casefold())) for t in ordered]


class EntryList(QuickOptionList):
    """Arrows or j/k move, Enter opens, a click opens."""

    BINDINGS = [
        Binding("enter", "select", "Open the highlighted entry", id="list.open"),
        Binding("j", "cursor_down", "Next in the list", show=False, id="list.down"),
        Binding("k", "cursor_up", "Previous in the list", show=False, id="list.up"),
        Binding("question_mark", "app.help", "Help", id="list.help"),
    ]

    @dataclass
    class Chosen(Message):
        """An entry was chosen (Enter or a click); ``query`` when it was a search hit."""

        slug: str
        query: str | None = None
        read: bool = False  # chosen from the search box: go on to read it

    def _replace(self, options: list[Option | None], keep_highlight: bool = True) -> None:
        """Swap the options; the grouped list keeps its place, new hits start at the top."""
        previous = self.highlighted_option.id if self.highlighted_option else None
        with self.app.batch_update():
            self.set_options(options)  # not clear + add: no passing through "empty"
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
        self.choose(event.option)

    def choose(self, option: Option) -> None:
        if option.id and not option.disabled:
            self.post_message(self.Chosen(option.id))

    def highlighted_choice(self) -> Option | None:
        """The highlighted option, if it can be chosen."""
        option = self.highlighted_option
        if option is None or not option.id or option.disabled:
            return None
        return option


class GroupList(EntryList):
    """Every entry, grouped by type, with counts; bookmarks starred.

    Every option is one line (titles are cut with an ellipsis, never wrapped: see
    app.tcss), so the list's line map is built without measuring each option: for
    10,000 entries that is ~1 ms instead of ~120 ms at start-up and at each resize."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._labels: dict[tuple[EntryOutline, bool], Content] = {}

    def show_groups(self, entries: Iterable[EntryOutline], bookmarks: Iterable[str] = ()) -> None:
        marked = set(bookmarks)
        options: list[Option | None] = []
        # The labels of the last listing, kept for the next: when one file changes
        # underneath, 10,000 titles need not be neutralised and styled again.
        known, self._labels = self._labels, {}

        def label(entry: EntryOutline, bookmarked: bool) -> Content:
            key = (entry, bookmarked)
            found = known.get(key)
            if found is None:
                found = self.entry_label(entry, bookmarked)
            self._labels[key] = found
            return found

        for entry_type, members in group_entries(entries):
            if options:
                options.append(None)
            label_text = display_name(type_label(entry_type))  # other folders' names too
            heading = Content.styled(f"{label_text} ({len(members)})", "bold")
            options.append(Option(heading, id=f"/group/{entry_type}", disabled=True))
            options.extend(
                Option(label(entry, entry.slug in marked), id=entry.slug) for entry in members
            )
        if not options:
            empty = Content.styled(
                "This KB has no entries yet: add Markdown files to its folder.", "italic"
            )
            options.append(Option(empty, id=EMPTY, disabled=True))
        self._replace(options)

    @staticmethod
    def entry_label(entry: EntryOutline, bookmarked: bool) -> Content:
        # Content(...) and assemble() take text as it is: a title is never markup.
        title = display_name(entry.title)  # a cached row: data, never markup or escapes
        if not bookmarked and not (entry.summary_missing and entry.type != "path"):
            return Content(title)
        parts: list[tuple[str, str]] = [(title, "")]
        if bookmarked:
            parts.append((" ★", "bold"))
        if entry.summary_missing and entry.type != "path":
            parts.append((" ·", "dim"))
        return Content.assemble(*parts)

    def mark(self, entry: EntryOutline, bookmarked: bool) -> None:
        """Star or unstar one entry in place (no rebuild of the whole list)."""
        with suppress(OptionDoesNotExist):
            self.replace_option_prompt(entry.slug, self.entry_label(entry, bookmarked))

    def _option_height(self, option: Option, width: int) -> int:
        return 1  # no measuring: titles are cut, never wrapped


class HitList(EntryList):
    """Ranked search hits with snippets, matched words highlighted."""

    @dataclass
    class SuggestionChosen(Message):
        """The "did you mean" line was chosen: search for ``text`` instead."""

        text: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._generation = 0
        self._suggestion: str | None = None
        self.hits_query: str | None = None  # the query whose hits are shown

    @property
    def suggestion(self) -> str | None:
        """The "did you mean" of the hits shown, if any."""
        return self._suggestion

    def choose(self, option: Option) -> None:
        if option.id == SUGGESTION and self._suggestion:
            self.post_message(self.SuggestionChosen(self._suggestion))
        elif option.id and not option.disabled:
            self.post_message(self.Chosen(option.id, self.hits_query))

    def show_hits(self, result: SearchResult) -> None:
        self.hits_query = result.query
        options: list[Option | None] = []
        for hit in result.hits:
            if options:
                options.append(None)
            label = Text(no_wrap=False, overflow="fold")
            label.append(display_name(hit.title), style="bold")
            label.append(f"  {type_label(hit.type)}", style="dim")
            if hit.snippet:
                label.append("\n")
                budget = SNIPPET_CHARS
                for segment in hit.snippet:
                    if budget <= 0:
                        break
                    text = display(segment.text[:budget])
                    budget -= len(text)
                    label.append(text, style="bold underline" if segment.match else "dim")
                if budget <= 0:
                    label.append("…", style="dim")
            options.append(Option(label, id=hit.slug))
        self._suggestion = result.suggestion if not options else None
        if not options:
            message = Text(f"No entries match {display_name(result.query)!r}.", style="italic")
            if result.note:
                message.append(f"\n{result.note}")
            if result.suggestion:
                message.append(f"\nDid you mean: {display_name(result.suggestion)}?", style="bold")
                message.append("  Enter searches for it.", style="dim")
                options.append(Option(message, id=SUGGESTION))
            else:
                options.append(Option(message, id=EMPTY, disabled=True))
        # What fits on the screen is measured and drawn first; the rest of the hits
        # are added just after that frame, while the user reads the first ones.
        first = 2 * FIRST_HITS  # hits and their separators
        self._generation += 1
        self._replace(options[:first], keep_highlight=False)
        if len(options) > first:
            self.call_after_refresh(self._add_rest, self._generation, options[first:])

    def _add_rest(self, generation: int, rest: list[Option | None]) -> None:
        if generation == self._generation:  # not replaced by newer hits meanwhile
            self.add_options(rest)

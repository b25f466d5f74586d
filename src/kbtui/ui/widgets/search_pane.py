"""The search pane: the search box, the grouped list, the hit list and the status line.

It owns search as you type: every change of the box goes to a search thread of its
own (newest query wins), and the typed key is drawn in the same frame as its
results. It tells the screen only what the user chose, with
:class:`~kbtui.ui.widgets.entry_list.EntryList.Chosen`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, ProgressBar, Static

from kbtui.kb.outline import EntryOutline
from kbtui.ui.base import kb_app
from kbtui.ui.internals import hold_updates, release_updates
from kbtui.ui.searcher import Searcher
from kbtui.ui.widgets.entry_list import SUGGESTION, EntryList, GroupList, HitList
from kbtui.ui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from kbtui.index.results import SearchResult

ECHO_HOLD = 0.05  # longest wait for results before a typed key is drawn on its own
SEARCH_LIMIT = 25
UNAVAILABLE = "Search is unavailable; browsing still works."


def entries_noun(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


class SearchPane(Vertical):
    """Search box over the list; the list shows every entry, or the current hits."""

    @dataclass
    class _Done(Message):
        result: SearchResult

    @dataclass
    class _Failed(Message):
        query: str
        reason: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.search_ready = False
        self.search_failed = False  # the index could not be had: no search is coming
        self.shown_query: str | None = None  # the query whose results the list shows
        self._outlines: dict[str, EntryOutline] = {}
        self._echo_hold: Timer | None = None
        self._searcher: Searcher[SearchResult] = Searcher(
            lambda text: kb_app(self).library.search(text, limit=SEARCH_LIMIT),
            lambda result: self.post_message(self._Done(result)),
            lambda text, error: self.post_message(
                self._Failed(text, f"{type(error).__name__}: {error}")
            ),
        )

    def compose(self) -> ComposeResult:
        yield SearchBox(
            self._run_search, placeholder="Search  ( / )", id="search", select_on_focus=False
        )
        yield GroupList(id="entries")
        yield HitList(id="hits")
        yield ProgressBar(id="index-progress", show_eta=False, total=None)
        yield Static(Text("Opening the KB…"), id="status")

    def on_unmount(self) -> None:
        self._searcher.close()
        self._release_frame()

    @property
    def idle(self) -> bool:
        """No search is running or waiting."""
        return self._searcher.idle

    # -- parts -----------------------------------------------------------------------

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def groups(self) -> GroupList:
        return self.query_one("#entries", GroupList)

    @property
    def hits(self) -> HitList:
        return self.query_one("#hits", HitList)

    @property
    def entry_list(self) -> EntryList:
        """The list on screen: the grouped entries, or the hits of the current query."""
        return self.hits if self.hits.display else self.groups

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(text), layout=False)

    def _show_list(self, shown: EntryList) -> None:
        hidden = self.groups if shown is self.hits else self.hits
        if shown.display:
            return
        had_focus = self.screen.focused is hidden
        with self.app.batch_update():
            shown.display = True
            hidden.display = False
            if had_focus:
                self.screen.set_focus(shown, scroll_visible=False)

    # -- what the screen tells the pane ---------------------------------------------------

    def show_listing(self, outlines: Iterable[EntryOutline], bookmarks: Iterable[str]) -> None:
        self._outlines = {o.slug: o for o in outlines}
        self.groups.show_groups(self._outlines.values(), bookmarks)  # kept behind hits
        if not self.search_ready:
            return
        if self.search_box.value.strip():
            self._run_search()  # the hits may have changed with the files
        else:
            self._status(entries_noun(len(self._outlines)))

    def mark(self, slug: str, bookmarked: bool) -> None:
        outline = self._outlines.get(slug)
        if outline is not None:
            self.groups.mark(outline, bookmarked)

    def highlight(self, slug: str) -> None:
        self.groups.highlight_slug(slug)
        if self.hits.display:
            self.hits.highlight_slug(slug)

    def indexing(self, done: int | None = None, total: int | None = None) -> None:
        bar = self.query_one("#index-progress", ProgressBar)
        bar.display = True
        bar.update(total=total, progress=done or 0)
        if done is None:
            self.search_ready = False
            self._status("Rebuilding the search index…")
        else:
            self._status(f"Indexing {done}/{total} entries…")

    def index_ready(self, in_memory: bool) -> None:
        self.search_ready = True
        self.search_failed = False
        self.query_one("#index-progress", ProgressBar).display = False
        where = " (in memory)" if in_memory else ""
        self._status(f"{entries_noun(len(self._outlines))} · search ready{where}")
        if self.search_box.value.strip():
            self._run_search()

    def index_failed(self) -> None:
        self.search_failed = True  # until an index is ready after all (a later sync)
        self.query_one("#index-progress", ProgressBar).display = False
        self._status(UNAVAILABLE)

    def focus_search(self, select: bool = False) -> None:
        """Into the search box; with ``select`` the old query is selected, so typing
        replaces it (as in a browser's address bar)."""
        box = self.search_box
        self.screen.set_focus(box)
        if select and box.value:
            box.select_all()

    def search_for(self, text: str) -> None:
        """Put ``text`` in the box and search for it, focus on the results."""
        self.search_box.value = text
        self.focus_search()

    def focus_list(self) -> None:
        self.screen.set_focus(self.entry_list)

    def leave(self) -> bool:
        """Esc: from the box to the list, then clear the search. False when there was
        nothing to do here."""
        focused = self.screen.focused
        if focused is self.search_box:
            self.focus_list()
            return True
        if focused is self.entry_list and self.search_box.value:
            self.search_box.value = ""
            return True
        return False

    # -- searching ------------------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.search_box.value
        if not text.strip():
            self._searcher.cancel()
            self._release_frame()
            self.shown_query = text
            self._show_list(self.groups)
            self._status(entries_noun(len(self._outlines)))
            return
        if not self.search_ready:
            waiting = "Search starts when the index is ready…"
            self._status(UNAVAILABLE if self.search_failed else waiting)
            return
        self._hold_frame()
        self._searcher.submit(text)

    def _hold_frame(self) -> None:
        """Draw the typed key together with its results, if they come soon.

        Drawing the key on its own first costs a full frame (the search box's width
        changes, so Textual lays out the screen) on the same core the search needs."""
        if self._echo_hold is None:
            hold_updates(self.app)
            self._echo_hold = self.set_timer(ECHO_HOLD, self._release_frame)

    def _release_frame(self) -> None:
        if self._echo_hold is not None:
            self._echo_hold.stop()
            self._echo_hold = None
            release_updates(self.app)

    @on(_Done)
    def _search_done(self, message: _Done) -> None:
        if message.result.query != self.search_box.value:
            return  # a newer query is on its way
        with self.app.batch_update():
            self.hits.show_hits(message.result)
            self._show_list(self.hits)
        self.shown_query = message.result.query
        hits = len(message.result.hits)
        query = message.result.query.strip()
        self._status(
            f"{hits} match{'es' if hits != 1 else ''} for “{query}”"
            if hits
            else f"No matches for “{query}”"
        )
        # Repaint the whole screen in the frame the held key is released into: the
        # list's own repaint request reaches the screen a message later, so without
        # this the hits (and this status line) would follow one frame (~20 ms) behind.
        self.screen.refresh()
        self._release_frame()

    @on(_Failed)
    def _search_failed(self, message: _Failed) -> None:
        self._release_frame()
        self._status(f"Search failed for “{message.query.strip()}”")
        self.notify(
            f"The search for {message.query!r} failed: {message.reason}",
            title="Search",
            severity="error",
            markup=False,
        )

    @on(SearchBox.Leave)
    def _box_left(self, message: SearchBox.Leave) -> None:
        message.stop()
        self.focus_list()

    @on(HitList.SuggestionChosen)
    def _suggestion_chosen(self, message: HitList.SuggestionChosen) -> None:
        message.stop()
        self._take_suggestion(message.text)

    def _take_suggestion(self, text: str) -> None:
        self.search_box.value = text
        self.search_box.focus()

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        """Enter in the box: open the highlighted hit (the top one, unless moved)."""
        entries = self.entry_list
        option = entries.highlighted_choice()
        if option is None:
            self.focus_list()
        elif option.id == SUGGESTION and self.hits.suggestion:
            self._take_suggestion(self.hits.suggestion)
        elif option.id:
            # Posted by the pane itself, so it travels on to the screen (a message a
            # parent makes its child post stops at that parent).
            query = self.hits.hits_query if entries is self.hits else None
            self.post_message(EntryList.Chosen(option.id, query, read=True))

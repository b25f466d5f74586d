"""The main screen: search and entry list on the left, the reader on the right."""

from __future__ import annotations

import contextlib
import gc
import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Input, Markdown, ProgressBar, Static

from kbtui.index.results import ListedEntry, SearchResult
from kbtui.kb.history import History
from kbtui.kb.links import Resolver
from kbtui.paths import kb_display_name
from kbtui.ui.messages import (
    EntriesListed,
    EntryLoaded,
    EntryMissing,
    IndexFailed,
    IndexProgress,
    IndexReady,
    KBLoaded,
    OpenEntry,
    SearchDone,
    SearchFailed,
)
from kbtui.ui.searcher import Searcher
from kbtui.ui.widgets.entry_list import EntryList, GroupList, HitList
from kbtui.ui.widgets.links import EntryLink
from kbtui.ui.widgets.nav import NavBar
from kbtui.ui.widgets.reader import LinkContext, Reader
from kbtui.ui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from kbtui.index.store import KBIndex
    from kbtui.kb.graph import KnowledgeBase
    from kbtui.kb.model import Backlink
    from kbtui.ui.app import KBApp

# Whoosh and the Markdown parser are imported in the workers, after the first paint.

GRAPH_YIELD_EVERY = 10  # entries parsed between short pauses
GRAPH_FREEZE_EVERY = 500  # entries parsed between moves of the heap out of the GC's sight
NARROW_WIDTH = 90
ECHO_HOLD = 0.05  # longest wait for results before a typed key is drawn on its own
SEARCH_LIMIT = 25


def freeze_heap() -> None:
    """Move what is alive now (the listing, the parsed KB, the open index) out of the
    cyclic garbage collector's sight. These objects live as long as the app; left in
    view, each full collection walks all of them - 0.1-0.5 s at 10,000 entries, which
    the user sees as a stalled keystroke."""
    gc.freeze()


class MainScreen(Screen[None]):
    """Search and entry list on the left, the reader on the right."""

    AUTO_FOCUS = "#entries"  # the list, not the first focusable widget (the search box)

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search.focus", priority=True),
        Binding("escape", "escape", "Back to list", show=False, id="search.leave"),
        Binding("backspace", "back", "Back", id="nav.back"),
        Binding("alt+left", "back", "Back", show=False, id="nav.back-alt"),
        Binding("alt+right", "forward", "Forward", id="nav.forward"),
        Binding("b", "toggle_bookmark", "Bookmark", id="bookmark.toggle"),
        Binding("B", "show_bookmarks", "Bookmarks", show=False, id="bookmark.list"),
        Binding("l", "toggle_list", "Show/hide list", show=False, id="layout.list"),
        Binding("p", "present", "Present path", show=False, id="present.open"),
        Binding(
            "pagedown", "scroll_reader(1)", "Scroll reader down", show=False, id="reader.page-down"
        ),
        Binding("pageup", "scroll_reader(-1)", "Scroll reader up", show=False, id="reader.page-up"),
    ]

    def __init__(self, kb_root: Path, open_slug: str | None = None) -> None:
        super().__init__()
        self.kb_root = kb_root
        self.open_slug = open_slug
        self.kb_index: KBIndex | None = None
        self.listed: dict[str, ListedEntry] = {}
        self.kb: KnowledgeBase | None = None
        self.resolver = Resolver(())
        self.search_ready = False
        self.started = False
        self._graph_started = False
        self.searcher: Searcher[SearchResult] = Searcher(
            self._search_now,
            lambda result: self.post_message(SearchDone(result)),
            lambda text, error: self.post_message(
                SearchFailed(text, f"{type(error).__name__}: {error}")
            ),
        )
        self._painted = threading.Event()  # set once the first list is on screen
        self._echo_hold: Timer | None = None
        self.shown_query: str | None = None  # the query whose results the list shows

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar"):
                yield SearchBox(
                    self._run_search,
                    placeholder="Search  ( / )",
                    id="search",
                    select_on_focus=False,
                )
                yield GroupList(id="entries")
                yield HitList(id="hits")
                yield ProgressBar(id="index-progress", show_eta=False, total=None)
                yield Static(Text("Opening the KB…"), id="status")
            with Vertical(id="reading"):
                yield NavBar(id="nav")
                with Reader(id="reader"):
                    yield from Reader.placeholder()
        yield Footer()

    @property
    def kbapp(self) -> KBApp:
        return cast("KBApp", self.app)

    @property
    def history(self) -> History:
        return self.kbapp.kb_state.history

    def on_mount(self) -> None:
        self._update_nav()
        # The list as of the last sync, read from the index's manifest (one JSON file:
        # no Whoosh, no index open) so that it is in the very first frame.
        from kbtui.index.manifest import cached_listing

        try:
            listing = cached_listing(self.kb_root)
        except Exception:  # a damaged manifest only costs the early list: sync rebuilds
            listing = None
        if listing is not None:
            self.entries_listed(EntriesListed(listing))
        self._index_worker(listed=listing is not None)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

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

    def _show_list(self, shown: EntryList) -> None:
        hidden = self.groups if shown is self.hits else self.hits
        if shown.display:
            return
        had_focus = self.focused is hidden
        with self.app.batch_update():
            shown.display = True
            hidden.display = False
            if had_focus:
                self.set_focus(shown, scroll_visible=False)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(text), layout=False)

    # -- workers -------------------------------------------------------------------

    def _report_progress(self, done: int, total: int) -> None:
        self.post_message(IndexProgress(done, total))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _index_worker(self, listed: bool) -> None:
        """Open the index and bring it up to date."""
        if listed:
            # Importing Whoosh holds the GIL for a while: let the list paint first.
            self._painted.wait(timeout=2.0)
        from kbtui.index.store import KBIndex

        try:
            if self.kb_index is None:
                self.kb_index = KBIndex(self.kb_root)
            report = self.kb_index.sync(progress=self._report_progress)
            if report.changed or not self.listed:
                self.post_message(EntriesListed(self.kb_index.list_entries()))
            self.post_message(IndexReady(report))
        except Exception as error:
            self.post_message(IndexFailed(f"{type(error).__name__}: {error}"))
            return
        # Only a head start (searcher, spelling table): had another kbtui just rebuilt
        # the index under it, the first search reopens the index and builds them.
        with contextlib.suppress(Exception):
            self.kb_index.warm_up()
        freeze_heap()

    def _after_paint(self) -> None:
        self._painted.set()
        freeze_heap()

    def _start_graph(self, again: bool = False) -> None:
        """Work out links and backlinks: from the index's link rows once it is ready,
        or by parsing the KB when there is no index."""
        if again or not self._graph_started:
            self._graph_started = True
            self._graph_worker()

    @work(thread=True, exclusive=True, group="graph", exit_on_error=False)
    def _graph_worker(self) -> None:
        import time

        from kbtui.kb.graph import KnowledgeBase, load_kb

        def breathe(done: int, total: int) -> None:
            # Parsing a large KB holds the GIL; pausing now and then keeps typing in
            # the search box smooth while backlinks are still being worked out.
            if done % GRAPH_YIELD_EVERY == 0:
                time.sleep(0.002)
            if done % GRAPH_FREEZE_EVERY == 0:
                freeze_heap()

        kb = None
        if self.search_ready and self.kb_index is not None:
            # What the last sync recorded of every entry's links: nothing to parse.
            # Collections would walk the growing graph again and again while it is
            # built (half the time at 10,000 entries); it is all kept, so pause them.
            gc.disable()
            try:
                rows = self.kb_index.link_rows()
                if rows is not None:
                    listed = [
                        (e.slug, e.path, e.title, e.type, e.flags)
                        for e in self.kb_index.list_entries()
                    ]
                    kb = KnowledgeBase.from_links(self.kb_root, listed, rows)
            finally:
                gc.enable()
        if kb is None:
            kb = load_kb(self.kb_root, progress=breathe, render=False)
        freeze_heap()
        self.post_message(KBLoaded(kb))

    @work(thread=True, exclusive=True, group="entry", exit_on_error=False)
    def _entry_worker(self, slug: str, history: bool) -> None:
        from kbtui.kb.loader import EntryFile, read_entry

        relpath = None
        if self.kb is not None and slug in self.kb.entries:
            relpath = self.kb.entries[slug].path
        elif slug in self.listed:
            relpath = self.listed[slug].path
        if relpath is None:
            self.post_message(EntryMissing(slug, "it is not an entry in this KB"))
            return
        try:
            entry = read_entry(self.kb_root, EntryFile(slug, relpath, 0, 0))
        except OSError as error:
            self.post_message(EntryMissing(slug, f"its file could not be read ({error.strerror})"))
            return
        self.post_message(EntryLoaded(entry, history))

    def _search_now(self, text: str) -> SearchResult:
        """On the search thread."""
        assert self.kb_index is not None  # searches start once the index is ready
        return self.kb_index.search(text, limit=SEARCH_LIMIT)

    def on_unmount(self) -> None:
        self.searcher.close()
        self._release_frame()

    def _hold_frame(self) -> None:
        """Draw the typed key together with its results, if they come soon.

        Drawing the key on its own first costs a full frame (the search box's width
        changes, so Textual lays out the screen) on the same core the search needs."""
        if self._echo_hold is None:
            self.app._begin_batch()  # what App.batch_update does, across two events
            self._echo_hold = self.set_timer(ECHO_HOLD, self._release_frame)

    def _release_frame(self) -> None:
        if self._echo_hold is not None:
            self._echo_hold.stop()
            self._echo_hold = None
            self.app._end_batch()

    # -- index and KB events ---------------------------------------------------------

    @on(EntriesListed)
    def entries_listed(self, message: EntriesListed) -> None:
        self.listed = {entry.slug: entry for entry in message.entries}
        if self.kb is None:
            self.resolver = Resolver(self.listed)
        count = len(self.listed)
        name = kb_display_name(self.kb_root)
        self.app.sub_title = f"{name} · {count} entr{'y' if count == 1 else 'ies'}"
        self._show_groups()  # kept while hidden behind search hits
        # Parsing the KB and loading Whoosh wait until this list is on screen.
        self.call_after_refresh(self._after_paint)
        if not self.started:
            self.started = True
            first = self.open_slug or self.history.current
            if first:
                self.post_message(OpenEntry(first, history=self.open_slug is not None))

    @on(IndexProgress)
    def index_progress(self, message: IndexProgress) -> None:
        bar = self.query_one("#index-progress", ProgressBar)
        bar.display = True
        bar.update(total=message.total, progress=message.done)
        self._status(f"Indexing {message.done}/{message.total} entries…")

    @on(IndexReady)
    def index_ready(self, message: IndexReady) -> None:
        self.search_ready = True
        self.query_one("#index-progress", ProgressBar).display = False
        count = len(self.listed)
        where = " (in memory)" if self.kb_index and self.kb_index.in_memory else ""
        self._status(f"{count} entr{'y' if count == 1 else 'ies'} · search ready{where}")
        for notice in message.report.notices:
            self.notify(notice, title="Search index", severity="warning", timeout=8)
        if self.query_one("#search", Input).value.strip():
            self._run_search()
        self._start_graph(again=message.report.changed)

    @on(IndexFailed)
    def index_failed(self, message: IndexFailed) -> None:
        self._start_graph()  # browsing works without the index: list from the parsed KB
        self.query_one("#index-progress", ProgressBar).display = False
        self._status("Search is unavailable; browsing still works.")
        self.notify(
            f"The search index could not be opened: {message.reason}",
            title="Search index",
            severity="error",
            timeout=12,
        )

    @on(KBLoaded)
    async def kb_loaded(self, message: KBLoaded) -> None:
        self.kb = message.kb
        self.resolver = message.kb.resolver
        if not self.listed:  # no index: list the entries from the parsed KB
            Listed = ListedEntry
            self.post_message(
                EntriesListed(
                    [
                        Listed(
                            e.slug,
                            e.title,
                            e.type,
                            ("summary-missing",) if e.summary_missing else (),
                            e.path,
                        )
                        for e in message.kb.entries.values()
                    ]
                )
            )
        reader = self.query_one(Reader)
        if reader.entry is not None:
            focused = self.focused
            link_index = (
                reader.links().index(focused)
                if isinstance(focused, EntryLink) and focused in reader.links()
                else None
            )
            await reader.show_entry(reader.entry, self._link_context())
            if link_index is not None and link_index < len(reader.links()):
                self.set_focus(reader.links()[link_index], scroll_visible=False)

    # -- opening entries ---------------------------------------------------------------

    def _link_context(self) -> LinkContext:
        def resolve(target: str) -> tuple[str | None, bool]:
            slug, outside = self.resolver.resolve(target)
            return slug, outside is not None

        def title_of(slug: str) -> str | None:
            listed = self.listed.get(slug)
            if listed is not None:
                return listed.title
            if self.kb is not None and slug in self.kb.entries:
                return self.kb.entries[slug].title
            return None

        def backlinks(slug: str) -> tuple[Backlink, ...] | None:
            return None if self.kb is None else self.kb.backlinks(slug)

        return LinkContext(resolve, title_of, backlinks)

    @on(OpenEntry)
    def open_entry(self, message: OpenEntry) -> None:
        slug, _ = self.resolver.resolve(message.slug)
        self._entry_worker(slug or message.slug, message.history)

    @on(EntryLoaded)
    async def entry_loaded(self, message: EntryLoaded) -> None:
        entry = message.entry
        if message.history:
            self.history.visit(entry.slug)
        elif self.history.current is None:
            self.history.current = entry.slug
        # Decide before the old links go: removing the focused link moves focus away.
        in_reader = isinstance(self.focused, EntryLink) or self.focused is None
        await self.query_one(Reader).show_entry(entry, self._link_context())
        self.groups.highlight_slug(entry.slug)
        if self.hits.display:
            self.hits.highlight_slug(entry.slug)
        links = self.query_one(Reader).links()
        if self.has_class("-narrow"):
            # One pane at a time: the list hides, so focus moves into the reader.
            self.add_class("-reading")
            self.set_focus(links[0] if links else None, scroll_visible=False)
        elif in_reader and links:
            self.set_focus(links[0], scroll_visible=False)
        self._update_nav()
        self.kbapp.save_state()

    @on(EntryMissing)
    def entry_missing(self, message: EntryMissing) -> None:
        self.notify(
            f"Cannot open {message.slug!r}: {message.reason}.", severity="warning", markup=False
        )

    # -- links -------------------------------------------------------------------------

    @on(EntryLink.Followed)
    def follow_link(self, message: EntryLink.Followed) -> None:
        if message.slug is None:
            self.notify(
                f"{message.target!r} is not an entry in this KB.",
                title="Missing link",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(OpenEntry(message.slug))

    @on(Markdown.LinkClicked)
    def markdown_link(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        href = message.href
        target = href[len("cite:") :] if href.startswith("cite:") else href
        slug, outside = self.resolver.resolve(target)
        if slug is not None:
            self.post_message(OpenEntry(slug))
        elif outside:
            self.notify(
                f"{href!r} is outside the KB; kbtui works offline and opens only KB entries.",
                severity="warning",
                markup=False,
            )
        else:
            self.notify(
                f"{target!r} is not an entry in this KB.",
                title="Missing link",
                severity="warning",
                markup=False,
            )

    # -- entry list and search ----------------------------------------------------------

    @on(EntryList.Chosen)
    def entry_chosen(self, message: EntryList.Chosen) -> None:
        if message.slug.startswith("suggest:"):
            search = self.query_one("#search", Input)
            search.value = message.slug.split(":", 1)[1]
            search.focus()
            return
        self.post_message(OpenEntry(message.slug))

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        entries = self.entry_list
        option = entries.highlighted_option
        if option is not None and option.id and not option.disabled:
            entries.post_message(EntryList.Chosen(option.id))
        else:
            entries.focus()

    def _show_groups(self) -> None:
        self.groups.show_groups(self.listed.values(), self.kbapp.kb_state.bookmarks)

    def _run_search(self) -> None:
        text = self.query_one("#search", Input).value
        if not text.strip():
            self.searcher.cancel()
            self._release_frame()
            self.shown_query = text
            self._show_list(self.groups)
            self._status(f"{len(self.listed)} entries")
            return
        if not self.search_ready:
            self._status("Search starts when the index is ready…")
            return
        self._hold_frame()
        self.searcher.submit(text)

    @on(SearchFailed)
    def search_failed(self, message: SearchFailed) -> None:
        self._release_frame()
        self._status(f"Search failed for “{message.query.strip()}”")
        self.notify(
            f"The search for {message.query!r} failed: {message.reason}",
            title="Search",
            severity="error",
            markup=False,
        )

    @on(SearchDone)
    def search_done(self, message: SearchDone) -> None:
        if message.result.query != self.query_one("#search", Input).value:
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
        self.refresh()
        self._release_frame()

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True if self.history.can_back else None
        if action == "forward":
            return True if self.history.can_forward else None
        if action == "toggle_bookmark":
            return True if self.query_one(Reader).entry is not None else None
        if action == "focus_search":  # "/" is text while typing a query
            return self.focused is not self.query_one("#search", Input)
        if action == "present":
            return True if any(e.type == "path" for e in self.listed.values()) else None
        return True

    def _update_nav(self) -> None:
        entry = self.query_one(Reader).entry
        bookmarked = None if entry is None else entry.slug in self.kbapp.kb_state.bookmarks
        self.query_one(NavBar).update_state(
            self.history.can_back, self.history.can_forward, bookmarked
        )
        self.refresh_bindings()

    def action_focus_search(self) -> None:
        self.remove_class("-reading")
        self.set_focus(self.query_one("#search", Input))

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        entries = self.entry_list
        if self.focused is search:
            entries.focus()
        elif self.focused is entries and search.value:
            search.value = ""
        else:
            self.remove_class("-reading")
            entries.focus()

    def action_toggle_list(self) -> None:
        self.toggle_class("-reading") if self.has_class("-narrow") else self.toggle_class(
            "-no-list"
        )

    def action_back(self) -> None:
        slug = self.history.back()
        if slug:
            self.post_message(OpenEntry(slug, history=False))
        self._update_nav()

    def action_forward(self) -> None:
        slug = self.history.forward()
        if slug:
            self.post_message(OpenEntry(slug, history=False))
        self._update_nav()

    def action_toggle_bookmark(self) -> None:
        entry = self.query_one(Reader).entry
        if entry is None:
            return
        now = self.kbapp.kb_state.toggle_bookmark(entry.slug)
        self.notify(
            f"{'Bookmarked' if now else 'Removed bookmark:'} {entry.title}", timeout=3, markup=False
        )
        self._update_nav()
        listed = self.listed.get(entry.slug)
        if listed is not None:
            self.groups.mark(listed, now)
        self.kbapp.save_state()

    def action_show_bookmarks(self) -> None:
        from kbtui.ui.screens.bookmarks import BookmarksScreen

        marks = [
            (slug, self._link_context().title_of(slug) or slug)
            for slug in self.kbapp.kb_state.bookmarks
        ]

        def opened(slug: str | None) -> None:
            if slug:
                self.post_message(OpenEntry(slug))

        self.app.push_screen(BookmarksScreen(marks), opened)

    def action_scroll_reader(self, direction: int) -> None:
        reader = self.query_one(Reader)
        if direction > 0:
            reader.scroll_page_down()
        else:
            reader.scroll_page_up()

    def action_present(self) -> None:
        entry = self.query_one(Reader).entry
        if entry is not None and entry.type == "path":
            self.kbapp.present(entry.slug)
            return
        paths = sorted(slug for slug, listed in self.listed.items() if listed.type == "path")
        if len(paths) == 1:
            self.kbapp.present(paths[0])
        elif paths:
            self.notify(
                "Open a reading path (listed under Reading paths), then press p.", title="Present"
            )
        else:
            self.notify("This KB has no reading paths yet: add one under paths/.", title="Present")

    def action_rebuild_index(self) -> None:
        self.search_ready = False
        bar = self.query_one("#index-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._status("Rebuilding the search index…")
        self._rebuild_worker()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _rebuild_worker(self) -> None:
        if self.kb_index is None:
            return
        try:
            report = self.kb_index.sync(
                progress=self._report_progress,
                rebuild=True,
            )
            self.post_message(EntriesListed(self.kb_index.list_entries()))
            self.post_message(IndexReady(report))
        except Exception as error:
            self.post_message(IndexFailed(f"{type(error).__name__}: {error}"))

    @on(Button.Pressed, "#nav-back")
    def back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#nav-forward")
    def forward_pressed(self) -> None:
        self.action_forward()

    @on(Button.Pressed, "#nav-bookmark")
    def bookmark_pressed(self) -> None:
        self.action_toggle_bookmark()

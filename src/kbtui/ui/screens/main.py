"""The main screen: the search pane on the left, the reader on the right.

It lays them out, starts the KB session's work, and routes: what the session
announces goes to the pane and the reader, what the user chooses becomes an open
entry, and the history of visits moves through the user's state.
"""

from __future__ import annotations

import re
import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Button, Footer, Header

from kbtui.kb.boundary import display_name
from kbtui.library import EntryUnavailable, freeze_heap
from kbtui.paths import kb_display_name
from kbtui.ui.messages import (
    EntriesListed,
    EntryLoaded,
    EntryMissing,
    GraphReady,
    IndexFailed,
    IndexProgress,
    IndexReady,
    MissingLink,
    OpenEntry,
    SimilarFound,
    UserStateChanged,
)
from kbtui.ui.screens.curating import CuratingActions
from kbtui.ui.widgets.entry_list import EntryList
from kbtui.ui.widgets.links import EntryLink, missing_notice
from kbtui.ui.widgets.nav import NavBar
from kbtui.ui.widgets.reader import Place, Reader
from kbtui.ui.widgets.search_pane import SearchPane, entries_noun

NARROW_WIDTH = 90


class MainScreen(CuratingActions):
    """Search and entry list on the left, the reader on the right."""

    AUTO_FOCUS = "#entries"  # the list, not the first focusable widget (the search box)

    # Every binding has an id (help and the README's key table are made from them) and
    # a description in our words. Reader keys work from anywhere but the search box:
    # they are priority bindings, switched off while typing (see check_action).
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search.focus", priority=True),
        Binding("escape", "escape", "Back to the list", show=False, id="search.leave"),
        Binding("backspace", "back", "Back", id="nav.back"),
        Binding("alt+left", "back", "Back", show=False, id="nav.back-alt"),
        Binding("alt+right", "forward", "Forward", show=False, id="nav.forward"),
        Binding("b", "toggle_bookmark", "Bookmark", id="bookmark.toggle"),
        Binding("B", "show_bookmarks", "Bookmarks", show=False, id="bookmark.list"),
        Binding("l", "toggle_list", "Show or hide the list", show=False, id="layout.list"),
        Binding("p", "present", "Present a reading path", show=False, id="present.open"),
        Binding("e", "edit", "Edit in your editor", show=False, id="curate.edit"),
        Binding("c", "problems", "Problems in the KB", show=False, id="curate.problems"),
        Binding("s", "app.share_room", "Share with the room", show=False, id="room.share"),
        Binding(
            "space,pagedown",
            "page(1)",
            "Page down",
            show=False,
            priority=True,
            id="reader.page-down",
        ),
        Binding(
            "shift+space,pageup",
            "page(-1)",
            "Page up",
            show=False,
            priority=True,
            id="reader.page-up",
        ),
        Binding(
            "home,g", "edge(0)", "Top of the entry", show=False, priority=True, id="reader.top"
        ),
        Binding("end,G", "edge(1)", "End of the entry", show=False, priority=True, id="reader.end"),
        Binding(
            "right_square_bracket",
            "section(1)",
            "Next section",
            show=False,
            priority=True,
            id="reader.next-section",
        ),
        Binding(
            "left_square_bracket",
            "section(-1)",
            "Previous section",
            show=False,
            priority=True,
            id="reader.previous-section",
        ),
        Binding(
            "n", "match(1)", "Next searched word", show=False, priority=True, id="reader.next-match"
        ),
        Binding(
            "N",
            "match(-1)",
            "Previous searched word",
            show=False,
            priority=True,
            id="reader.previous-match",
        ),
    ]

    READER_ACTIONS = frozenset({"page", "edge", "section", "match"})

    def __init__(self, open_slug: str | None = None) -> None:
        super().__init__()
        self.open_slug = open_slug
        self.started = False
        self._painted = threading.Event()  # set once the first list is on screen
        self._places: dict[str, Place] = {}  # where the reader was in each entry

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="panes"):
            yield SearchPane(id="sidebar")
            with Vertical(id="reading"):
                yield NavBar(id="nav")
                with Reader(id="reader"):
                    yield from Reader.placeholder()
        yield Footer()

    @property
    def pane(self) -> SearchPane:
        return self.query_one(SearchPane)

    def on_mount(self) -> None:
        self._update_nav()
        # The list as of the last sync (one JSON file: no Whoosh, no index open), so
        # that it is in the very first frame.
        listing = self.kbapp.library.cached_listing()
        if listing is not None:
            self.entries_listed(EntriesListed(listing))
        self._start_worker(wait_for_paint=listing is not None)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # -- the KB session's work ----------------------------------------------------------

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _start_worker(self, wait_for_paint: bool, rebuild: bool = False) -> None:
        """Open the index (which announces the listing), then the link graph, then
        what the first searches need. Each step is announced as it completes."""
        library = self.kbapp.library
        if wait_for_paint:
            # Importing Whoosh holds the GIL for a while: let the list paint first.
            self._painted.wait(timeout=2.0)
        library.open_index(rebuild=rebuild)  # a failure is announced: browsing goes on
        library.load_graph()
        library.warm_up()
        freeze_heap()

    def _after_paint(self) -> None:
        self._painted.set()
        freeze_heap()

    @on(EntriesListed)
    def entries_listed(self, message: EntriesListed) -> None:
        name = display_name(kb_display_name(self.kbapp.library.root))  # a folder name
        self.app.sub_title = f"{name} · {entries_noun(len(message.outlines))}"
        self.pane.show_listing(message.outlines, self.kbapp.user.bookmarks)
        # Parsing the KB and loading Whoosh wait until this list is on screen.
        self.call_after_refresh(self._after_paint)
        if not self.started:
            self.started = True
            first = self.open_slug or self.kbapp.user.current
            if first and self.open_slug and self.kbapp.library.resolve(first)[0] is None:
                # Not in the listing kept from the last run: the file may be new, and
                # the sync that follows will list it (or the open will say it is not).
                self.open_after_refresh = first
            elif first:
                self.post_message(OpenEntry(first, history=self.open_slug is not None))

    @on(IndexProgress)
    def index_progress(self, message: IndexProgress) -> None:
        self.pane.indexing(message.done, message.total)

    @on(IndexReady)
    def index_ready(self, message: IndexReady) -> None:
        self.pane.index_ready(message.in_memory)
        for notice in message.report.notices:
            self.notify(notice, title="Search index", severity="warning", timeout=8, markup=False)
        entry = self.reader.entry
        if self.open_after_refresh is not None:  # an entry just written or created
            slug, self.open_after_refresh = self.open_after_refresh, None
            self.post_message(OpenEntry(slug, read=True))
        elif message.report.changed and entry is not None and self.started:
            # The files changed (an editor, a git pull): the open entry is read again,
            # in place; one that was deleted says so.
            if self.kbapp.library.outline(entry.slug) is None:
                self.notify(
                    f"“{display_name(entry.title)}” is no longer in the KB: its file was "
                    "deleted or moved. What you see is what it said.",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
            else:
                self.post_message(OpenEntry(entry.slug, history=False))

    @on(IndexFailed)
    def index_failed(self, message: IndexFailed) -> None:
        self.pane.index_failed()
        if self.open_after_refresh is not None:  # no sync to wait for: say what there is
            slug, self.open_after_refresh = self.open_after_refresh, None
            self.post_message(OpenEntry(slug, read=True))
        self.notify(
            f"The search index could not be opened: {message.reason}",
            title="Search index",
            severity="error",
            timeout=12,
            markup=False,
        )

    @on(GraphReady)
    async def graph_ready(self) -> None:
        await self.reader.redraw()  # its links resolve and its backlinks are known now
        if self.reader.entry is not None:
            self._similar_worker(self.reader.entry.slug)

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def _similar_worker(self, slug: str) -> None:
        library = self.kbapp.library
        if library.graph_ready:  # never waits for the graph: it comes with GraphReady
            self.post_message(SimilarFound(slug, library.similar(slug)))

    @on(SimilarFound)
    async def similar_found(self, message: SimilarFound) -> None:
        await self.reader.show_similar(message.slug, message.outlines)

    # -- opening entries ---------------------------------------------------------------

    @on(OpenEntry)
    def open_entry(self, message: OpenEntry) -> None:
        self._entry_worker(message)

    @on(EntryList.Chosen)
    def entry_chosen(self, message: EntryList.Chosen) -> None:
        self.post_message(OpenEntry(message.slug, read=message.read, query=message.query))

    @work(thread=True, exclusive=True, group="entry", exit_on_error=False)
    def _entry_worker(self, request: OpenEntry) -> None:
        try:
            entry = self.kbapp.library.read(request.slug)
        except EntryUnavailable as missing:
            self.post_message(EntryMissing(missing.slug, missing.reason))
            return
        self.post_message(EntryLoaded(entry, request))

    @on(EntryLoaded)
    async def entry_loaded(self, message: EntryLoaded) -> None:
        entry, request = message.entry, message.request
        user = self.kbapp.user
        reader = self.reader
        if reader.entry is not None:  # remember the place being left, for Back
            self._places[reader.entry.slug] = reader.place()
        if request.history or user.current is None:
            user.visit(entry.slug)
        # Back and Forward go back to where the reader was; a new visit starts at the top.
        place = None if request.history else self._places.get(entry.slug)
        # Decide before the old links go: removing the focused link moves focus away.
        in_reader = self.focused is reader or isinstance(self.focused, EntryLink)
        await reader.show_entry(entry, place=place, query=request.query)
        self.pane.highlight(entry.slug)
        self.query_one(NavBar).where(self._where(reader.marked_query, reader.marked))
        self._similar_worker(entry.slug)
        if self.has_class("-narrow"):
            self.add_class("-reading")  # one pane at a time: the reader comes forward
        restored = place is not None and place.link is not None  # a link has focus again
        if not restored and (
            request.read or self.has_class("-narrow") or in_reader or self.focused is None
        ):
            self.focus_reader()
        self._update_nav()

    @staticmethod
    def _where(query: str | None, marked: int) -> str:
        if not query or not marked:
            return ""
        noun = "section" if marked == 1 else "sections"
        return f"{marked} {noun} with “{query.strip()}” · n / N"

    @on(MissingLink)
    def missing_link(self, message: MissingLink) -> None:
        """Offer what there is instead: a search for its words, or to write it."""
        if message.outside:
            missing_notice(self, message.target, outside=True)
            return
        from kbtui.kb.checks import where_to_write
        from kbtui.ui.screens.choices import CREATE, SEARCH, MissingLinkScreen

        words = " ".join(re.findall(r"[^\W_]+", message.target.rsplit("/", 1)[-1]))
        entry = self.reader.entry
        # Where check's "to write next" says: a citation wants sources/, and so on.
        slug = where_to_write(message.target, entry.links if entry else ()) or message.target

        def chosen(choice: str | None) -> None:
            if choice == SEARCH and words:
                self.remove_class("-reading")
                self.pane.search_for(words)
            elif choice == CREATE:
                self._create_and_edit(slug)

        self.app.push_screen(MissingLinkScreen(message.target, words, f"{slug}.md"), chosen)

    @on(EntryMissing)
    def entry_missing(self, message: EntryMissing) -> None:
        self.notify(
            f"Cannot open {message.slug!r}: {message.reason}.", severity="warning", markup=False
        )

    # -- the user's state ------------------------------------------------------------------

    @on(UserStateChanged)
    def state_changed(self, message: UserStateChanged) -> None:
        change = message.change
        if change.what == "bookmarks" and change.slug is not None:
            self.pane.mark(change.slug, self.kbapp.user.is_bookmarked(change.slug))
        self._update_nav()

    def _update_nav(self) -> None:
        entry = self.reader.entry
        user = self.kbapp.user
        bookmarked = None if entry is None else user.is_bookmarked(entry.slug)
        self.query_one(NavBar).update_state(user.can_back, user.can_forward, bookmarked)
        self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self.focused is self.pane.search_box
        if action in self.READER_ACTIONS:
            # Not while typing (the key is text), nor when the reader is out of sight
            # (a narrow terminal showing the list: the list takes its own keys then).
            reading = not self.has_class("-narrow") or self.has_class("-reading")
            return not typing and reading and self.reader.entry is not None
        if action == "back":
            return True if self.kbapp.user.can_back else None
        if action == "forward":
            return True if self.kbapp.user.can_forward else None
        if action == "toggle_bookmark":
            return True if self.reader.entry is not None else None
        if action == "focus_search":  # "/" is text while typing a query
            return not typing
        return True

    def action_focus_search(self) -> None:
        self.remove_class("-reading")
        self.pane.focus_search(select=True)

    def action_escape(self) -> None:
        if not self.pane.leave():
            self.remove_class("-reading")
            self.pane.focus_list()

    def action_toggle_list(self) -> None:
        """Show or hide the list; focus goes to the pane that is shown."""
        if self.has_class("-narrow"):
            self.toggle_class("-reading")
            list_shown = not self.has_class("-reading")
        else:
            self.toggle_class("-no-list")
            list_shown = not self.has_class("-no-list")
        if list_shown:
            self.pane.focus_list()
        else:
            self.focus_reader()

    def focus_reader(self) -> None:
        self.set_focus(self.reader, scroll_visible=False)

    def action_back(self) -> None:
        slug = self.kbapp.user.back()
        if slug:
            self.post_message(OpenEntry(slug, history=False))

    def action_forward(self) -> None:
        slug = self.kbapp.user.forward()
        if slug:
            self.post_message(OpenEntry(slug, history=False))

    def action_toggle_bookmark(self) -> None:
        entry = self.reader.entry
        if entry is None:
            return
        now = self.kbapp.user.toggle_bookmark(entry.slug)
        what = "Bookmarked" if now else "Removed bookmark:"
        self.notify(f"{what} {entry.title}", timeout=3, markup=False)

    def action_show_bookmarks(self) -> None:
        from kbtui.ui.screens.bookmarks import BookmarksScreen

        def opened(slug: str | None) -> None:
            if slug:
                self.post_message(OpenEntry(slug))

        self.app.push_screen(BookmarksScreen(), opened)

    def action_present(self) -> None:
        entry = self.reader.entry
        if entry is not None and entry.type == "path":
            self.kbapp.present(entry.slug)
            return
        paths = self.kbapp.library.paths()
        if len(paths) == 1:
            self.kbapp.present(paths[0].slug)
        elif paths:
            self.notify(
                "Open a reading path (listed under Reading paths), then press p.", title="Present"
            )
        else:
            self.notify("This KB has no reading paths yet: add one under paths/.", title="Present")

    def action_rebuild_index(self) -> None:
        self.pane.indexing()
        self._start_worker(wait_for_paint=False, rebuild=True)

    @on(Button.Pressed, "#nav-back")
    def back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#nav-forward")
    def forward_pressed(self) -> None:
        self.action_forward()

    @on(Button.Pressed, "#nav-bookmark")
    def bookmark_pressed(self) -> None:
        self.action_toggle_bookmark()

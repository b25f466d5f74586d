"""The KB session: one object that every front end asks of a KB. No Textual.

A :class:`Library` owns one KB root and everything known about it: the listing of
entry outlines, the search index (opened, synced, rebuilt, or kept in memory), the
link graph with its resolver and backlinks, and the reading of single entries. The
TUI, the presenter, handouts, the command line and a web server all go through it;
none of them loads the KB by itself.

It is safe to share between threads (the TUI's workers, a server's request threads).
Progress and readiness are announced as plain events to subscribed listeners, on
the thread that did the work; each front end turns them into its own messages.

Whoosh is imported only when the index is first opened, the Markdown parser only
when an entry is first read, so a front end can paint a list from the cached
listing before either loads.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbtui.kb.outline import EntryOutline, sort_key

if TYPE_CHECKING:
    from kbtui.index.ahead import CheckAhead
    from kbtui.index.results import SearchResult, SyncReport
    from kbtui.index.store import KBIndex
    from kbtui.kb.graph import KnowledgeBase
    from kbtui.kb.links import Resolver
    from kbtui.kb.model import Backlink, Entry, Problem, ResolvedLink

Progress = Callable[[int, int], None]

GRAPH_YIELD_EVERY = 10  # entries parsed between short pauses for other threads


# -- events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingChanged:
    """The list of entries is known, or changed."""

    outlines: tuple[EntryOutline, ...]


@dataclass(frozen=True)
class IndexProgress:
    done: int
    total: int


@dataclass(frozen=True)
class IndexReady:
    """Search works now. ``report`` says what the sync did."""

    report: SyncReport
    in_memory: bool


@dataclass(frozen=True)
class IndexFailed:
    """The index could not be opened or built; browsing still works."""

    reason: str


@dataclass(frozen=True)
class GraphReady:
    """Every link resolves now and backlinks are known."""


LibraryEvent = ListingChanged | IndexProgress | IndexReady | IndexFailed | GraphReady
Listener = Callable[[LibraryEvent], object]


class EntryUnavailable(Exception):
    """An entry cannot be shown: ``reason`` completes "Cannot open SLUG: ..."."""

    def __init__(self, slug: str, reason: str) -> None:
        super().__init__(f"Cannot open {slug!r}: {reason}.")
        self.slug = slug
        self.reason = reason


class SearchUnavailable(Exception):
    """Search was asked for before the index was opened."""


class CannotCreate(Exception):
    """A new entry cannot be written; the message is one clear sentence."""


class Library:
    """One KB, as every front end sees it."""

    def __init__(self, root: Path, cache_root: Path | None = None) -> None:
        self.root = root.resolve()
        self.cache_root = cache_root
        self._lock = threading.RLock()
        self._graph_lock = threading.Lock()  # one graph load at a time
        self._listeners: list[Listener] = []
        self._outlines: dict[str, EntryOutline] = {}
        self._index: KBIndex | None = None
        self._graph: KnowledgeBase | None = None
        # A graph that only some entries' links have changed in since, and their slugs.
        self._stale: tuple[KnowledgeBase, set[str]] | None = None
        self._resolver: Resolver | None = None
        self.search_ready = False
        self.index_error: str | None = None

    # -- events ------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: LibraryEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event)

    # -- the listing ---------------------------------------------------------------

    def cached_listing(self) -> tuple[EntryOutline, ...] | None:
        """The listing as of the last sync, from the index's manifest alone (no Whoosh,
        no KB file read): quick enough for a first frame. None when there is none."""
        from kbtui.index.manifest import cached_listing

        try:
            listing = cached_listing(self.root, self.cache_root)
        except (OSError, ValueError, TypeError, KeyError):
            listing = None  # a damaged manifest only costs the early list: sync rebuilds
        if listing is None:
            return None
        self._set_listing(listing, announce=False)
        return self.outlines

    def _set_listing(self, outlines: list[EntryOutline], announce: bool = True) -> None:
        with self._lock:
            self._outlines = {o.slug: o for o in outlines}
            if self._graph is None or set(self._graph.entries) != set(self._outlines):
                from kbtui.kb.links import Resolver

                self._resolver = Resolver(self._outlines)
        if announce:
            self._emit(ListingChanged(self.outlines))

    @property
    def outlines(self) -> tuple[EntryOutline, ...]:
        """Every entry's outline, by type then title."""
        with self._lock:
            return tuple(sorted(self._outlines.values(), key=sort_key))

    def outline(self, slug: str) -> EntryOutline | None:
        return self._outlines.get(slug)

    def __len__(self) -> int:
        return len(self._outlines)

    def title_of(self, slug: str) -> str | None:
        found = self._outlines.get(slug)
        if found is not None:
            return found.title
        graph = self._graph
        entry = graph.entries.get(slug) if graph is not None else None
        return entry.title if entry is not None else None

    def paths(self) -> list[EntryOutline]:
        """The reading paths, by title."""
        return [o for o in self.outlines if o.type == "path"]

    # -- the index -------------------------------------------------------------------

    def open_index(
        self,
        progress: Progress | None = None,
        rebuild: bool = False,
        listing: bool = True,
        ahead: CheckAhead | None = None,
    ) -> SyncReport | None:
        """Open the index and bring it in step with the files (or rebuild it).

        With ``listing=False`` (a one-off search) the listing is not read from the
        index, nor announced: only the index is brought up to date. ``ahead`` is a
        stat pass started earlier (:class:`kbtui.index.ahead.CheckAhead`).

        Announces progress, then the listing (when it changed or was not known) and
        :class:`IndexReady`. When the index cannot be had, announces
        :class:`IndexFailed`, keeps the reason in ``index_error`` and returns None:
        browsing still works, from the parsed KB."""
        from kbtui.index.store import KBIndex

        def report_progress(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            self._emit(IndexProgress(done, total))

        with self._lock:
            self.search_ready = False if rebuild else self.search_ready
            if self._index is None:
                self._index = KBIndex(self.root, self.cache_root)
            index = self._index
        try:
            report = index.sync(progress=report_progress, rebuild=rebuild, ahead=ahead)
            outlines = index.list_entries() if listing else None
        except Exception as error:  # anything Whoosh or the disk can raise: reported
            self.index_error = f"{type(error).__name__}: {error}"
            self._emit(IndexFailed(self.index_error))
            return None
        self.index_error = None
        if outlines is not None and (
            report.changed or not self._outlines or len(outlines) != len(self._outlines)
        ):
            self._set_listing(outlines)
            if report.changed:
                with self._lock:
                    # Links changed with the files: brought up to date in place, only
                    # those of the entries edited, added or removed (since the graph
                    # last loaded, should syncs come faster than it loads).
                    graph, self._graph = self._graph, None
                    if report.rebuilt:
                        self._stale = None
                    elif self._stale is not None:
                        self._stale = (self._stale[0], self._stale[1] | set(report.slugs))
                    elif graph is not None:
                        self._stale = (graph, set(report.slugs))
        self.search_ready = True
        self._emit(IndexReady(report, index.in_memory))
        return report

    def refresh(self) -> SyncReport | None:
        """Bring everything in step with the files after they changed on disk: sync the
        index (announcing the listing and :class:`IndexReady`), then the link graph
        (:class:`GraphReady`). Without an index the graph is parsed afresh."""
        report = self.open_index()
        if report is None:
            with self._lock:
                self._graph = None
        self.load_graph()
        return report

    def warm_up(self) -> None:
        """Prepare what the first searches need (searcher, spelling table).

        Only a head start: had another kbtui just rebuilt the index under it, the first
        search reopens the index and builds them itself; the failure is kept."""
        index = self._index
        if index is None:
            return
        try:
            index.warm_up()
        except Exception as error:  # any read error of the moment; search recovers
            self.warm_up_error: str | None = f"{type(error).__name__}: {error}"

    @property
    def in_memory(self) -> bool:
        return self._index is not None and self._index.in_memory

    @property
    def index(self) -> KBIndex:
        """The open index (for the index's own reports, e.g. ``kbtui index``)."""
        if self._index is None:
            raise SearchUnavailable("the search index is not open yet")
        return self._index

    def term_matcher(self, query: str) -> Callable[[str], bool]:
        """Whether a text holds a word of ``query``, with the same folding and stemming
        as search (``organising`` marks "organizing"; the last word counts as a
        prefix, as while typing). For marking the searched words in what is read."""
        from kbtui.index.analysis import fold, text_analyzer

        words = [w for w in query.split() if ":" not in w and not w.startswith("-")]
        text = " ".join(w.strip('"~') for w in words)
        analyzer = text_analyzer()
        stems = {token.text for token in analyzer(text)}
        folded = fold(text)
        prefix = folded[-1] if folded and not query.endswith(" ") and len(folded[-1]) >= 3 else ""

        def found_in(block: str) -> bool:
            if stems & {token.text for token in analyzer(block)}:
                return True
            return bool(prefix) and any(word.startswith(prefix) for word in fold(block))

        return found_in

    def search(self, text: str, limit: int = 20) -> SearchResult:
        """Ranked hits with snippets; "did you mean" when nothing matches."""
        index = self._index
        if index is None or not self.search_ready:
            raise SearchUnavailable("the search index is not ready yet")
        return index.search(text, limit=limit)

    # -- links and backlinks --------------------------------------------------------------

    @property
    def graph_ready(self) -> bool:
        return self._graph is not None

    def load_graph(self, pause: bool = True) -> KnowledgeBase:
        """The link graph: from the links the index keeps when it is open, else by
        parsing every entry (``pause`` lets other threads run meanwhile). Loaded once;
        later calls return it at once. Announces :class:`GraphReady`."""
        with self._graph_lock:
            graph = self._graph
            if graph is not None:
                return graph
            graph = (
                self._graph_updated() or self._graph_from_index() or self._graph_by_parsing(pause)
            )
            with self._lock:
                self._graph = graph
                self._resolver = graph.resolver
                if not self._outlines:  # no index: the list comes from the parsed KB
                    self._outlines = {slug: e.outline() for slug, e in graph.entries.items()}
                    listed = True
                else:
                    listed = False
        freeze_heap()
        if listed:
            self._emit(ListingChanged(self.outlines))
        self._emit(GraphReady())
        return graph

    def _graph_updated(self) -> KnowledgeBase | None:
        """The last graph with the changed entries' links read again (an edit at 10,000
        entries: milliseconds, where a rebuild takes a second)."""
        with self._lock:
            stale, self._stale = self._stale, None
        index = self._index
        if stale is None or index is None or not self.search_ready:
            return None
        from kbtui.kb.graph import entry_from_links

        graph, slugs = stale
        rows = index.link_rows(slugs)
        outlines = [o for slug in sorted(slugs) if (o := self._outlines.get(slug)) is not None]
        removed = {slug for slug in slugs if slug not in self._outlines}
        expected = (set(graph.entries) - removed) | {o.slug for o in outlines}
        if rows is None or expected != set(self._outlines):
            return None  # out of step (files changed meanwhile): load the graph afresh
        return graph.updated(
            (entry_from_links(o, rows.get(o.slug, ())) for o in outlines), removed=removed
        )

    def _graph_from_index(self) -> KnowledgeBase | None:
        index = self._index
        if index is None or not self.search_ready:
            return None
        from kbtui.kb.graph import KnowledgeBase

        # Collections would walk the growing graph again and again while it is built
        # (half the time at 10,000 entries); it is all kept, so pause them meanwhile.
        gc.disable()
        try:
            rows = index.link_rows()
            if rows is None:
                return None
            return KnowledgeBase.from_links(self.root, index.list_entries(), rows)
        finally:
            gc.enable()

    def _graph_by_parsing(self, pause: bool) -> KnowledgeBase:
        from kbtui.kb.graph import load_kb

        def breathe(done: int, total: int) -> None:
            # Parsing holds the GIL; a short pause now and then keeps typing smooth.
            if pause and done % GRAPH_YIELD_EVERY == 0:
                time.sleep(0.002)

        return load_kb(self.root, progress=breathe, render=False)

    def resolve(self, target: str) -> tuple[str | None, bool]:
        """The slug ``target`` names (or None), and whether it points outside the KB."""
        resolver = self._resolver
        if resolver is None:
            from kbtui.kb.links import Resolver

            resolver = self._resolver = Resolver(self._outlines)
        slug, outside = resolver.resolve(target)
        return slug, outside is not None

    def links_of(self, slug: str) -> tuple[ResolvedLink, ...]:
        """``slug``'s links, resolved (empty until the graph is loaded)."""
        graph = self._graph
        return graph.links_of(slug) if graph is not None else ()

    def backlinks(self, slug: str) -> tuple[Backlink, ...] | None:
        """What links to ``slug``; None while the graph is still loading."""
        graph = self._graph
        return graph.backlinks(slug) if graph is not None else None

    def similar(self, slug: str, limit: int = 5) -> list[EntryOutline]:
        """Entries like ``slug`` in content that it neither links to nor is linked from,
        most alike first. When the KB is too small for its word counts to tell (or the
        index is not open), its link neighbours: entries two links away, those reached
        most ways first. Loads the link graph when it is not loaded yet."""
        from kbtui.kb.similarity import WORTH_SHOWING

        graph = self.load_graph()
        linked = {slug} | {b.slug for b in graph.backlinks(slug)}
        linked |= {r.resolved for r in graph.links_of(slug) if r.resolved is not None}
        found: list[str] = []
        index = self._index
        if index is not None and self.search_ready:
            try:
                alike = index.similar(slug, limit + len(linked))
            except Exception as error:  # a read of the moment failed: the links will do
                self.similar_error: str | None = f"{type(error).__name__}: {error}"
                alike = []
            found = [o for o, score in alike if o not in linked and score >= WORTH_SHOWING]
        if not found:
            found = graph.neighbours(slug, exclude=linked)
        outlines = (self.outline(other) for other in found)
        return [outline for outline in outlines if outline is not None][:limit]

    # -- entries -------------------------------------------------------------------------

    def read(self, target: str) -> Entry:
        """One entry, read and parsed from its file now (never from a cache).

        ``target`` may be a slug or anything a link may say. Raises
        :class:`EntryUnavailable` with a reason a person can read."""
        from kbtui.kb.loader import load_entry

        graph = self._graph
        slug: str | None
        # A slug of this KB opens as itself: read as a link, a "\\", "#" or "%41" in a
        # file name would change it into another name.
        if target in self._outlines or (graph is not None and target in graph.entries):
            slug, outside = target, False
        else:
            slug, outside = self.resolve(target)
        if slug is None:
            why = "it leads outside the KB" if outside else "it is not an entry in this KB"
            raise EntryUnavailable(target, why)
        outline = self._outlines.get(slug)
        if outline is None and graph is not None and slug in graph.entries:
            outline = graph.entries[slug].outline()
        if outline is None:
            raise EntryUnavailable(slug, "it is not an entry in this KB")
        try:
            return load_entry(self.root, slug, outline.path)
        except FileNotFoundError:
            raise EntryUnavailable(slug, "its file is gone (was it moved or deleted?)") from None
        except OSError as error:
            why = error.strerror or str(error)
            raise EntryUnavailable(slug, f"its file could not be read ({why})") from None

    def load_all(self, render: bool = True, workers: int = 1) -> KnowledgeBase:
        """Every entry parsed in full, with links and backlinks: for checks, ``show`` and
        handouts. ``workers`` > 1 parses a large KB in that many processes (only for a
        caller with no threads of its own running, such as the command line)."""
        from kbtui.kb.graph import load_kb

        kb = load_kb(self.root, render=render, workers=workers)
        with self._lock:
            if not self._outlines:
                self._outlines = {slug: e.outline() for slug, e in kb.entries.items()}
            self._resolver = kb.resolver
        return kb

    def check_all(self, workers: int = 1) -> tuple[KnowledgeBase, list[Problem]]:
        """Every problem of the KB, as :func:`kbtui.kb.checks.check` finds them in a
        full load, with each entry checked as it is read and its text let go: the KB
        returned holds links, not sections (a check at 50,000 entries stays small)."""
        from kbtui.kb.checks import check, digest
        from kbtui.kb.graph import load_kb

        kb = load_kb(self.root, render=False, workers=workers, digest=digest)
        return kb, check(kb, digested=True)

    def create_entry(self, slug: str) -> Path:
        """Write a new entry file at ``slug``'s path (``slug.md``, inside the KB, never
        over a file), shaped like the KB's entries of its type: their usual sections, a
        title from the slug, a ``TBD`` summary. Returns its path. The listing and links
        follow at the next :meth:`refresh`. Raises :class:`CannotCreate`."""
        from kbtui.kb.boundary import OutsideKB, create_inside, display_name
        from kbtui.kb.links import normalise_target
        from kbtui.kb.model import entry_type_for
        from kbtui.kb.templates import SAMPLE, new_entry_text, usual_sections

        shown = display_name(slug)
        target = normalise_target(slug)
        if target.outside is not None or target.name is None:
            why = target.outside or "it names no file"
            raise CannotCreate(f"Cannot create {shown!r}: {why}.")
        name = target.name
        if name in self._outlines:
            raise CannotCreate(f"Cannot create {shown!r}: it is already an entry.")
        kind = entry_type_for(name)
        samples = [o for o in self.outlines if o.type == kind][:SAMPLE]
        entries = []
        for outline in samples:
            with contextlib.suppress(EntryUnavailable):
                entries.append(self.read(outline.slug))
        text = new_entry_text(name, usual_sections(entries))
        try:
            return create_inside(self.root, f"{name}.md", text)
        except FileExistsError:
            raise CannotCreate(f"Cannot create {shown!r}: {name}.md already exists.") from None
        except OutsideKB as error:
            raise CannotCreate(f"Cannot create {shown!r}: {error}.") from None
        except OSError as error:
            why = error.strerror or str(error)
            raise CannotCreate(f"Cannot create {shown!r}: {why}.") from None

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()


def freeze_heap() -> None:
    """Move what is alive now (listing, graph, open index) out of the cyclic garbage
    collector's sight. These live as long as the session; left in view, each full
    collection walks all of them - 0.1-0.5 s at 10,000 entries, which a user sees as
    a stalled keystroke. Then hand back to the system the memory that loading them
    freed (what was read and decoded to build them)."""
    gc.freeze()
    _release_freed_memory()


def _release_freed_memory() -> None:
    """glibc keeps freed memory for the process unless asked (``malloc_trim``); nothing
    to do elsewhere."""
    global _malloc_trim
    if _malloc_trim is None:
        _malloc_trim = False
        if sys.platform.startswith("linux"):
            import ctypes

            with contextlib.suppress(OSError, AttributeError):  # not glibc (musl has none)
                _malloc_trim = ctypes.CDLL(None).malloc_trim
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None  # libc's malloc_trim once looked up; False where there is none

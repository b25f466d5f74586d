"""App-wide messages: workers and widgets report upward; the screen routes them.

The KB session's events (:mod:`kbtui.library`) arrive as the messages of the same
names, made by :func:`message_for`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from kbtui import library
from kbtui.kb.outline import EntryOutline

if TYPE_CHECKING:
    from kbtui.index.results import SyncReport
    from kbtui.kb.model import Entry
    from kbtui.state import StateChange


@dataclass
class OpenEntry(Message):
    """Open an entry in the reader (a new visit, unless ``history`` is False).

    ``read`` moves focus into the reader (the user chose to read it, e.g. Enter in
    the search box); ``query`` is the search it was found with: its words are marked."""

    slug: str
    history: bool = True
    read: bool = False
    query: str | None = None


@dataclass
class MissingLink(Message):
    """A link to nothing in the KB was chosen (``outside``: it leads out of the KB)."""

    target: str
    outside: bool


@dataclass
class EntriesListed(Message):
    """The entry list is known, or changed."""

    outlines: tuple[EntryOutline, ...]


@dataclass
class IndexProgress(Message):
    done: int
    total: int


@dataclass
class IndexReady(Message):
    report: SyncReport
    in_memory: bool


@dataclass
class IndexFailed(Message):
    reason: str


@dataclass
class GraphReady(Message):
    """Every link resolves now and backlinks are known."""


@dataclass
class EntryLoaded(Message):
    entry: Entry
    request: OpenEntry


@dataclass
class EntryMissing(Message):
    slug: str
    reason: str


@dataclass
class UserStateChanged(Message):
    """History, bookmarks or theme changed (by their one owner, the UserState)."""

    change: StateChange


def message_for(event: library.LibraryEvent) -> Message:
    """The TUI's message for one of the KB session's events."""
    if isinstance(event, library.ListingChanged):
        return EntriesListed(event.outlines)
    if isinstance(event, library.IndexProgress):
        return IndexProgress(event.done, event.total)
    if isinstance(event, library.IndexReady):
        return IndexReady(event.report, event.in_memory)
    if isinstance(event, library.IndexFailed):
        return IndexFailed(event.reason)
    return GraphReady()


@dataclass
class SimilarFound(Message):
    """Entries alike in content to ``slug`` (for its "Similar entries")."""

    slug: str
    outlines: list[EntryOutline]

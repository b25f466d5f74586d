"""App-wide messages: workers and widgets report upward; the screen routes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from kbtui.index.results import ListedEntry, SearchResult, SyncReport

if TYPE_CHECKING:
    from kbtui.kb.graph import KnowledgeBase
    from kbtui.kb.model import Entry


@dataclass
class OpenEntry(Message):
    """Open an entry in the reader (a new visit, unless ``history`` is False)."""

    slug: str
    history: bool = True


@dataclass
class EntriesListed(Message):
    """The entry list is known (from the index's stored fields)."""

    entries: list[ListedEntry]


@dataclass
class IndexProgress(Message):
    done: int
    total: int


@dataclass
class IndexReady(Message):
    report: SyncReport


@dataclass
class IndexFailed(Message):
    reason: str


@dataclass
class KBLoaded(Message):
    """The whole KB is parsed: links resolve and backlinks are known."""

    kb: KnowledgeBase


@dataclass
class EntryLoaded(Message):
    entry: Entry
    history: bool


@dataclass
class EntryMissing(Message):
    slug: str
    reason: str


@dataclass
class SearchDone(Message):
    result: SearchResult


@dataclass
class SearchFailed(Message):
    """Reading the index failed in a way the index could not repair."""

    query: str
    reason: str

"""Everything Whoosh: schema, analysis, the cached on-disk index and search. No Textual."""

from kbtui.index.query import SearchHit, SearchResult, Segment
from kbtui.index.store import KBIndex, ListedEntry, SyncReport, index_dir_for

__all__ = [
    "KBIndex",
    "ListedEntry",
    "SearchHit",
    "SearchResult",
    "Segment",
    "SyncReport",
    "index_dir_for",
]

"""Everything Whoosh: schema, analysis, the cached on-disk index and search. No Textual.

Names are loaded on first use, so importing this package does not import Whoosh.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "KBIndex": "kbtui.index.store",
    "index_dir_for": "kbtui.index.manifest",
    "SyncReport": "kbtui.index.results",
    "SearchHit": "kbtui.index.results",
    "SearchResult": "kbtui.index.results",
    "Segment": "kbtui.index.results",
}

__all__ = [
    "KBIndex",
    "SearchHit",
    "SearchResult",
    "Segment",
    "SyncReport",
    "index_dir_for",
]

if TYPE_CHECKING:
    from kbtui.index.manifest import index_dir_for
    from kbtui.index.results import SearchHit, SearchResult, Segment, SyncReport
    from kbtui.index.store import KBIndex


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kbtui.index' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

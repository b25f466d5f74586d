"""Similar entries from the index: the KB's similarity model (kbtui.kb.similarity) built
from what the index stores of each entry (title, summary, the opening of its body), so
no KB file is read. Reading paths are plans, not content: they are left out."""

from __future__ import annotations

from typing import Any

from kbtui.kb.similarity import Similarity, profile_text


def similarity_from(searcher: Any) -> Similarity:
    """The similarity model of every entry a Whoosh searcher holds."""
    texts: dict[str, str] = {}
    for stored in searcher.all_stored_fields():
        slug = stored.get("slug")
        if not slug or stored.get("type") == "path":
            continue
        texts[str(slug)] = profile_text(
            str(stored.get("title") or ""),
            str(stored.get("summary") or ""),
            str(stored.get("snippet") or ""),
        )
    return Similarity(texts)

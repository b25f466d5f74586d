"""The Whoosh schema and how an Entry becomes a document."""

from __future__ import annotations

from typing import Any

from whoosh import fields, formats

from kbtui.index.analysis import (
    fold,
    folding_analyzer,
    leading_prefixes,
    prefix_analyzer,
    prose_terms,
    text_analyzer,
)
from kbtui.index.manifest import SCHEMA_VERSION as SCHEMA_VERSION  # re-exported
from kbtui.kb.boundary import display
from kbtui.kb.model import Entry
from kbtui.kb.similarity import body_and_extra, snippet_of


def build_schema() -> fields.Schema:
    # The analyzers say what each field holds; document_for gives the fields their
    # terms already made, the same as these analyzers would make them.
    prose = text_analyzer()
    folding = folding_analyzer()
    # A prefix is listed once for each document that has it: its postings need no
    # frequencies (the weight of each is 1 either way), which writes them faster.
    prefixes = fields.TEXT(analyzer=prefix_analyzer(), phrase=False)
    prefixes.format = formats.Existence()
    return fields.Schema(
        slug=fields.ID(stored=True, unique=True),
        path=fields.STORED(),
        type=fields.ID(stored=True),
        title=fields.TEXT(analyzer=prose, stored=True, field_boost=4.0),
        summary=fields.TEXT(analyzer=prose, stored=True, field_boost=2.0),
        content=fields.TEXT(analyzer=prose),
        snippet=fields.STORED(),
        words=fields.TEXT(analyzer=folding, phrase=False),
        prefixes=prefixes,
        title_words=fields.TEXT(analyzer=folding, phrase=False),
    )


def slug_term(slug: str) -> str:
    """The term an entry's slug is indexed under: the slug itself, unless it comes from
    a file name that is not valid UTF-8. Python spells such a name's bytes as lone
    surrogates, which Whoosh cannot store; that slug is indexed as its bytes in hex
    behind a "/" (no slug starts with one, so it cannot meet another entry's term)."""
    try:
        slug.encode("utf-8")
    except UnicodeEncodeError:
        return "/" + slug.encode("utf-8", "surrogatepass").hex()
    return slug


# Every word of a query is looked up in these; title and summary weigh more.
SEARCH_FIELDS = ("title", "summary", "content")
PHRASE_FIELDS = SEARCH_FIELDS


def document_for(entry: Entry) -> dict[str, Any]:
    body, extra = body_and_extra(entry)
    links = " ".join(link.target.replace("/", " ").replace("-", " ") for link in entry.links)
    sources = " ".join(source.text for source in entry.sources)
    summary = entry.summary or ""
    # The slug's words, with any undecodable bytes of its file name shown as U+FFFD.
    slug_words = display(entry.slug).replace("/", " ").replace("-", " ")
    # Each piece is folded once, here, and every field is given its terms: folding
    # each field's text again was a third of a first build's analysis.
    title_words = fold(entry.title + " " + slug_words)
    summary_words = fold(summary)
    body_words = fold(body + " " + extra)
    words = title_words + summary_words + body_words
    return {
        "slug": slug_term(entry.slug),
        "_stored_slug": entry.slug,
        "path": entry.path,
        "type": entry.type,
        # Indexed with the slug's words (so "gezi park" finds case-studies/gezi-park),
        # stored as the plain title.
        "title": prose_terms(title_words),
        "_stored_title": entry.title,
        "summary": prose_terms(summary_words),
        "_stored_summary": summary,
        "content": prose_terms(body_words + fold(links + " " + sources)),
        # Shown under a hit, and what "Similar entries" compares (kbtui.kb.similarity).
        "snippet": snippet_of(body, extra),
        "words": words,
        # Each distinct word's first 3 to 5 letters, once: "camp" -> campaign is one
        # posting list, not a union over every completion.
        "prefixes": leading_prefixes(words),
        "title_words": title_words,
    }

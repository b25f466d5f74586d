"""What the index hands out: plain dataclasses, importable without Whoosh."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    notices: tuple[str, ...] = ()
    slugs: tuple[str, ...] = ()  # the entries added, updated or removed (not on a rebuild)

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.added or self.updated or self.removed)

    def describe(self) -> str:
        if self.rebuilt:
            what = f"rebuilt the index ({self.added} entries)"
        elif self.changed:
            what = f"{self.added} added, {self.updated} updated, {self.removed} removed"
        else:
            what = "index already up to date"
        return f"{what} in {self.seconds * 1000:.0f} ms"


@dataclass(frozen=True)
class Segment:
    text: str
    match: bool


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    type: str
    score: float
    snippet: tuple[Segment, ...]

    @property
    def snippet_text(self) -> str:
        return "".join(s.text for s in self.snippet)

    def snippet_marked(self, start: str = "[", end: str = "]") -> str:
        return "".join(f"{start}{s.text}{end}" if s.match else s.text for s in self.snippet)


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    total: int = 0
    suggestion: str | None = None
    note: str | None = None  # what was wrong with the query (e.g. an unknown type:)

"""The knowledge base as data: frozen dataclasses, no I/O, no Textual."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import Enum

from kbtui.kb.labels import TYPE_LABELS as TYPE_LABELS  # re-exported
from kbtui.kb.labels import type_label as type_label
from kbtui.kb.outline import EntryOutline


class SectionKey(str, Enum):
    SUMMARY = "summary"
    BODY = "body"
    USE_IT_FOR = "use-it-for"
    WORKED_EXAMPLES = "worked-examples"
    RELATED = "related"
    OPEN_QUESTIONS = "open-questions"
    SOURCES = "sources"
    OTHER = "other"


class LinkKind(str, Enum):
    STEP = "path-step"
    RELATED = "related"
    EXAMPLE = "worked-example"
    SOURCE = "source"
    CITATION = "citation"
    INLINE = "inline"


# The sections that hold a list of links, and the kind of link each holds.
LINK_SECTIONS: dict[SectionKey, LinkKind] = {
    SectionKey.RELATED: LinkKind.RELATED,
    SectionKey.WORKED_EXAMPLES: LinkKind.EXAMPLE,
    SectionKey.SOURCES: LinkKind.SOURCE,
}


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    key: SectionKey
    markdown: str
    text: str
    # Where the section starts in its file (1-based: its heading, or its first line when
    # it has none). Where a thing is, not what it is: left out of comparisons.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Link:
    section: str
    kind: LinkKind
    target: str
    label: str
    line: int = field(default=0, compare=False)  # 1-based; 0 when not known (index rows)


def shared_link(section: str, kind: LinkKind, target: str, label: str, line: int = 0) -> Link:
    """A link whose section name and target are one copy across the KB: many entries
    name the same targets and sections, and a string read, decoded or sent from another
    process arrives as a copy of its own."""
    return Link(sys.intern(section), kind, sys.intern(target), label, line)


@dataclass(frozen=True, slots=True)
class SourceLine:
    target: str
    grounding: str | None
    raw: bool
    size: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Verification:
    date: str
    by: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a reading path: the entry it names and the trainer's note."""

    number: int
    target: str
    note: str
    minutes: int | None = None  # planned duration, from "slug — 15 min — note"


@dataclass(frozen=True, slots=True)
class Entry:
    slug: str
    path: str
    title: str
    type: str
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    sources: tuple[SourceLine, ...] = ()
    verification: Verification | None = None
    unverified: str | None = None  # the reason given on a "Not yet verified: ..." line
    unverified_line: int = field(default=0, compare=False)
    summary: str | None = None
    duplicate_sections: tuple[str, ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)
    steps: tuple[PathStep, ...] = ()
    intro: str = ""

    def section(self, key: SectionKey) -> Section | None:
        return next((s for s in self.sections if s.key is key), None)

    @property
    def summary_missing(self) -> bool:
        return self.summary is None

    def outline(self) -> EntryOutline:
        return EntryOutline(
            self.slug, self.title, self.type, self.path, self.summary_missing, self.flags
        )

    @property
    def body_text(self) -> str:
        return "\n\n".join(s.text for s in self.sections if s.key is not SectionKey.SUMMARY)


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    link: Link
    resolved: str | None
    outside: bool = False

    @property
    def missing(self) -> bool:
        return self.resolved is None


@dataclass(frozen=True, slots=True)
class Backlink:
    slug: str
    section: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a curator should fix (or, for an advice kind, might improve).

    ``path`` is the file relative to the KB and ``lineno`` the 1-based line the problem
    is at (0: the file as a whole). ``sections`` names every section a grouped problem
    was found in; ``target`` is the slug a broken link wants written."""

    slug: str
    kind: str
    detail: str
    path: str = ""
    lineno: int = 0
    sections: tuple[str, ...] = ()
    target: str | None = None

    def line(self) -> str:
        return f"{self.slug}: {self.kind}: {self.detail}"

    def where(self) -> str:
        """``path:line``, the form editors and CI annotations read."""
        path = self.path or self.slug
        return f"{path}:{self.lineno}" if self.lineno else path

    def report(self) -> str:
        """``path:line: kind: detail`` (raw: show it through the boundary)."""
        return f"{self.where()}: {self.kind}: {self.detail}"


ENTRY_TYPES: dict[str, str] = {
    "": "concept",
    "case-studies": "case-study",
    "sources": "source",
    "paths": "path",
}


def entry_type_for(slug: str) -> str:
    folder = slug.split("/", 1)[0] if "/" in slug else ""
    return ENTRY_TYPES.get(folder, folder)

"""Advice for a curator: what could be better, though nothing is broken.

Thin entries, sources nobody cites, entries not verified or verified long ago, titles
named without a link, entries alike in content that do not link each other. Advice is
reported as :class:`Problem` (same file and line) but never fails ``kbtui check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator

from kbtui.kb.boundary import read_inside
from kbtui.kb.graph import KnowledgeBase
from kbtui.kb.loader import MAX_ENTRY_BYTES, decode
from kbtui.kb.locate import Lines
from kbtui.kb.mentions import TitleFinder, line_naming, words
from kbtui.kb.model import Entry, LinkKind, Problem, SectionKey
from kbtui.kb.similarity import STRONG, Similarity, entry_profile_text
from kbtui.kb.thresholds import STALE_DAYS, THIN_WORDS

ADVICE_KINDS = (
    "thin-entry",
    "uncited-source",
    "unverified",
    "verification-stale",
    "unlinked-mention",
    "consider-linking",
)
# What ``--advice`` lists: all but "consider linking", which compares every entry with
# every other (seconds on a large KB) and runs when asked for by name.
EVERYDAY_ADVICE = tuple(kind for kind in ADVICE_KINDS if kind != "consider-linking")

_PROSE = (
    SectionKey.SUMMARY,
    SectionKey.BODY,
    SectionKey.USE_IT_FOR,
    SectionKey.OPEN_QUESTIONS,
    SectionKey.OTHER,
)
_CITING = (LinkKind.CITATION, LinkKind.SOURCE)


def advise(
    kb: KnowledgeBase,
    kinds: Collection[str] = ADVICE_KINDS,
    today: dt.date | None = None,
    thin_below: int = THIN_WORDS,
    stale_after: int = STALE_DAYS,
) -> list[Problem]:
    """The advice of ``kinds`` for ``kb``, sorted like problems (by entry, then kind)."""
    today = today or dt.date.today()
    entries = [e for e in kb.entries.values() if e.type != "path"]
    found: list[Problem] = []
    rules: dict[str, Callable[[], Iterable[Problem]]] = {
        "thin-entry": lambda: _thin(entries, thin_below),
        "uncited-source": lambda: _uncited(kb, entries),
        "unverified": lambda: _unverified(entries),
        "verification-stale": lambda: _stale(entries, today, stale_after),
        "unlinked-mention": lambda: _mentions(kb, entries),
        "consider-linking": lambda: _consider_linking(kb, entries),
    }
    for kind, rule in rules.items():
        if kind in kinds:
            found.extend(rule())
    return sorted(found, key=lambda p: (p.slug, p.kind, p.detail))


def _advice(
    entry: Entry, kind: str, detail: str, lineno: int = 1, target: str | None = None
) -> Problem:
    return Problem(entry.slug, kind, detail, entry.path, lineno or 1, target=target)


def _thin(entries: list[Entry], thin_below: int) -> Iterator[Problem]:
    for entry in entries:
        bodies = [s for s in entry.sections if s.key is SectionKey.BODY]
        count = sum(len(s.text.split()) for s in bodies)
        if count < thin_below:
            if bodies:
                detail = f"the Body has {count} words (fewer than {thin_below})"
                yield _advice(entry, "thin-entry", detail, bodies[0].line)
            else:
                yield _advice(entry, "thin-entry", "no Body section")


def _uncited(kb: KnowledgeBase, entries: list[Entry]) -> Iterator[Problem]:
    cited: set[str] = set()
    for slug in kb.entries:
        for resolved in kb.links_of(slug):
            if resolved.link.kind in _CITING and resolved.resolved not in (None, slug):
                cited.add(resolved.resolved)
    for entry in entries:
        if entry.type == "source" and entry.slug not in cited:
            yield _advice(entry, "uncited-source", "no entry cites this source")


def _unverified(entries: list[Entry]) -> Iterator[Problem]:
    for entry in entries:
        if entry.verification is not None:
            continue
        sources = entry.section(SectionKey.SOURCES)
        line = entry.unverified_line or (sources.line if sources else 1)
        if entry.unverified:
            detail = f"not yet verified: {entry.unverified}"
        else:
            detail = "no Verified line (write 'Verified DATE by WHO' once checked)"
        yield _advice(entry, "unverified", detail, line)


def _stale(entries: list[Entry], today: dt.date, stale_after: int) -> Iterator[Problem]:
    for entry in entries:
        verified = entry.verification
        if verified is None:
            continue
        try:
            when = dt.date.fromisoformat(verified.date)
        except ValueError:
            yield _advice(
                entry,
                "verification-stale",
                f"the Verified date {verified.date!r} is not a real date",
                verified.line,
            )
            continue
        age = (today - when).days
        if age > stale_after:
            detail = f"verified {verified.date}, {age} days ago (more than {stale_after})"
            yield _advice(entry, "verification-stale", detail, verified.line)


def _mentions(kb: KnowledgeBase, entries: list[Entry]) -> Iterator[Problem]:
    finder = TitleFinder({e.slug: e.title for e in entries})
    for entry in entries:
        linked = {r.resolved for r in kb.links_of(entry.slug)} | {entry.slug}
        lines: Lines | None = None
        for section in entry.sections:
            if section.key not in _PROSE:
                continue
            for slug, phrase in finder.mentions(words(section.text)):
                if slug in linked:
                    continue
                linked.add(slug)  # once per entry
                if lines is None:
                    lines = _lines_of(kb, entry)
                title = kb.entries[slug].title
                detail = f"names {title!r} ({slug}) without linking it"
                yield _advice(
                    entry,
                    "unlinked-mention",
                    detail,
                    _line_in_section(lines, entry, section.line, phrase),
                    target=slug,
                )


def _lines_of(kb: KnowledgeBase, entry: Entry) -> Lines:
    """The entry's file as lines (read again: entries do not keep their source)."""
    try:
        text, _flags = decode(read_inside(kb.root, entry.path, MAX_ENTRY_BYTES + 1))
    except OSError:
        text = ""  # gone since it was read: the section's line will do
    return Lines(text)


def _line_in_section(lines: Lines, entry: Entry, start: int, phrase: tuple[str, ...]) -> int:
    later = [s.line for s in entry.sections if s.line > start]
    end = min(later) - 1 if later else len(lines)
    numbered = ((n, lines.lines[n - 1]) for n in range(max(start, 1), min(end, len(lines)) + 1))
    return line_naming(numbered, phrase) or start


def _consider_linking(kb: KnowledgeBase, entries: list[Entry]) -> Iterator[Problem]:
    model = Similarity({e.slug: entry_profile_text(e) for e in entries})
    if not model.usable:
        return
    for slug, other, score in model.strong_pairs(STRONG):
        if _linked(kb, slug, other):
            continue
        entry = kb.entries[slug]
        title = kb.entries[other].title
        detail = (
            f"reads much like {title!r} ({other}, similarity {score:.2f}) but neither links "
            "the other"
        )
        yield _advice(entry, "consider-linking", detail, target=other)


def _linked(kb: KnowledgeBase, one: str, other: str) -> bool:
    return any(r.resolved == other for r in kb.links_of(one)) or any(
        r.resolved == one for r in kb.links_of(other)
    )

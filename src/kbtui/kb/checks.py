"""Everything a curator should fix in a KB, as a list of Problems, each at its file and
line; and the entries that links want written, most wanted first ("to write next").

The milder findings (thin entries, unverified ones, unlinked mentions...) are advice,
not problems: see :mod:`kbtui.kb.advice`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kbtui.kb.graph import KnowledgeBase
from kbtui.kb.links import normalise_target
from kbtui.kb.model import Entry, Link, LinkKind, Problem, SectionKey

_FLAG_PROBLEMS = {
    "undecodable": "the file is not valid UTF-8; unreadable bytes were replaced",
    "binary": "the file holds NUL bytes: it looks binary, not text",
    "too-large": "the file is over 1 MiB; only its first 1 MiB was read",
    "control-characters": "the text holds control characters or escape sequences (shown as ␛)",
}

PROBLEM_KINDS = (
    "broken-link",
    "missing-summary",
    "duplicate-section",
    "empty-entry",
    "undecodable",
    "undecodable-name",
    "outside-link",
    "orphan",
    "duplicate-slug",
    "binary",
    "too-large",
    "control-characters",
    "unreadable",
    "empty-path",
)

# The folder a missing entry is wanted in, by how it was linked to (the resolver looks
# in sources/ and case-studies/ for a bare name: a citation wants a source).
_FOLDER_FOR_KIND = {
    LinkKind.CITATION: "sources/",
    LinkKind.SOURCE: "sources/",
    LinkKind.EXAMPLE: "case-studies/",
}


@dataclass
class _Missing:
    """One absent entry as one entry links to it, in one or more of its sections."""

    slug: str
    path: str
    key: str  # the wanted file name: any entry of that name would satisfy the link
    written: list[str] = field(default_factory=list)  # the targets as written
    sections: list[str] = field(default_factory=list)
    lineno: int = 0


@dataclass(frozen=True)
class WantedEntry:
    """An entry that links want and nobody has written: ``slug`` is where to write it,
    ``wanted_by`` the problems (one per linking entry) that ask for it."""

    slug: str
    wanted_by: tuple[Problem, ...]

    @property
    def path(self) -> str:
        return f"{self.slug}.md"


def check(kb: KnowledgeBase, digested: bool = False) -> list[Problem]:
    """Every problem in ``kb``, sorted by entry then kind. ``digested``: each entry of
    ``kb`` went through :func:`digest` as it was read, so its own problems are among the
    KB's load problems and only the links are left to check."""
    problems: list[Problem] = list(kb.load_problems)
    missing: list[_Missing] = []
    spellings: dict[str, list[tuple[str, LinkKind]]] = defaultdict(list)
    for entry in kb.entries.values():
        if not digested:
            problems.extend(entry_problems(entry))
        if not _is_empty(entry, digested):
            problems.extend(_link_problems(kb, entry, missing, spellings))
    wanted = {key: _wanted_slug(key, found) for key, found in spellings.items()}
    for gap in missing:
        where = ", ".join(gap.sections)
        detail = f"{where}: {gap.written[0]!r} is not in this KB"
        others = [repr(other) for other in gap.written[1:]]
        if others:
            detail += f" (also written {', '.join(others)})"
        problems.append(
            Problem(
                gap.slug,
                "broken-link",
                detail,
                gap.path,
                gap.lineno,
                tuple(gap.sections),
                wanted[gap.key],
            )
        )
    return sorted(problems, key=lambda p: (p.slug, p.kind, p.detail))


def digest(entry: Entry) -> tuple[Entry, list[Problem]]:
    """What checking a large KB keeps of one entry as it is read: its own problems, and
    the entry without its text (sections, sources, summary, link labels, verification),
    which the link checks do not need.
    An entry with no text keeps the "empty" flag so that they can still tell."""
    problems = entry_problems(entry)
    flags = entry.flags | {"empty"} if _is_empty(entry) else entry.flags
    links = tuple(Link(k.section, k.kind, k.target, "", k.line) for k in entry.links)
    kept = replace(
        entry,
        sections=(),
        sources=(),
        intro="",
        links=links,
        flags=_FLAG_SETS.setdefault(flags, flags),
        summary=None if entry.summary is None else "",
        verification=None,
        unverified=None,
    )
    return kept, problems


_FLAG_SETS: dict[frozenset[str], frozenset[str]] = {}  # one copy of each set of flags


def _is_empty(entry: Entry, digested: bool = False) -> bool:
    if "empty" in entry.flags:
        return True
    return not digested and not any(s.text.strip() for s in entry.sections)


def entry_problems(entry: Entry) -> list[Problem]:
    """The problems ``entry``'s file shows by itself, whatever else is in the KB."""
    return list(_own_problems(entry))


def _own_problems(entry: Entry) -> Iterable[Problem]:
    slug, path = entry.slug, entry.path

    def problem(kind: str, detail: str, lineno: int = 1) -> Problem:
        return Problem(slug, kind, detail, path, lineno or 1)

    for flag, detail in _FLAG_PROBLEMS.items():
        if flag in entry.flags:
            yield problem(flag, detail)
    if _is_empty(entry):
        yield problem("empty-entry", "the entry has no text")
        return
    if entry.type != "path" and entry.summary_missing:
        summary = entry.section(SectionKey.SUMMARY)
        if summary is None:
            yield problem("missing-summary", "no Summary section")
        elif not summary.text.strip():
            yield problem("missing-summary", "the Summary section is empty", summary.line)
        else:
            yield problem("missing-summary", "the Summary is still TBD", summary.line)
    if entry.type == "path" and not entry.steps:
        yield problem("empty-path", "the reading path lists no steps")
    for name in entry.duplicate_sections:
        lineno = _second_line(entry, name)
        yield problem("duplicate-section", f"section {name!r} appears twice", lineno)


def _link_problems(
    kb: KnowledgeBase,
    entry: Entry,
    missing: list[_Missing],
    spellings: dict[str, list[tuple[str, LinkKind]]],
) -> Iterable[Problem]:
    slug, path = entry.slug, entry.path

    def problem(kind: str, detail: str, lineno: int = 1) -> Problem:
        return Problem(slug, kind, detail, path, lineno or 1)

    gaps: dict[str, _Missing] = {}
    for resolved in kb.links_of(slug):
        link = resolved.link
        if resolved.outside:
            yield problem(
                "outside-link", f"{link.section}: {link.target!r} leads outside", link.line
            )
        elif resolved.missing:
            name = normalise_target(link.target).name or link.target.strip()
            key = name.rsplit("/", 1)[-1]
            where = link.section
            if link.kind is LinkKind.STEP:
                number = next((s.number for s in entry.steps if s.target == link.target), 0)
                where = f"step {number}"
            gap = gaps.get(key)
            if gap is None:
                gap = gaps[key] = _Missing(slug, path, key, lineno=link.line or 1)
                missing.append(gap)
            if link.target not in gap.written:
                gap.written.append(link.target)
            if where not in gap.sections:
                gap.sections.append(where)
            spellings[key].append((name, link.kind))
    if entry.type != "path" and len(kb) > 1 and not kb.backlinks(slug):
        yield problem("orphan", "no other entry links here")


def _second_line(entry: Entry, name: str) -> int:
    """The line of the second section called ``name`` (where the duplicate starts)."""
    same = [s for s in entry.sections if s.name.lower() == name.lower()]
    return same[1].line if len(same) > 1 else 1


def _wanted_slug(key: str, spellings: list[tuple[str, LinkKind]]) -> str:
    """Where to write the entry links ask for as ``key``: the folder the links name
    (the most common, when they differ), else the folder their kind implies."""
    with_folder = Counter(name for name, _ in spellings if "/" in name)
    if with_folder:
        return min(with_folder, key=lambda name: (-with_folder[name], name))
    for kind, folder in _FOLDER_FOR_KIND.items():
        if any(found is kind for _, found in spellings):
            return folder + key
    return key


def slug_to_write(target: str, kind: LinkKind) -> str | None:
    """Where to write the entry one missing link asks for (as ``check`` would say):
    ``[source: moblab]`` wants ``sources/moblab``. None for a target that names no
    entry (one leading outside the KB)."""
    found = normalise_target(target)
    if found.outside is not None or found.name is None:
        return None
    return _wanted_slug(found.name.rsplit("/", 1)[-1], [(found.name, kind)])


def where_to_write(target: str, links: Iterable[Link]) -> str | None:
    """Where to write the entry ``target`` asks for, as ``check``'s "to write next"
    says it, from the links of the entry it is in (every spelling of the same name
    counts: ``[source: moblab]`` beside a Related ``sources/moblab`` wants
    ``sources/moblab``). None for a target that names no entry of the KB."""
    found = normalise_target(target)
    if found.outside is not None or found.name is None:
        return None
    key = found.name.rsplit("/", 1)[-1]
    spellings = []
    for link in links:
        name = normalise_target(link.target).name
        if name is not None and name.rsplit("/", 1)[-1] == key:
            spellings.append((name, link.kind))
    return _wanted_slug(key, spellings or [(found.name, LinkKind.RELATED)])


def to_write_next(problems: Iterable[Problem]) -> list[WantedEntry]:
    """The missing entries that broken links want, most wanted (by how many entries
    link to them) first, then by slug."""
    wanted: dict[str, list[Problem]] = defaultdict(list)
    for found in problems:
        if found.kind == "broken-link" and found.target:
            wanted[found.target].append(found)
    ranked = sorted(wanted.items(), key=lambda item: (-len(item[1]), item[0]))
    return [WantedEntry(slug, tuple(by)) for slug, by in ranked]

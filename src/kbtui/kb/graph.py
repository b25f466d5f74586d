"""Link resolution and backlinks over a loaded KB."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from kbtui.kb.links import Resolver, Target, normalise_target
from kbtui.kb.loader import EntryFile, Scan, read_entries, scan
from kbtui.kb.loader import ProgressCallback as ProgressCallback
from kbtui.kb.model import Backlink, Entry, Link, LinkKind, Problem, ResolvedLink, shared_link
from kbtui.kb.outline import EntryOutline

__all__ = ["KnowledgeBase", "Resolver", "Target", "load_kb", "normalise_target"]


class KnowledgeBase:
    """Every entry of one KB, its resolved links and its backlinks."""

    def __init__(self, root: Path, entries: Iterable[Entry], problems: Iterable[Problem] = ()):
        self.root = root
        self.entries: dict[str, Entry] = {e.slug: e for e in sorted(entries, key=lambda e: e.slug)}
        self.load_problems: tuple[Problem, ...] = tuple(problems)
        self.resolver = Resolver(self.entries)
        backlinks: dict[str, dict[Backlink, None]] = defaultdict(dict)
        # The entries with a link to a missing entry, by the file name it wants: what
        # must be resolved again when an entry of that name is written (see updated()).
        self._missing: dict[str, set[str]] = defaultdict(set)
        resolve = self.resolver.resolve
        for slug, entry in self.entries.items():
            for link in entry.links:
                resolved, outside = resolve(link.target)
                if resolved is not None and resolved != slug:
                    backlinks[resolved][Backlink(slug, link.section)] = None
                elif resolved is None and outside is None:
                    self._missing[_wanted_name(link.target)].add(slug)
        self._backlinks = {slug: tuple(found) for slug, found in backlinks.items()}

    @classmethod
    def from_links(
        cls,
        root: Path,
        outlines: Iterable[EntryOutline],
        links: Mapping[str, Sequence[Sequence[str]]],
    ) -> KnowledgeBase:
        """The link graph from what an index keeps: each entry's outline and its links
        as [section, kind, target, label] rows. No file is read or parsed, so the
        entries are outlines: no sections, no sources, no link labels."""
        return cls(root, [entry_from_links(o, links.get(o.slug, ())) for o in outlines])

    def updated(self, entries: Iterable[Entry], removed: Iterable[str] = ()) -> KnowledgeBase:
        """This graph with ``entries`` put in (in place of those of the same slugs, or as
        new ones) and the ``removed`` slugs taken out: only the links that can resolve
        differently are resolved again and only the backlinks they give are moved (a
        file written at 10,000 entries costs milliseconds where a rebuild takes a
        second or two). The result is what a graph built afresh would be."""
        new = list(entries)
        gone = {slug for slug in removed if slug in self.entries} - {e.slug for e in new}
        added = {entry.slug for entry in new if entry.slug not in self.entries}
        graph = copy.copy(self)
        graph.entries = dict(self.entries)
        for slug in gone:
            del graph.entries[slug]
        for entry in new:
            graph.entries[entry.slug] = entry
        if added:  # in slug order, as a fresh build lists them
            graph.entries = dict(sorted(graph.entries.items()))
        rewired: list[Entry] = []
        if added or gone:
            # A link can only resolve differently if its target's file name is that of
            # an entry that came or went: a resolved link names its entry's file name,
            # so the links to move are those to entries of that name (their backlinks)
            # and the missing ones that want that name.
            graph.resolver = Resolver(graph.entries)
            names = {slug.rsplit("/", 1)[-1] for slug in added | gone}
            skip = gone | {entry.slug for entry in new}
            named = [slug for slug in self.entries if slug.rsplit("/", 1)[-1] in names]
            linking: set[str] = set(named)  # an entry may link to itself
            for slug in named:
                linking |= {b.slug for b in self._backlinks.get(slug, ())}
            for name in names:
                linking |= self._missing.get(name, set())
            rewired = [graph.entries[slug] for slug in sorted(linking - skip)]
        backlinks = dict(self._backlinks)
        touched: set[str] = set(gone)
        for slug in gone:  # what the removed entries linked to loses their backlinks
            touched |= {r.resolved for r in self.links_of(slug) if r.resolved is not None}
        # The changed entries' links, resolved once, and the backlinks they give.
        now = {entry.slug: graph.links_of(entry.slug) for entry in [*new, *rewired]}
        incoming: defaultdict[str, list[Backlink]] = defaultdict(list)
        for slug, links in now.items():
            for r in links:
                if r.resolved is not None and r.resolved != slug:  # never its own backlink
                    incoming[r.resolved].append(Backlink(slug, r.link.section))
                    touched.add(r.resolved)
            touched |= {r.resolved for r in self.links_of(slug) if r.resolved not in (None, slug)}
        changed = set(now) | gone
        for target in touched:
            kept = [b for b in backlinks.get(target, ()) if b.slug not in changed]
            if target in graph.entries or target in self._backlinks:
                kept.extend(incoming.get(target, ()))
            # In the order a full build gives: by linking entry, then as each links.
            unique = dict.fromkeys(sorted(kept, key=lambda b: b.slug))
            if unique and target in graph.entries:
                backlinks[target] = tuple(unique)
            else:
                backlinks.pop(target, None)
        graph._backlinks = backlinks
        graph._missing = _missing_after(
            self._missing, self.links_of, lambda slug: now.get(slug, ()), changed
        )
        return graph

    @property
    def name(self) -> str:
        return self.root.name

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, slug: str) -> Entry | None:
        found = self.entries.get(slug)
        if found is None:
            resolved, _ = self.resolver.resolve(slug)
            found = self.entries.get(resolved) if resolved else None
        return found

    def links_of(self, slug: str) -> tuple[ResolvedLink, ...]:
        """Where each of ``slug``'s links leads, resolved when asked (the resolver
        remembers each target it was asked for): every link of a large KB held resolved
        would be a fifth of the session's memory (35 MB at 50,000 entries)."""
        entry = self.entries.get(slug)
        if entry is None:
            return ()
        resolve = self.resolver.resolve
        found = []
        for link in entry.links:
            resolved, outside = resolve(link.target)
            found.append(ResolvedLink(link, resolved, outside is not None))
        return tuple(found)

    def backlinks(self, slug: str) -> tuple[Backlink, ...]:
        return self._backlinks.get(slug, ())

    def neighbours(self, slug: str, exclude: Iterable[str] = ()) -> list[str]:
        """Entries two links from ``slug`` (either way), not in ``exclude``, those reached
        by most paths first. Reading paths join everything to everything: left out."""

        def around(one: str) -> set[str]:
            near = {b.slug for b in self.backlinks(one)}
            near |= {r.resolved for r in self.links_of(one) if r.resolved is not None}
            return {other for other in near if not other.startswith("paths/")}

        skip = {slug, *exclude}
        reached: dict[str, int] = {}
        for middle in around(slug):
            for other in around(middle):
                if other not in skip:
                    reached[other] = reached.get(other, 0) + 1
        return sorted(reached, key=lambda other: (-reached[other], other))

    def closest(self, text: str, limit: int = 3) -> list[str]:
        import difflib

        wanted = text.strip().lower()
        by_name = {slug.rsplit("/", 1)[-1]: slug for slug in self.entries}
        found = [slug for slug in self.entries if wanted and wanted in slug][:limit]
        for slug in difflib.get_close_matches(wanted, list(self.entries), n=limit, cutoff=0.5):
            if slug not in found:
                found.append(slug)
        for name in difflib.get_close_matches(wanted, list(by_name), n=limit, cutoff=0.5):
            if by_name[name] not in found:
                found.append(by_name[name])
        return found[:limit]


_KINDS = {kind.value: kind for kind in LinkKind}


def _wanted_name(raw: str) -> str:
    """The file name a link to a missing entry wants ("" when it names none)."""
    name = normalise_target(raw).name
    return name.rsplit("/", 1)[-1] if name else ""


def _missing_after(
    missing: Mapping[str, set[str]],
    old_links: Callable[[str], Sequence[ResolvedLink]],
    new_links: Callable[[str], Sequence[ResolvedLink]],
    changed: set[str],
) -> defaultdict[str, set[str]]:
    """``missing`` (file name -> entries with a missing link wanting it) after the
    ``changed`` entries' links went from ``old_links`` to ``new_links``. The sets
    touched are copied: the graph this one was updated from keeps its own."""
    result: defaultdict[str, set[str]] = defaultdict(set, missing)
    copied: set[str] = set()

    def edit(name: str) -> set[str]:
        if name not in copied:
            result[name] = set(result.get(name, ()))
            copied.add(name)
        return result[name]

    for slug in changed:
        for r in old_links(slug):
            if r.resolved is None and not r.outside:
                edit(_wanted_name(r.link.target)).discard(slug)
        for r in new_links(slug):
            if r.resolved is None and not r.outside:
                edit(_wanted_name(r.link.target)).add(slug)
    return result


def entry_from_links(outline: EntryOutline, rows: Sequence[Sequence[str]]) -> Entry:
    """An entry as the link graph knows it from an index: its outline and its links from
    [section, kind, target, label] rows (no sections, no sources, no link labels)."""
    return Entry(
        slug=outline.slug,
        path=outline.path,
        title=outline.title,
        type=outline.type,
        sections=(),
        links=tuple(_link_from_row(row) for row in rows),
        summary=None if outline.summary_missing else "",
        flags=outline.flags,
    )


PARALLEL_FROM = 1000  # entries; below this a process pool costs more than it saves
_CHUNK = 250


# What a caller keeps of each entry as it is read, and the problems it found in it
# (kbtui.kb.checks.digest: an entry's own problems and the entry without its text).
Digest = Callable[[Entry], tuple[Entry, list[Problem]]]
_Job = tuple[Path, tuple[EntryFile, ...], bool, "Digest | None"]


def _read_chunk(job: _Job) -> list[Entry | Problem]:
    root, files, render, digest = job
    return list(_digested(read_entries(root, files, None, render=render), digest))


def _digested(items: Iterable[Entry | Problem], digest: Digest | None) -> Iterator[Entry | Problem]:
    for item in items:
        if digest is None or not isinstance(item, Entry):
            yield item
        else:
            entry, problems = digest(item)
            yield from problems
            yield entry


def load_kb(
    root: Path,
    progress: ProgressCallback | None = None,
    render: bool = True,
    workers: int = 1,
    digest: Digest | None = None,
) -> KnowledgeBase:
    """Scan, parse and link a KB. ``workers`` > 1 parses a large KB in that many
    processes (for the command line; a threaded caller such as the TUI keeps 1).
    ``digest`` (a module-level function, so that worker processes can run it) is given
    each entry as it is read: the KB holds what it returns, its problems among the
    load problems, so a KB need never be in memory in full."""
    root = root.resolve()
    found: Scan = scan(root)
    entries: list[Entry] = []
    problems: list[Problem] = list(found.problems)
    items: Iterable[Entry | Problem]
    if workers > 1 and len(found.files) >= PARALLEL_FROM:
        items = _read_parallel(root, found.files, render, workers, progress, digest)
    else:
        items = _digested(read_entries(root, found.files, progress, render=render), digest)
    for item in items:
        if isinstance(item, Entry):
            entries.append(item)
        else:
            problems.append(item)
    return KnowledgeBase(root, entries, problems)


def _read_parallel(
    root: Path,
    files: tuple[EntryFile, ...],
    render: bool,
    workers: int,
    progress: ProgressCallback | None,
    digest: Digest | None = None,
) -> list[Entry | Problem]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(root, files[i : i + _CHUNK], render, digest) for i in range(0, len(files), _CHUNK)]
    items: list[Entry | Problem] = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in pool.map(_read_chunk, jobs):
            items.extend(_one_copy(item) for item in chunk)
            if progress is not None:
                progress(len(items), len(files))
    return items


def _one_copy(item: Entry | Problem) -> Entry | Problem:
    """``item`` with its links' targets and section names shared with every other
    entry's (as the parser leaves them): a string sent from another process arrives as
    a copy of its own, and most targets are named by many entries."""
    if not isinstance(item, Entry) or not item.links:
        return item
    links = tuple(shared_link(k.section, k.kind, k.target, k.label, k.line) for k in item.links)
    return replace(item, links=links)


def _link_from_row(row: Sequence[str]) -> Link:
    # A graph of every entry's links lives as long as the session. It says where links
    # go, not how they read (a reader shows the links of the entry it parsed): no
    # labels, which at 50,000 entries would be 30 MB of source lines.
    return shared_link(row[0], _KINDS.get(row[1], LinkKind.INLINE), row[2], "")

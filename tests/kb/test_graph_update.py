"""The link graph brought up to date in place when entries are edited, added or removed
(a file written while the app runs): the same links and backlinks as a graph built
afresh, without building one (at 10,000 entries a rebuild takes a second or two)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.kb.graph import KnowledgeBase
from kbtui.kb.model import Entry
from kbtui.kb.parser import parse_entry

ROOT = Path("/nonexistent-kb")
# Few names in a few folders, so that bare names collide, go ambiguous and come back.
FOLDERS = ("", "sources/", "case-studies/", "notes/")
NAMES = ("foo", "bar", "baz", "march")
SLUGS = [folder + name for folder in FOLDERS for name in NAMES]
TARGETS = [*SLUGS, *NAMES, "ghost", "../outside", "notes/ghost"]


def entry(slug: str, targets: list[str], title: str = "") -> Entry:
    related = "".join(f"- {target}\n" for target in targets)
    text = f"# {title or slug}\n\n## Summary\nAbout {slug}.\n\n## Related\n{related}"
    return parse_entry(text, slug, slug + ".md")


def same_as_fresh(graph: KnowledgeBase, entries: dict[str, Entry]) -> None:
    fresh = KnowledgeBase(ROOT, entries.values())
    assert list(graph.entries) == list(fresh.entries)
    for slug in [*SLUGS, "ghost"]:
        assert graph.links_of(slug) == fresh.links_of(slug), slug
        assert graph.backlinks(slug) == fresh.backlinks(slug), slug
    assert graph.resolver.resolve("foo") == fresh.resolver.resolve("foo")


kbs = st.dictionaries(
    st.sampled_from(SLUGS), st.lists(st.sampled_from(TARGETS), max_size=4), max_size=10
)
changes = st.lists(
    st.tuples(
        st.sampled_from(["write", "remove"]),
        st.sampled_from(SLUGS),
        st.lists(st.sampled_from(TARGETS), max_size=4),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(kbs, changes)
def test_entries_added_removed_and_edited_give_the_links_of_a_fresh_build(
    start: dict[str, list[str]], steps: list[tuple[str, str, list[str]]]
) -> None:
    entries = {slug: entry(slug, targets) for slug, targets in start.items()}
    graph = KnowledgeBase(ROOT, entries.values())
    step_by_step = graph  # updated once per change, as syncs come one by one
    written: dict[str, Entry] = {}
    removed: set[str] = set()
    for action, slug, targets in steps:
        if action == "write":
            written[slug] = entries[slug] = entry(slug, targets, title=f"{slug} again")
            removed.discard(slug)
            step_by_step = step_by_step.updated([entries[slug]])
        elif slug in entries:
            del entries[slug]
            written.pop(slug, None)
            removed.add(slug)
            step_by_step = step_by_step.updated([], removed={slug})
    graph = graph.updated(written.values(), removed=removed)  # all at once
    same_as_fresh(graph, entries)
    same_as_fresh(step_by_step, entries)


def test_a_new_entry_mends_the_links_that_named_it() -> None:
    linker = entry("bar", ["foo", "notes/foo", "ghost"])
    graph = KnowledgeBase(ROOT, [linker])
    assert [r.resolved for r in graph.links_of("bar")] == [None, None, None]
    graph = graph.updated([entry("notes/foo", [])])
    assert [r.resolved for r in graph.links_of("bar")] == ["notes/foo", "notes/foo", None]
    assert [b.slug for b in graph.backlinks("notes/foo")] == ["bar"]
    same_as_fresh(graph, {"bar": linker, "notes/foo": entry("notes/foo", [])})


def test_a_second_entry_of_the_same_name_makes_a_bare_link_ambiguous() -> None:
    linker = entry("bar", ["foo"])
    graph = KnowledgeBase(ROOT, [linker, entry("notes/foo", [])])
    assert graph.links_of("bar")[0].resolved == "notes/foo"
    graph = graph.updated([entry("case-studies/foo", [])])
    assert graph.links_of("bar")[0].resolved == "case-studies/foo"  # case studies first
    graph = graph.updated([], removed={"case-studies/foo", "notes/foo"})
    assert graph.links_of("bar")[0].resolved is None
    assert graph.backlinks("notes/foo") == ()
    same_as_fresh(graph, {"bar": linker})

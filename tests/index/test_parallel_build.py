"""A large first build is shared between processes: the index it makes answers as one
built in a single process does, and a part that fails is built in-process instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kbtui.index import KBIndex, store
from tests.conftest import write_kb

TOPICS = ["tenant union", "rent strike", "door knocking", "phone bank", "organising"]


def _kb(root: Path) -> Path:
    files = {}
    for n in range(40):
        topic = TOPICS[n % len(TOPICS)]
        folder = "case-studies/" if n % 3 == 0 else ""
        files[f"{folder}entry-{n:02}.md"] = (
            f"# {topic.title()} {n}\n\n## Summary\nHow {topic} went, case {n}.\n\n"
            f"## Body\nWe met about {topic} and campaigns{n} in Gézi.\n\n"
            f"## Related\n- [[entry-{(n + 1) % 40:02}]]\n- [[missing-{n}]]\n"
        )
    return write_kb(root, files)


def _answers(index: KBIndex) -> object:
    searches = {
        text: [(hit.slug, hit.title) for hit in index.search(text, limit=50).hits]
        for text in ("tenant", "camp", "campaigns1", "gezi", "organizing strike", "door kno")
    }
    return (
        index.doc_count(),
        [(o.slug, o.title, o.type) for o in index.list_entries()],
        index.link_rows(),
        {text: sorted(hits) for text, hits in searches.items()},
    )


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "PARALLEL_FROM", 10)
    monkeypatch.setattr(store.os, "cpu_count", lambda: 2)


def test_a_build_in_parts_answers_as_one_built_here(tmp_path: Path, parallel: None) -> None:
    kb = _kb(tmp_path / "kb")
    seen: list[tuple[int, int]] = []
    shared = KBIndex(kb, tmp_path / "cache-parts")
    assert shared.sync(progress=lambda done, total: seen.append((done, total))).rebuilt
    assert len(shared.ix._segments()) == 2  # one a process
    assert seen[-1] == (40, 40)

    store.PARALLEL_FROM = 10**9  # the same KB, built in this process
    alone = KBIndex(kb, tmp_path / "cache-here")
    alone.sync()
    assert len(alone.ix._segments()) == 1
    assert _answers(shared) == _answers(alone)

    # And it stays in step afterwards as any index does.
    (kb / "entry-05.md").write_text("# Phone tree\n\n## Body\nA zqxtree of calls.\n")
    assert shared.sync().updated == 1
    assert [hit.slug for hit in shared.search("zqxtree").hits] == ["entry-05"]


def test_a_large_build_is_made_in_bounded_parts_a_few_at_a_time(
    tmp_path: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A part's postings are sorted in memory; one too large spills runs to disk (the
    # build folder grew to 6x the index). Parts are bounded in bytes of entry files,
    # and no more run at once than there are processes to run them.
    kb = _kb(tmp_path / "kb")
    total = sum(path.stat().st_size for path in kb.rglob("*.md"))
    monkeypatch.setattr(store, "PART_BYTES", total // 5 + 1)
    started: list[subprocess.Popen[bytes]] = []
    most = 0

    class Counted(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            nonlocal most
            super().__init__(*args, **kwargs)
            started.append(self)
            most = max(most, sum(1 for worker in started if worker.poll() is None))

    monkeypatch.setattr(subprocess, "Popen", Counted)
    shared = KBIndex(kb, tmp_path / "cache-parts")
    assert shared.sync().rebuilt
    assert len(shared.ix._segments()) == 5
    assert len(started) == 5 and 1 <= most <= 2

    store.PARALLEL_FROM = 10**9
    alone = KBIndex(kb, tmp_path / "cache-here")
    alone.sync()
    assert _answers(shared) == _answers(alone)


def test_a_part_that_fails_is_built_here(
    tmp_path: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = _kb(tmp_path / "kb")
    monkeypatch.setattr(sys, "executable", "/bin/false")  # every part ends at once
    index = KBIndex(kb, tmp_path / "cache")
    assert index.sync().rebuilt
    assert index.doc_count() == 40
    assert len(index.ix._segments()) == 1
    assert {hit.slug for hit in index.search("rent").hits} == {
        f"{'case-studies/' if n % 3 == 0 else ''}entry-{n:02}" for n in range(1, 40, 5)
    }

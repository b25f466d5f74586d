"""Scoring with field lengths remembered (query.RememberedLengths): the same scores
as Whoosh's BM25F, and a search typed again reads no length from the segment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from whoosh import reading, scoring

from kbtui.index import KBIndex
from kbtui.index.query import RememberedLengths, parse
from tests.conftest import write_kb

WORDS = [
    "campaign",
    "canvass",
    "coalition",
    "corporate",
    "council",
    "court",
    "union",
    "strike",
    "rent",
]


@pytest.fixture(scope="module")
def kb_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBIndex]:
    files = {
        f"e{n:02d}.md": (
            f"# {WORDS[n % len(WORDS)].title()} notes {n}\n\n## Summary\n"
            + " ".join(WORDS[(n * k) % len(WORDS)] for k in range(1, 2 + n % 7))
            + ".\n\n## Body\n"
            + " ".join(WORDS[(n + k) % len(WORDS)] for k in range(n % 11 + 1))
            + " and more words here.\n"
        )
        for n in range(40)
    }
    root = write_kb(tmp_path_factory.mktemp("lengths") / "kb", files)
    index = KBIndex(root, cache_root=tmp_path_factory.mktemp("lengths-cache"))
    index.sync()
    yield index
    index.close()


@pytest.mark.parametrize("typed", ["cor", "cou", "campaign ", "union strike ", "rent", "court"])
def test_the_scores_are_whooshs_own(kb_index: KBIndex, typed: str) -> None:
    wanted = parse(typed).query
    assert wanted is not None

    def scored(weighting: scoring.WeightingModel) -> list[tuple[int, float]]:
        with kb_index.ix.searcher(weighting=weighting) as searcher:
            for _ in range(2):  # the second time from what was remembered
                hits = searcher.search(wanted, limit=None)
                found = [(hit.docnum, round(hit.score, 9)) for hit in hits]
            return found

    assert scored(RememberedLengths()) == scored(scoring.BM25F())
    assert scored(RememberedLengths())  # something was scored


def test_a_search_typed_again_reads_no_length(
    kb_index: KBIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = reading.SegmentReader.doc_field_length

    def counting(self: object, docnum: int, fieldname: str, default: int = 0) -> int:
        reads.append(docnum)
        return real(self, docnum, fieldname, default)  # type: ignore[arg-type]

    monkeypatch.setattr(reading.SegmentReader, "doc_field_length", counting)
    first = kb_index.search("cou")
    assert first.hits and reads
    reads.clear()
    again = kb_index.search("cou")
    assert [hit.slug for hit in again.hits] == [hit.slug for hit in first.hits]
    assert reads == []

"""One part of a first index build, in a process of its own (see KBIndex._fill).

Reads ``(kb_root, index folder, files)`` pickled on stdin, indexes those files into a
segment of their own in that index (whose writer lock the parent holds), and writes
pickled messages to stdout: ``("progress", n)`` as it goes, then ``("done", segment,
listing rows, links)``.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import Any, BinaryIO

from whoosh.writing import SegmentWriter

from kbtui.index.cachefiles import CacheStorage
from kbtui.index.schema import document_for
from kbtui.index.store import _encoded_links, _read_for_index, _row
from kbtui.kb.loader import EntryFile

PROGRESS_EVERY = 50


class _Lengths:
    """Each document's field lengths, read once: Whoosh asks for one with every posting
    it writes (millions in a part), each time through the segment's length column."""

    def __init__(self, reader: Any, schema: Any, documents: int) -> None:
        self._lengths = {
            name: [reader.doc_field_length(doc, name) for doc in range(documents)]
            for name in schema.scorable_names()
        }

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        return default if lengths is None else lengths[docnum]


class _PartWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's segment writer, writing its postings with the lengths read once."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(reader, self.schema, self.docnum) if reader else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader:
            reader.close()


def build_part(kb_root: Path, folder: str, files: tuple[EntryFile, ...], out: BinaryIO) -> None:
    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out)
        out.flush()

    ix = CacheStorage(folder).open_index()
    writer = _PartWriter(ix, _lk=False, limitmb=512)
    rows: dict[str, list[Any]] = {}
    links: dict[str, str] = {}
    told = 0
    try:
        for done, file in enumerate(files, 1):
            entry = _read_for_index(kb_root, file)
            writer.add_document(**document_for(entry))
            rows[file.slug] = _row(file, entry)
            links[file.slug] = _encoded_links(entry)
            if done - told >= PROGRESS_EVERY:
                send(("progress", done - told))
                told = done
        send(("progress", len(files) - told))
        send(("done", writer._finalize_segment(), rows, links))
    except BaseException:
        writer.cancel()
        raise


def main() -> int:
    kb_root, folder, files = pickle.load(sys.stdin.buffer)
    build_part(kb_root, folder, files, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The index's manifest: what was indexed (a stat signature per file) and the listing
the entry list is drawn from. Importable without Whoosh, so the TUI can paint the
list from it before the search index is opened."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kbtui import paths
from kbtui.kb.boundary import read_cache_file
from kbtui.kb.loader import EntryFile
from kbtui.kb.outline import EntryOutline, sort_key
from kbtui.paths import write_atomic

MANIFEST = "kbtui-manifest.json"
LINKS = "kbtui-links.json"  # every entry's links, so the TUI need not parse the KB
# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 16

SUMMARY_MISSING = "summary-missing"  # how the row's flags column says so
LinkRow = list[str]  # [section, kind, target, label], as in kbtui.kb.model.Link
_FIELD, _ROW = "\x1f", "\x1e"  # unit and record separators: never in KB text (neutralised)


def encode_links(rows: list[LinkRow]) -> str:
    """One entry's link rows as one string: a sync copies the unchanged entries' strings
    as they are, and reading 10,000 strings is quick where 120,000 small lists are not."""
    clean = str.maketrans({_FIELD: " ", _ROW: " "})
    return _ROW.join(_FIELD.join(value.translate(clean) for value in row) for row in rows)


def decode_links(encoded: str) -> list[LinkRow]:
    rows = [row.split(_FIELD) for row in encoded.split(_ROW)] if encoded else []
    return [row for row in rows if len(row) == 4]


def stat_digest(files: Iterable[tuple[str, str, int, int]]) -> str:
    """One digest of what a stat pass sees: every entry file's slug, path, size and
    mtime, in slug order. Equal digests, equal files as far as a sync can tell."""
    text = "".join(
        f"{slug}\x1f{path}\x1f{size}\x1f{mtime}\x1e" for slug, path, size, mtime in files
    )
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def index_dir_for(kb_root: Path, cache_root: Path | None = None) -> Path:
    root = kb_root.resolve()
    digest = hashlib.sha256(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in root.name)[:40]
    return (cache_root or paths.cache_dir()) / "indexes" / f"{safe_name}-{digest}"


_ROWS_KEY = b', "files": '  # the rows come last, after the head (see Manifest.write)
_NO_LINKS_YET: Any = object()  # a new manifest's links: none yet, to be filled in


class Manifest:
    """``files``: slug -> [relpath, size, mtime_ns, title, type, flags].

    ``links`` (slug -> link rows) is written to a file of its own, read only when the
    link graph is wanted, so the listing stays quick to read for the first frame.
    ``generation`` ties the two files together: links of another generation are stale;
    ``links_sha256`` is the digest of the links file as written, so links rewritten
    since (well-formed or not) are not believed.
    ``links`` is None when they are not known (they are then not written).
    ``stat_digest`` is the :func:`stat_digest` of the files as recorded, so a stat pass
    can tell the manifest up to date without reading it (see :mod:`kbtui.index.ahead`).

    A manifest read from disk decodes its head (all but the rows) at once and its rows
    when they are first wanted: a one-off search of an index found up to date needs
    only the head, and the rows are most of the file (a megabyte at 10,000 entries).
    Rows that do not decode are no rows; :meth:`rows_whole` says so."""

    def __init__(
        self,
        files: dict[str, list[Any]] | None = None,
        links: dict[str, str] | None = _NO_LINKS_YET,
        generation: str = "",
        links_sha256: str = "",
        stat_digest: str = "",
    ) -> None:
        self._files = {} if files is None else files
        self._rows: bytes | None = None  # undecoded rows, read with the head
        self._count = -1  # how many rows the head says there are
        self._whole = True  # rows made here are whole; rows read are checked once
        self.links = {} if links is _NO_LINKS_YET else links
        self.generation = generation
        self.links_sha256 = links_sha256
        self.stat_digest = stat_digest

    @property
    def files(self) -> dict[str, list[Any]]:
        if self._rows is not None:
            rows, self._rows = self._rows, None
            try:
                files = json.loads(rows.decode("utf-8"))
            except ValueError:
                files = None
            self._files = files if isinstance(files, dict) else {}
        return self._files

    @property
    def count(self) -> int:
        """How many entries it records (the head's word for it, until rows are read)."""
        return len(self._files) if self._rows is None else self._count

    def rows_whole(self) -> bool:
        """Whether every row the head counts is there and has the listing's columns
        (looked at once: each sync asks)."""
        if not self._whole:
            expected = self.count
            files = self.files
            self._whole = len(files) == expected and all(
                isinstance(row, list) and len(row) >= 6 for row in files.values()
            )
        return self._whole

    @classmethod
    def read(cls, folder: Path, kb_root: Path) -> Manifest | None:
        try:
            raw = read_cache_file(folder / MANIFEST)
        except OSError:
            return None
        split = raw.find(_ROWS_KEY)
        if split < 0 or not raw.endswith(b"}"):
            return None
        data = _json_of(raw[:split] + b"}", kb_root)
        if data is None or not isinstance(data.get("count"), int):
            return None
        manifest = cls(
            None,
            None,
            str(data.get("generation", "")),
            str(data.get("links_sha256", "")),
            str(data.get("stat_digest", "")),
        )
        manifest._rows, manifest._count = raw[split + len(_ROWS_KEY) : -1], data["count"]
        manifest._whole = False
        return manifest

    def changes(self, current: Mapping[str, EntryFile]) -> tuple[list[EntryFile], list[str]]:
        """What a stat pass found (``current``: slug -> file) that this manifest does
        not record: the files new or changed since (by path, size and mtime), and the
        slugs of those gone."""
        old = self.files
        changed = [
            file for slug, file in current.items() if old.get(slug, [])[:3] != file.signature()
        ]
        return changed, [slug for slug in old if slug not in current]

    def read_links(self, folder: Path, kb_root: Path) -> dict[str, str] | None:
        """The link rows written with this manifest, or None (missing, damaged, stale)."""
        if self.links is not None:
            return self.links
        data = _read_json(folder / LINKS, kb_root, self.links_sha256)
        if data is None or not self.generation or data.get("generation") != self.generation:
            return None
        links = data.get("links")
        if not isinstance(links, dict) or set(links) != set(self.files):
            return None
        if not all(isinstance(value, str) for value in links.values()):
            return None
        return links

    def write(self, folder: Path, kb_root: Path) -> None:
        self.generation = os.urandom(8).hex()
        head = {"schema": SCHEMA_VERSION, "kb": str(kb_root), "generation": self.generation}
        if self.links is not None:
            text = json.dumps({**head, "links": self.links})
            write_atomic(folder / LINKS, text)
            self.links_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        else:
            self.links_sha256 = ""
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / LINKS)
        head["links_sha256"] = self.links_sha256
        self.stat_digest = stat_digest(
            (slug, row[0], row[1], row[2]) for slug, row in sorted(self.files.items())
        )
        head["stat_digest"] = self.stat_digest
        head["count"] = len(self.files)
        # The rows last, so the head can be read without them (see read).
        write_atomic(folder / MANIFEST, json.dumps({**head, "files": self.files}))

    def listing(self) -> list[EntryOutline]:
        """Every entry's outline, sorted by type then title. The only reader of a
        manifest row by position."""
        listed = [
            EntryOutline(
                slug=slug,
                title=str(row[3]) or slug,
                type=str(row[4]),
                path=str(row[0]),
                summary_missing=SUMMARY_MISSING in row[5],
                flags=_one_set(frozenset(str(flag) for flag in row[5] if flag != SUMMARY_MISSING)),
            )
            for slug, row in self.files.items()
            if len(row) >= 6
        ]
        return sorted(listed, key=sort_key)


_FLAG_SETS: dict[frozenset[str], frozenset[str]] = {}


def _one_set(flags: frozenset[str]) -> frozenset[str]:
    """One copy of each set of flags (most entries have none) for a listing's life."""
    return _FLAG_SETS.setdefault(flags, flags)


def listing_row(relpath: str, size: int, mtime_ns: int, outline: EntryOutline) -> list[Any]:
    """A manifest row: the file's stat signature, then what the listing shows."""
    flags = sorted(outline.flags | ({SUMMARY_MISSING} if outline.summary_missing else set()))
    return [relpath, size, mtime_ns, outline.title, outline.type, flags]


def _read_json(path: Path, kb_root: Path, sha256: str | None = None) -> dict[str, Any] | None:
    """A cache file's JSON, if it is a regular file of this schema and KB (and, when
    ``sha256`` is given, has that digest); None otherwise."""
    try:
        raw = read_cache_file(path)
    except OSError:
        return None
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
        return None
    return _json_of(raw, kb_root)


def _json_of(raw: bytes, kb_root: Path) -> dict[str, Any] | None:
    """``raw`` as a JSON object, if it is one of this schema and KB; None otherwise."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
        return None
    return data if data.get("kb") == str(kb_root) else None


def cached_listing(kb_root: Path, cache_root: Path | None = None) -> list[EntryOutline] | None:
    """The entry list as of the last sync, or None when there is no usable index yet."""
    root = kb_root.resolve()
    manifest = Manifest.read(index_dir_for(root, cache_root), root)
    return manifest.listing() if manifest is not None else None

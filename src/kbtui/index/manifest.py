"""The index's manifest: what was indexed (a stat signature per file) and the listing
the entry list is drawn from. Importable without Whoosh, so the TUI can paint the
list from it before the search index is opened."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbtui import paths
from kbtui.index.results import ListedEntry

MANIFEST = "kbtui-manifest.json"
# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 8


def index_dir_for(kb_root: Path, cache_root: Path | None = None) -> Path:
    root = kb_root.resolve()
    digest = hashlib.sha256(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in root.name)[:40]
    return (cache_root or paths.cache_dir()) / "indexes" / f"{safe_name}-{digest}"


@dataclass
class Manifest:
    files: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path, kb_root: Path) -> Manifest | None:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
            return None
        if data.get("kb") != str(kb_root) or not isinstance(data.get("files"), dict):
            return None
        return cls(dict(data["files"]))

    def write(self, folder: Path, kb_root: Path) -> None:
        payload = json.dumps({"schema": SCHEMA_VERSION, "kb": str(kb_root), "files": self.files})
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".manifest-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, folder / MANIFEST)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def listing(self) -> list[ListedEntry]:
        """Every entry (slug, title, type, flags, path), sorted by type then title."""
        listed = [
            ListedEntry(
                slug=slug,
                title=str(row[3]) or slug,
                type=str(row[4]),
                flags=tuple(row[5]),
                path=str(row[0]),
            )
            for slug, row in self.files.items()
            if len(row) >= 6
        ]
        return sorted(listed, key=lambda e: (e.type, e.title.casefold(), e.slug))


def cached_listing(kb_root: Path, cache_root: Path | None = None) -> list[ListedEntry] | None:
    """The entry list as of the last sync, or None when there is no usable index yet."""
    root = kb_root.resolve()
    manifest = Manifest.read(index_dir_for(root, cache_root), root)
    return manifest.listing() if manifest is not None else None

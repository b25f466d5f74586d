"""Find, read and parse every entry under a KB root, safely.

Nothing outside the KB root is ever read: symlinks whose target lies outside are
refused and reported. Files are decoded as UTF-8 (a BOM is dropped, invalid
bytes are replaced and reported), controls are neutralised, and very large or
binary files are reported instead of choking the parser.
"""

from __future__ import annotations

import os
import stat as stat_mode
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from kbtui.kb.boundary import has_unsafe, neutralise, read_inside
from kbtui.kb.model import Entry, Problem

MAX_ENTRY_BYTES = 1 << 20  # 1 MiB: an entry larger than this is a mistake, not a text
ENTRY_SUFFIXES = (".md", ".markdown")
NOT_ENTRIES = {"readme.md", "readme.markdown"}


class EntryFile(NamedTuple):
    """One entry file as a stat pass finds it (a tuple: made 10,000 times a search)."""

    slug: str
    relpath: str
    size: int
    mtime_ns: int

    def signature(self) -> list[str | int]:
        """What a manifest row records of the file: path, size and mtime."""
        return [self.relpath, self.size, self.mtime_ns]


@dataclass(frozen=True)
class Scan:
    files: tuple[EntryFile, ...]
    problems: tuple[Problem, ...]


def slug_for(relpath: str) -> str:
    stem = relpath.replace(os.sep, "/") if os.sep != "/" else relpath
    for suffix in ENTRY_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem.lower()


def _undecodable_bytes(name: str) -> str | None:
    """The bytes of a file or folder name that are not UTF-8 ("0xE9"), or None."""
    if name.isascii():
        return None
    bad = [ord(char) - 0xDC00 for char in name if "\udc80" <= char <= "\udcff"]
    return ", ".join(f"0x{byte:02X}" for byte in dict.fromkeys(bad)) if bad else None


def _name_problem(slug: str, name: str, path: str) -> Problem | None:
    bad = _undecodable_bytes(name)
    if bad is None:
        return None
    what = "folder" if path.endswith("/") else "file"
    byte = "byte" if "," not in bad else "bytes"
    return Problem(
        slug,
        "undecodable-name",
        f"the {what} name is not valid UTF-8 ({byte} {bad}, shown as \ufffd): "
        f"rename the {what} so links and searches can name it",
        path=path,
        lineno=0 if what == "folder" else 1,
    )


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


_BY_NAME = attrgetter("name")


def scan(root: Path) -> Scan:
    """A stat pass over the KB: every entry file with its size and mtime, no reading."""
    root = root.resolve()
    files: dict[str, EntryFile] = {}
    problems: list[Problem] = []
    root_text = str(root)
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        folder = os.path.join(root_text, rel_dir) if rel_dir else root_text
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=_BY_NAME)
        except OSError as error:
            why = error.strerror or str(error)
            where = f"{rel_dir}/" if rel_dir else "./"
            problems.append(Problem(rel_dir or ".", "unreadable", why, path=where))
            continue
        subdirs: list[str] = []
        for item in items:
            name = item.name
            if name.startswith("."):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            is_link = item.is_symlink()
            if item.is_dir(follow_symlinks=False):
                subdirs.append(rel)
                if (problem := _name_problem(rel.lower(), name, f"{rel}/")) is not None:
                    problems.append(problem)
                continue
            if is_link and os.path.isdir(item.path):
                if not _inside(root, Path(item.path)):
                    problems.append(
                        Problem(
                            rel,
                            "outside-link",
                            "folder is a symlink that leads outside the KB",
                            path=f"{rel}/",
                        )
                    )
                continue  # linked folders inside the KB would be read twice
            lower = name.lower()
            if not lower.endswith(ENTRY_SUFFIXES) or lower in NOT_ENTRIES:
                continue
            cut = 3 if lower.endswith(".md") else len(".markdown")
            slug = rel[:-cut].lower()  # as slug_for(rel), without its checks: hot at 10k files
            if is_link and not _inside(root, Path(item.path)):
                problems.append(
                    Problem(
                        slug,
                        "outside-link",
                        "file is a symlink that leads outside the KB",
                        path=rel,
                        lineno=1,
                    )
                )
                continue
            try:
                stat = item.stat()
            except OSError as error:
                why = error.strerror or str(error)
                problems.append(Problem(slug, "unreadable", why, path=rel, lineno=1))
                continue
            if not stat_mode.S_ISREG(stat.st_mode):  # a FIFO or device would block or never end
                problems.append(
                    Problem(slug, "unreadable", "not a regular file", path=rel, lineno=1)
                )
                continue
            if slug in files:
                problems.append(
                    Problem(
                        slug,
                        "duplicate-slug",
                        f"{rel} and {files[slug].relpath} share a slug",
                        path=rel,
                        lineno=1,
                    )
                )
                continue
            if not name.isascii() and (problem := _name_problem(slug, name, rel)) is not None:
                problems.append(problem)  # still an entry: read, listed and searched
            files[slug] = EntryFile(slug, rel, stat.st_size, stat.st_mtime_ns)
        pending.extend(reversed(subdirs))
    return Scan(tuple(sorted(files.values())), tuple(problems))  # by slug: slugs are unique


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A file cut at MAX_ENTRY_BYTES may end inside a character: that is still text.
        return error.start >= len(data) - 3 and error.reason == "unexpected end of data"
    return True


def decode(data: bytes) -> tuple[str, frozenset[str]]:
    """Bytes to safe text, with flags for what had to be repaired."""
    flags: set[str] = set()
    if len(data) > MAX_ENTRY_BYTES:
        flags.add("too-large")
        data = data[:MAX_ENTRY_BYTES]
    nuls = data.count(b"\x00")
    if nuls and (nuls * 10 > len(data) or not _is_utf8(data)):
        flags.add("binary")  # a text with a stray NUL is text: the NUL shows as ␀
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        if "too-large" not in flags or "\ufffd" in text[:-4]:
            flags.add("undecodable")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if has_unsafe(text):
        flags.add("control-characters")
        text = neutralise(text)
    if not text.strip():
        flags.add("empty")
    return text, frozenset(flags)


def load_entry(root: Path, slug: str, relpath: str, render: bool = True) -> Entry:
    """Read and parse one entry file (through :func:`read_inside`)."""
    text, flags = decode(read_inside(root, relpath, MAX_ENTRY_BYTES + 1))
    if "binary" in flags:
        text = ""
    from kbtui.kb.parser import parse_entry  # mistune: only once a file is read

    return parse_entry(text, slug, relpath, flags, render=render)


def read_entry(root: Path, file: EntryFile, render: bool = True) -> Entry:
    return load_entry(root, file.slug, file.relpath, render)


ProgressCallback = Callable[[int, int], None]


def read_entries(
    root: Path,
    files: tuple[EntryFile, ...],
    progress: ProgressCallback | None = None,
    render: bool = True,
) -> Iterator[Entry | Problem]:
    """Parse each file in turn; a file that vanished or cannot be read becomes a Problem."""
    total = len(files)
    for done, file in enumerate(files, 1):
        try:
            yield read_entry(root, file, render=render)
        except OSError as error:
            why = error.strerror or str(error)
            yield Problem(file.slug, "unreadable", why, path=file.relpath, lineno=1)
        if progress is not None:
            progress(done, total)

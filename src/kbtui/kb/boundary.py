"""The one boundary for everything a KB or a cache supplies.

Bodies, titles, slugs, file and folder names and cached rows pass through here on
their way to a terminal, the palette, a notification, a log, HTML or a file read:

- :func:`display` makes text safe to show: control characters and escape introducers
  become visible pictures (ESC shows as ␛), bidi overrides and the lone surrogates
  that stand for undecodable bytes in a file name become U+FFFD. Nothing a terminal
  would act on survives. Front ends then show the result as plain text (Rich ``Text``,
  Textual ``Content``, escaped HTML), never as markup.
- :func:`read_inside` is the only way a KB file is read: the path is checked to lie
  inside the KB root, at the moment of reading, and to be a regular file.
- :func:`open_cache_file` is the only way kbtui opens a file of its cache: only a
  regular file, never a FIFO (which would block) nor a symlink (which leads elsewhere).
- :func:`create_inside` is the only way kbtui writes a file into a KB: a new file,
  inside the root, never over an existing one.

Nothing else neutralises or checks.
"""

from __future__ import annotations

import os
import re
import stat as stat_mode
from pathlib import Path

# C0 controls except TAB and LF, DEL, C1 controls, the Unicode bidi overrides and
# isolates that can reorder what a reader sees ("trojan source"), and lone surrogates
# (how Python spells the undecodable bytes of a file name: they cannot be printed).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\n\t\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls and bidi overrides: the replacement character


def neutralise(text: str) -> str:
    """Return ``text`` with control characters and escape introducers made visible."""
    return _UNSAFE.sub(_visible, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def display(text: str) -> str:
    """``text`` made safe to show anywhere: the boundary's one rule for display."""
    return _UNSAFE.sub(_visible, text)


def display_name(text: str) -> str:
    """A title, slug or file name for one line (a list row, a check line, a palette
    hit): as :func:`display`, with line breaks and tabs shown as the pictures ␊ ␉."""
    return _LINE_BREAKS.sub(_one_line, display(text))


def _one_line(match: re.Match[str]) -> str:
    char = match.group()
    return chr(0x2400 + ord(char)) if ord(char) < 0x20 else "\u2424"


class OutsideKB(OSError):
    """A read that would leave the KB root, or reach something that is not a file."""


def read_inside(root: Path, relpath: str, limit: int) -> bytes:
    """The first ``limit`` bytes of ``root/relpath`` - only if, at this moment, it
    resolves to a regular file inside ``root``. A path from a cache, a link or a
    listing is never trusted, and a file swapped for a symlink to elsewhere since the
    last scan is refused."""
    base = root.resolve()
    parts = relpath.replace("\\", "/").split("/")
    if not relpath or relpath.startswith("/") or ".." in parts or "\x00" in relpath:
        raise OutsideKB(f"{display_name(relpath)!r} is not a path inside the KB")
    real = (base / relpath).resolve()
    if real != base and base not in real.parents:
        raise OutsideKB("the file leads outside the KB")
    fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat_mode.S_ISREG(os.fstat(fd).st_mode):
            raise OutsideKB("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit)
    finally:
        os.close(fd)


class NotAFile(OSError):
    """A cache path that holds something other than a regular file."""


def open_cache_file(path: Path, flags: int = os.O_RDONLY) -> int:
    """A descriptor for the cache file ``path`` (opened with ``flags``), only if it is,
    at this moment, a regular file and not a symlink; else an OSError. The open itself
    never blocks: a FIFO is refused once opened, a symlink is not followed."""
    extra = os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | extra, 0o600)
    try:
        if not stat_mode.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFile(f"{display_name(path.name)!r} in the cache is not a file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_cache_file(path: Path) -> bytes:
    """The whole of the cache file ``path`` (an OSError when it is not a regular file)."""
    with os.fdopen(open_cache_file(path), "rb") as handle:
        return handle.read()


def create_inside(root: Path, relpath: str, text: str) -> Path:
    """Create ``root/relpath`` holding ``text`` (and the folders it needs) - only inside
    ``root``, only as a new file: an existing file, a symlink or a folder that leads
    elsewhere raises (FileExistsError, :class:`OutsideKB`). Returns the file's path."""
    base = root.resolve()
    parts = relpath.split("/")
    bad = ("", ".", "..")
    if any(part in bad or part.startswith(".") or "\\" in part for part in parts) or (
        "\x00" in relpath
    ):
        raise OutsideKB(f"{display_name(relpath)!r} is not a path inside the KB")
    folder = base
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise OutsideKB(f"{display_name(part)!r} is not a folder of the KB")
        folder.mkdir(exist_ok=True)
    if folder.resolve() != base and base not in folder.resolve().parents:
        raise OutsideKB("the file would lead outside the KB")
    path = folder / parts[-1]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def json_safe(dumped: str) -> str:
    """JSON text (from ``json.dumps``) with DEL, C1 controls and bidi overrides written
    as ``\\u`` escapes: the same data, still valid JSON, nothing a terminal acts on.
    ``json.dumps`` already escapes C0 controls; these may only occur inside strings."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)

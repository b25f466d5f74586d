"""Hypothesis strategies for hostile KB folders, shared by the fuzz tests.

A generated KB holds entries whose file and folder names, titles (``# Title`` or the
bare-heading format), bodies, Related lines and reading-path steps mix escape
sequences, C0/C1 controls, bidi overrides, Rich/Textual markup, ``../`` steps, NUL
bytes, very long words and odd Unicode, plus symlinks and links to a secret file that
lies outside the KB. Names stay valid for the file system (no ``/``, no NUL, at most
200 bytes); on a file system that allows it, one name is not UTF-8 at all.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# What a terminal may act on: C0 controls but TAB and LF, DEL, C1, bidi overrides and
# isolates, and lone surrogates (undecodable file-name bytes that were not replaced).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# Bounded and reproducible in CI: no example database, the same examples every run.
def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure shows as found
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


ESCAPES = [
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write to the clipboard
    "\x1b]2;pwned title\x07",  # OSC 2: set the window title
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b[6n",  # CSI: ask the terminal to answer
    "\x9b31m",  # C1 CSI
    "\x9d0;c1 osc\x9c",
    "\x07",
    "\x08\x08",
    "\r",
    "\x0b\x0c",
    "\x7f",
    "\x85",
    "\x00",
]
BIDI = ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069"]
MARKUP = [
    "[b]",
    "[/]",
    "[bold red]",
    "[/bold red]",
    "[@click=app.quit]",
    "[@click=app.quit]press[/]",
    "[link=file:///etc/passwd]passwd[/link]",
    "[",
    "]",
    "[[",
    "\\[b]",
]
ODD = ["\u0301", "\ufeff", "\u200b", "\u2028", "𝕏", "💥", "ﷺ", "ǅ", "ß", "İ", "\ufffd", "e\u0308"]
WORDS = ["alpha", "organising", "strike", "neighbours", "x", "a-b", "#", "*", "`", "|", "<b>"]
PIECES = ESCAPES + BIDI + MARKUP + ODD + WORDS + [" ", "../", "..", "\t"]

# Pieces that cannot go into a file name (the file system refuses them).
_NOT_IN_NAMES = ("/", "\x00")


def _name_ok(name: str) -> bool:
    return (
        name not in ("", ".", "..")
        and not any(bad in name for bad in _NOT_IN_NAMES)
        and len(os.fsencode(name + ".md")) <= 200
    )


hostile_text = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
long_word = st.integers(min_value=200, max_value=3000).map(lambda n: "w" * n)
file_name = (
    st.lists(
        st.sampled_from([p for p in PIECES if not any(b in p for b in _NOT_IN_NAMES)]),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .map(lambda name: name.strip() or "blank")
    .filter(_name_ok)
)


@dataclass(frozen=True)
class Entry:
    folder: str | None
    name: str
    title: str
    bare_format: bool
    body: str
    related: tuple[str, ...]


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    return Entry(
        folder=draw(st.none() | file_name),
        name=draw(file_name),
        title=draw(hostile_text),
        bare_format=draw(st.booleans()),
        body=draw(st.lists(hostile_text | long_word, max_size=4).map(" ".join)),
        related=tuple(draw(st.lists(hostile_text | st.sampled_from(CLIMBS), max_size=3))),
    )


# Links that try to leave the KB for the secret ("SECRET" is replaced by its path).
CLIMBS = ["../secret", "../../secret", "../secret.md", "SECRET", "file://SECRET", "~/secret"]


@dataclass(frozen=True)
class Built:
    root: Path
    token: str
    secret: Path
    path_name: str  # the reading path's file name, without .md


def entry_text(entry: Entry, secret: Path) -> str:
    related = "\n".join(f"- {r.replace('SECRET', str(secret))}" for r in entry.related)
    if entry.bare_format:  # the user's format: headings as bare lines, no "#"
        return f"{entry.title}\nSummary\n{entry.body}\nBody\n{entry.body}\nRelated\n{related}\n"
    sections = f"## Summary\n{entry.body}\n\n## Body\n{entry.body}\n\n## Related\n{related}\n"
    return f"# {entry.title}\n\n{sections}"


def build_kb(base: Path, generated: list[Entry], steps: list[str]) -> Built:
    """Write the KB under ``base/kb``, the secret beside it (outside), and the traps."""
    token = f"SECRET-{uuid.uuid4().hex}"
    secret = base / "secret.md"
    secret.write_text(f"# {token}\n\n## Summary\n{token}\n", encoding="utf-8")
    (base / "secret").write_text(token, encoding="utf-8")
    root = base / "kb"
    root.mkdir()
    for entry in generated:
        folder = root / entry.folder if entry.folder else root
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entry.name}.md").write_text(entry_text(entry, secret), encoding="utf-8")
    (root / "leak.md").symlink_to(secret)
    (root / "deep").mkdir(exist_ok=True)
    (root / "deep" / "climb.md").symlink_to(Path("..") / ".." / "secret.md")
    (root / "outside").symlink_to(base, target_is_directory=True)
    try:  # a name that is not UTF-8 at all, where the file system allows it
        raw = os.path.join(os.fsencode(root), b"caf\xe9-\xff\x1b[31m.md")
        with open(raw, "wb") as handle:
            handle.write(b"# Latin \xe9 \x1b]2;x\x07\n\n## Summary\nBytes.\n")
    except OSError:
        pass
    (root / "paths").mkdir(exist_ok=True)
    lines = [f"{n}. {step.replace('SECRET', str(secret))}" for n, step in enumerate(steps, 1)]
    (root / "paths" / "fuzzed.md").write_text(
        "# Fuzzed [b]path[/] \x1b[31m\n\nIntro \u202e.\n\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return Built(root, token, secret, "fuzzed")


path_steps = st.lists(
    hostile_text | st.sampled_from([*CLIMBS, "leak", "deep/climb", "outside/secret"]),
    min_size=1,
    max_size=4,
)


def unsafe_in(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})

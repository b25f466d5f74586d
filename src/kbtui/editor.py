"""Editing an entry in the user's own editor: the command to run, at the right line.

No Textual here: the TUI suspends itself (``App.suspend``) and runs
:func:`editor_command`'s command; a script could do the same. The editor comes from
``$VISUAL``, then ``$EDITOR`` (as a shell would split it: ``code --wait`` works);
editors known to take a line number are given one in the form each understands.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

from kbtui.kb.model import Entry

NO_EDITOR = (
    "No editor is set: set VISUAL or EDITOR to the editor you use "
    "(for example `export EDITOR=nano`) and try again."
)

# Editors that open a file at a line given as `+LINE` before the file.
PLUS_LINE = frozenset(
    {
        "vi",
        "vim",
        "nvim",
        "gvim",
        "mvim",
        "view",
        "vis",
        "ex",
        "nano",
        "pico",
        "rnano",
        "emacs",
        "emacsclient",
        "micro",
        "kak",
        "joe",
        "jed",
        "ne",
        "mcedit",
        "gedit",
        "kate",
        "mg",
        "jove",
    }
)
# Editors that take `FILE:LINE`.
FILE_COLON_LINE = frozenset({"hx", "helix", "subl", "sublime_text", "zed"})
# Editors that take `--goto FILE:LINE`.
GOTO = frozenset({"code", "code-insiders", "codium", "cursor"})


def editor_from(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The editor command (split into words) from VISUAL, else EDITOR; None if unset."""
    env = os.environ if env is None else env
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if not value:
            continue
        try:
            words = shlex.split(value)
        except ValueError:  # an unbalanced quote: take it as one program name
            words = [value]
        if words:
            return words
    return None


def editor_name(command: list[str]) -> str:
    """The editor's program name, without its folder or a Windows ``.exe``."""
    name = Path(command[0]).name.lower()
    return name.removesuffix(".exe")


def editor_command(
    path: Path, line: int | None = None, env: Mapping[str, str] | None = None
) -> list[str] | None:
    """The command that opens ``path`` in the user's editor, at ``line`` where the
    editor takes one; None when no editor is set (then show :data:`NO_EDITOR`)."""
    command = editor_from(env)
    if command is None:
        return None
    file = str(path)
    if not line or line < 1:
        return [*command, file]
    name = editor_name(command)
    if name in PLUS_LINE:
        return [*command, f"+{line}", file]
    if name in FILE_COLON_LINE:
        return [*command, f"{file}:{line}"]
    if name in GOTO:
        return [*command, "--goto", f"{file}:{line}"]
    return [*command, file]  # an editor we do not know: the file, at its top


def section_line(entry: Entry, name: str | None) -> int:
    """The line of ``entry``'s section called ``name`` in its file (the first of that
    name; 1 when it has none, or no name is given)."""
    if name:
        wanted = name.casefold()
        for section in entry.sections:
            if section.name.casefold() == wanted and section.line:
                return section.line
    return 1

"""``kbtui export`` (handouts) and ``kbtui present`` (the presenter view)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kbtui.cli.errors import UsageError
from kbtui.cli.output import say
from kbtui.paths import resolve_kb


def add_training_commands(commands: Any, add_kb: Callable[..., None]) -> None:
    export = commands.add_parser(
        "export", help="write a printable handout of an entry or a reading path"
    )
    export.add_argument("slug", metavar="SLUG", nargs="?", help="the entry to export")
    export.add_argument("--path", metavar="NAME", help="export this reading path instead")
    export.add_argument(
        "--format",
        choices=("html", "md"),
        default="html",
        help="html (for print, the default) or md",
    )
    export.add_argument(
        "--edition",
        choices=("participant", "trainer"),
        default="participant",
        help="a reading path's handout for participants (the default: no trainer notes) "
        "or for the trainer (with each step's note and planned minutes)",
    )
    export.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_kb(export, argparse.SUPPRESS)

    present = commands.add_parser("present", help="present a reading path, one step at a time")
    present.add_argument("path", metavar="PATH", help="the reading path (e.g. first-training)")
    add_kb(present, argparse.SUPPRESS)


def cmd_export(args: argparse.Namespace) -> int:
    from kbtui.export import ExportError, make_handout, render, write_new
    from kbtui.library import Library

    if bool(args.slug) == bool(args.path):
        raise UsageError("Name either an entry (SLUG) or a reading path (--path NAME), not both.")
    kb = Library(resolve_kb(getattr(args, "kb", None))).load_all()
    try:
        handout = make_handout(kb, args.path or args.slug, bool(args.path), args.edition)
        written = write_new(Path(args.output), render(kb, handout, args.format), args.force)
    except ExportError as error:
        raise UsageError(str(error)) from None
    count = len(handout.items) + len(handout.appendix)
    edition = f"{handout.edition} edition, " if handout.edition else ""
    say(f"Wrote {written} ({args.format}, {edition}{count} entr{'y' if count == 1 else 'ies'}).")
    return 0


def cmd_present(args: argparse.Namespace) -> int:
    from kbtui.export import ExportError, find_path
    from kbtui.library import Library

    root = resolve_kb(getattr(args, "kb", None))
    try:
        path = find_path(Library(root).load_all(render=False), args.path)
    except ExportError as error:
        raise UsageError(str(error)) from None
    from kbtui.ui.app import KBApp

    app = KBApp(root, present=path.slug)
    app.run()
    return app.return_code or 0

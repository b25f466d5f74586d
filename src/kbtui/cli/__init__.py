"""Command line: ``kbtui`` launches the TUI; subcommands script the KB without Textual."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from kbtui import __version__
from kbtui.cli.errors import UsageError
from kbtui.index.ahead import CheckAhead
from kbtui.kb.thresholds import STALE_DAYS, THIN_WORDS
from kbtui.paths import KBLocationError, resolve_kb

__all__ = ["UsageError", "build_parser", "main"]

# Each command's module is imported only when that command runs, so `kbtui check`
# never loads Whoosh or Textual.
COMMANDS = {
    "show": "kbtui.cli.kb_commands:cmd_show",
    "check": "kbtui.cli.kb_commands:cmd_check",
    "search": "kbtui.cli.search_commands:cmd_search",
    "index": "kbtui.cli.search_commands:cmd_index",
    "export": "kbtui.cli.training_commands:cmd_export",
    "present": "kbtui.cli.training_commands:cmd_present",
    "serve": "kbtui.cli.serve_command:cmd_serve",
}


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a closed terminal): raised where the command is, so it
    unwinds as after Ctrl+C - a build removes its folder, the index is left whole."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _stop_on_signals() -> None:
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, _stop)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help').\n")


def _add_kb(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--kb",
        metavar="PATH",
        default=default,
        help="the KB folder (default: $KBTUI_KB, else the KB bundled with kbtui)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kbtui",
        description="Read, search and walk an offline organising knowledge base.",
        epilog="Run without a command to open the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"kbtui {__version__}")
    _add_kb(parser)
    parser.add_argument("--open", metavar="SLUG", help="open this entry when the app starts")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    show = commands.add_parser("show", help="print one entry as plain text or JSON")
    show.add_argument("slug", metavar="SLUG")
    _add_kb(show, argparse.SUPPRESS)
    show.add_argument("--json", action="store_true", help="print JSON")

    check = commands.add_parser(
        "check",
        help="list every problem in the KB (exit 1 if any), and what to write next",
        description="Every problem, one per line as PATH:LINE: KIND: DETAIL, then the "
        "entries that links want written, most wanted first. Exits 1 when there are "
        "problems. Advice (--advice) never changes the exit status.",
    )
    _add_kb(check, argparse.SUPPRESS)
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument(
        "--advice",
        action="store_true",
        help="also list advice: thin, unverified and stale entries, uncited sources, "
        "unlinked mentions (entries alike enough to link: --kind consider-linking)",
    )
    check.add_argument(
        "--kind",
        action="append",
        metavar="KIND",
        help="only this kind of problem or advice (repeat, or separate with commas)",
    )
    check.add_argument(
        "--thin-below",
        type=_positive,
        default=THIN_WORDS,
        metavar="WORDS",
        help=f"thin-entry: a Body under this many words (default {THIN_WORDS})",
    )
    check.add_argument(
        "--stale-after",
        type=_positive,
        default=STALE_DAYS,
        metavar="DAYS",
        help=f"verification-stale: verified longer ago than this (default {STALE_DAYS} days)",
    )

    from kbtui.cli.search_commands import add_search_commands
    from kbtui.cli.serve_command import add_serve_command
    from kbtui.cli.training_commands import add_training_commands

    add_search_commands(commands, _add_kb)
    add_training_commands(commands, _add_kb)
    add_serve_command(commands, _add_kb)
    return parser


_VALUED = {"--kb", "--open"}  # the options before a command that take a value


def search_kb_ahead(argv: Sequence[str]) -> Path | None:
    """The KB ``kbtui search`` will open, read off its command line before the parser
    is built, or None if it is not a search (or the folder is not there).

    A guess made early so the stat pass can start early (kbtui.index.ahead): the
    search uses the pass only if it ran over the KB the parser then names."""
    words = iter(argv)
    command, kb = None, None
    for word in words:
        if word == "--":
            break
        name, equals, value = word.partition("=")
        if name == "--kb":
            kb = value if equals else next(words, None)
        elif name in _VALUED and not equals:
            next(words, None)
        elif command is None and not word.startswith("-"):
            command = word
    if command != "search":
        return None
    try:
        return resolve_kb(kb)
    except (KBLocationError, OSError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    kb = search_kb_ahead(words)
    # First thing, while this process has imports and parsing still to do.
    ahead = CheckAhead.start(kb) if kb is not None else None
    try:
        return _run(words, ahead)
    finally:
        if ahead is not None:
            ahead.close()


def _run(argv: Sequence[str], ahead: CheckAhead | None) -> int:
    args = build_parser().parse_args(argv)
    args.ahead = ahead
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        if args.command is None:
            from kbtui.cli.launch import launch_app

            return launch_app(args.kb, args.open)
        _stop_on_signals()
        module_name, function_name = COMMANDS[args.command].split(":")
        command = getattr(importlib.import_module(module_name), function_name)
        return int(command(args))
    except (KBLocationError, UsageError) as error:
        print(f"kbtui: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt as error:
        signum = error.signum if isinstance(error, Stopped) else signal.SIGINT
        how = "Ctrl+C" if signum == signal.SIGINT else signal.Signals(signum).name
        print(f"\nkbtui: stopped by {how} before finishing.", file=sys.stderr)
        return 128 + signum

"""``kbtui search`` and ``kbtui index``: the search index from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kbtui.cli.errors import UsageError
from kbtui.cli.output import say, say_json, warn
from kbtui.index.ahead import CheckAhead
from kbtui.kb.model import type_label
from kbtui.library import Library
from kbtui.paths import kb_display_name, resolve_kb

if TYPE_CHECKING:
    from kbtui.index.results import SyncReport


def add_search_commands(commands: Any, add_kb: Callable[..., None]) -> None:
    search = commands.add_parser("search", help="full-text search, ranked, with snippets")
    search.add_argument("query", metavar="QUERY", nargs="+", help="words to search for")
    add_kb(search, argparse.SUPPRESS)
    search.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits")
    search.add_argument("--json", action="store_true", help="print JSON")

    index = commands.add_parser("index", help="bring the search index up to date")
    add_kb(index, argparse.SUPPRESS)
    index.add_argument("--rebuild", action="store_true", help="rebuild it from scratch")


class ProgressBar:
    """A one-line progress bar on a terminal's stderr; silent when not a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        percent = done * 100 // total
        if percent == self.last:
            return
        self.last = percent
        filled = percent * 30 // 100
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _open_index(
    args: argparse.Namespace, rebuild: bool = False, listing: bool = True, ahead: bool = False
) -> tuple[Library, SyncReport]:

    root = resolve_kb(getattr(args, "kb", None))
    # The stat pass runs in a child meanwhile: started by main before the parser was
    # built, if it read the same KB off the command line; else here, before Whoosh.
    check: CheckAhead | None = getattr(args, "ahead", None)
    if check is not None and (not ahead or rebuild or check.root != root):
        check.close()
        check = None
    if check is None and ahead and not rebuild:
        check = CheckAhead.start(root)
    library = Library(root)
    try:
        report = library.open_index(
            progress=ProgressBar("Indexing"), rebuild=rebuild, listing=listing, ahead=check
        )
    finally:
        if check is not None:
            check.close()
    if report is None:
        raise UsageError(f"The search index could not be opened ({library.index_error}).")
    for notice in report.notices:
        warn(notice)
    return library, report


def cmd_search(args: argparse.Namespace) -> int:

    if args.limit < 1:
        raise UsageError("--limit must be a whole number of at least 1.")
    text = " ".join(args.query)
    library, _ = _open_index(args, listing=False, ahead=True)  # hits name their titles
    result = library.search(text, limit=args.limit)
    if args.json:
        say_json(
            {
                "query": text,
                "hits": [
                    {
                        "slug": hit.slug,
                        "title": hit.title,
                        "type": hit.type,
                        "score": hit.score,
                        "snippet": hit.snippet_text,
                    }
                    for hit in result.hits
                ],
                "suggestion": result.suggestion,
            }
        )
    else:
        for number, hit in enumerate(result.hits, 1):
            say(f"{number:>2}. {hit.title}  ({hit.slug}, {type_label(hit.type).lower()})")
            if hit.snippet:
                say(f"    {hit.snippet_marked('«', '»')}")
        if not result.hits:
            hint = f" Did you mean: {result.suggestion}?" if result.suggestion else ""
            say(f"No entries match {text!r}.{hint}")
            if result.note:
                say(result.note)
    return 0 if result.hits else 1


def cmd_index(args: argparse.Namespace) -> int:
    library, report = _open_index(args, rebuild=args.rebuild)
    where = "in memory" if library.in_memory else str(library.index.folder)
    name = kb_display_name(library.root)
    say(f"{name}: {report.describe()}; {library.index.doc_count()} entries ({where}).")
    return 0

"""The problems view: what `kbtui check` finds, grouped by kind and by entry, kept up to
date as the KB changes. Enter jumps to the entry (and its section)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kbtui.kb.boundary import display, display_name
from kbtui.kb.model import Problem
from kbtui.ui.base import kb_app
from kbtui.ui.messages import GraphReady


@dataclass(frozen=True)
class Jump:
    """Where a chosen problem leads: an entry, and the section to show."""

    slug: str
    section: str | None


class ProblemsScreen(ModalScreen[Jump | None]):
    """Problems first (they fail `kbtui check`), then advice; Enter jumps, Esc closes."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="curate.problems-close"),
        Binding("r", "reload", "Check again", id="curate.problems-reload"),
    ]

    @dataclass
    class _Checked(Message):
        problems: list[Problem]
        advice: list[Problem]

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box"):
            yield Static(Text("Checking the KB…", style="bold"), id="problems-title")
            yield OptionList(id="problems-list")
            yield Static(Text("Enter opens the entry · r checks again · Esc closes", style="dim"))

    def on_mount(self) -> None:
        self._check()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _check(self) -> None:
        from kbtui.kb.advice import advise
        from kbtui.kb.checks import check

        kb = kb_app(self).library.load_all(render=False)
        self.post_message(self._Checked(check(kb), advise(kb)))

    @on(GraphReady)
    def _kb_changed(self) -> None:
        self._check()  # the files changed: the list follows

    def action_reload(self) -> None:
        self._check()

    @on(_Checked)
    def _show(self, message: _Checked) -> None:
        listing = self.query_one("#problems-list", OptionList)
        options: list[Option | None] = []
        self._jumps: dict[str, Jump] = {}
        for heading, found in (("Problems", message.problems), ("Advice", message.advice)):
            if not found:
                continue
            by_kind: dict[str, dict[str, list[Problem]]] = defaultdict(lambda: defaultdict(list))
            for problem in found:
                by_kind[problem.kind][problem.slug].append(problem)
            if options:
                options.append(None)
            options.append(
                Option(Text(f"{heading} ({len(found)})", style="bold reverse"), disabled=True)
            )
            for kind, entries in sorted(by_kind.items()):
                count = sum(len(v) for v in entries.values())
                options.append(Option(Text(f"{kind} ({count})", style="bold"), disabled=True))
                for slug, problems in sorted(entries.items()):
                    for problem in problems:
                        ident = f"/{len(self._jumps)}"
                        section = problem.sections[0] if problem.sections else None
                        self._jumps[ident] = Jump(slug, section)
                        label = Text("  ")
                        label.append(display_name(problem.where()), style="dim")
                        label.append("  ")
                        label.append(display(problem.detail))
                        options.append(Option(label, id=ident))
        if not options:
            options.append(Option(Text("Nothing to fix: the KB is clean.", style="italic")))
        listing.set_options(options)
        title = Text(f"{len(message.problems)} problems", style="bold")
        title.append(f" · {len(message.advice)} pieces of advice", style="dim")
        self.query_one("#problems-title", Static).update(title)
        listing.focus()

    @on(OptionList.OptionSelected, "#problems-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        jump = getattr(self, "_jumps", {}).get(event.option.id or "")
        if jump is not None:
            self.dismiss(jump)

    def action_close(self) -> None:
        self.dismiss(None)

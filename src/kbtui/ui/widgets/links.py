"""Focusable, clickable links between entries."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static


class EntryLink(Static, can_focus=True):
    """One link in the reader: Enter or a click follows it; a missing target says so."""

    BINDINGS = [Binding("enter", "follow", "Follow link", id="link.follow")]

    @dataclass
    class Followed(Message):
        link: EntryLink
        slug: str | None
        target: str

        @property
        def control(self) -> EntryLink:
            return self.link

    def __init__(
        self,
        target: str,
        slug: str | None,
        title: str | None,
        detail: str = "",
        outside: bool = False,
        show_slug: bool = True,
    ) -> None:
        self.target = target
        self.slug = slug
        self.outside = outside
        label = Text(no_wrap=False, overflow="fold")
        if slug is not None:
            label.append("→ ", style="bold")
            label.append(title or slug, style="underline")
            if show_slug and title and title != slug:
                label.append(f"  {slug}", style="dim")
        else:
            label.append("✗ ", style="bold")
            label.append(target, style="strike")
            label.append("  outside the KB" if outside else "  not in this KB", style="italic")
        if detail:
            label.append(f"  {detail}", style="dim")
        super().__init__(label, classes="entry-link" + (" -missing" if slug is None else ""))
        self.tooltip = Text(f"Open {slug}" if slug else f"{target!r} is not an entry in this KB")

    def action_follow(self) -> None:
        self.post_message(self.Followed(self, self.slug, self.target))

    def on_click(self) -> None:
        self.focus()
        self.action_follow()

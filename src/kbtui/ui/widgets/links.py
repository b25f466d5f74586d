"""Focusable, clickable links between entries, and the area that follows them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static

from kbtui.kb.boundary import display, display_name
from kbtui.ui.base import kb_app
from kbtui.ui.messages import MissingLink, OpenEntry

CITE = "cite:"  # the href prefix of a [source: x] citation in rendered Markdown


class EntryLink(Static, can_focus=True):
    """One link: Enter or a click follows it; a missing target says so."""

    BINDINGS = [
        Binding("enter", "follow", "Follow the link", id="link.follow"),
        Binding("question_mark", "app.help", "Help", id="link.help"),
    ]

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
            label.append(display_name(title or slug), style="underline")
            if show_slug and title and title != slug:
                label.append(f"  {display_name(slug)}", style="dim")
        else:
            label.append("✗ ", style="bold")
            label.append(display_name(target), style="strike")
            label.append("  outside the KB" if outside else "  not in this KB", style="italic")
        if detail:
            label.append(f"  {display(detail)}", style="dim")
        super().__init__(label, classes="entry-link" + (" -missing" if slug is None else ""))
        self.tooltip = Text(
            f"Open {display_name(slug)}" if slug else f"{target!r} is not an entry in this KB"
        )

    def action_follow(self) -> None:
        self.post_message(self.Followed(self, self.slug, self.target))

    def on_click(self) -> None:
        self.focus()
        self.action_follow()


class LinkArea(VerticalScroll):
    """A scrolling area whose links (EntryLinks, and links in its Markdown) are followed
    here: a link to an entry posts :class:`OpenEntry`; a missing or outside one says so.
    The reader and the presenter are both one."""

    @on(EntryLink.Followed)
    def _link_followed(self, message: EntryLink.Followed) -> None:
        message.stop()
        if message.slug is None:
            self._missing(message.target, message.link.outside)
        else:
            self.post_message(OpenEntry(message.slug))

    @on(Markdown.LinkClicked)
    def _markdown_link(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        href = message.href
        target = href.removeprefix(CITE)
        slug, outside = kb_app(self).library.resolve(target)
        if slug is None:
            self._missing(target, outside)
        else:
            self.post_message(OpenEntry(slug))

    def _missing(self, target: str, outside: bool) -> None:
        self.post_message(MissingLink(target, outside))  # the screen decides what to offer


def missing_notice(node: Widget, target: str, outside: bool, offer: str = "") -> None:
    """Say that a link leads nowhere in the KB (what every screen says, in one place)."""
    if outside:
        node.notify(
            f"{display_name(target)!r} is outside the KB; kbtui works offline and opens "
            "only KB entries.",
            severity="warning",
            markup=False,
        )
    else:
        node.notify(
            f"{display_name(target)!r} is not an entry in this KB.{offer}",
            title="Missing link",
            severity="warning",
            markup=False,
        )

"""Command palette providers: jump to any entry by fuzzy title, and app commands."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from kbtui.kb.boundary import display_name
from kbtui.ui.base import kb_app
from kbtui.ui.messages import OpenEntry


def shown(text: str) -> Content:
    """KB text (a title) for a palette line: through the boundary, as plain content."""
    return Content(display_name(text))


def help_line(text: str) -> str:
    """KB text for a palette help line, which Textual reads as markup: escaped."""
    return escape(display_name(text))


def highlighted(matcher: Matcher, text: str) -> Content:
    """``matcher.highlight`` without reading ``text`` as markup (it would run a title's
    ``[@click=...]`` or crash on ``[/]``): the matched letters styled on plain text."""
    plain = display_name(text)
    content = Content(plain)
    score, offsets = matcher.fuzzy_search.match(matcher.query, plain)
    if score:
        for offset in offsets:
            if not plain[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class EntryCommands(Provider):
    """Ctrl+P, then type part of a title: Enter opens that entry."""

    def _entries(self) -> list[tuple[str, str]]:
        return [(entry.slug, entry.title) for entry in kb_app(self.screen).library.outlines]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for slug, title in self._entries():
            score = max(matcher.match(title), matcher.match(slug) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, title),
                    partial(self._open, slug),
                    text=display_name(title),
                    help=help_line(slug),
                )

    def _open(self, slug: str) -> None:
        self.screen.post_message(OpenEntry(slug, read=True))  # a presenter makes it a detour


Command = tuple[Content, Callable[[], object], str]  # what it says, what it does, help

# kbtui's own commands, in the order the palette lists them: (name, app action, help).
APP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Bookmarks: show the list", "action_show_bookmarks", "Open your bookmarks"),
    ("Help: every key, by what it does", "action_help", "All keys, grouped"),
    ("Theme: switch between dark and light", "action_toggle_dark", "Use the other theme"),
    (
        "Export: this entry or path as an HTML handout",
        "action_export_html",
        "A self-contained file for print",
    ),
    ("Export: this entry or path as Markdown", "action_export_md", "A Markdown file"),
    (
        "Share with the room: the KB on participants' phones",
        "action_share_room",
        "Start the web reader, show its address and QR code",
    ),
    ("Problems: what to fix in this KB", "action_problems", "kbtui check, in the app"),
    ("Search: rebuild the index", "action_rebuild_index", "Rebuild the search index"),
    ("Quit", "action_quit", "Leave kbtui"),
)


class KBCommands(Provider):
    """Every command, listed in one fixed order (one provider: the palette shows what
    it discovers in the order providers answer, so several would shuffle)."""

    def _commands(self) -> list[Command]:
        app = kb_app(self.screen)
        commands: list[Command] = []
        for slug in app.user.bookmarks[:10]:
            title = app.library.title_of(slug) or slug
            commands.append(
                (
                    Content("Open bookmark: ") + shown(title),
                    partial(self.screen.post_message, OpenEntry(slug, read=True)),
                    help_line(slug),
                )
            )
        for path in app.library.paths():
            commands.append(
                (
                    Content("Present: ") + shown(path.title),
                    partial(app.present, path.slug),
                    help_line(path.slug),
                )
            )
        for name, method, help_text in APP_COMMANDS:
            commands.append((Content(name), getattr(app, method), help_text))
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name.plain)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name.plain),
                    callback,
                    text=name.plain,
                    help=help_text,
                )

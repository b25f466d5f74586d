"""Command palette providers: jump to any entry by fuzzy title, and app commands."""

from __future__ import annotations

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

    async def discover(self) -> Hits:
        app = kb_app(self.screen)
        for slug in app.user.bookmarks[:10]:
            title = app.library.title_of(slug) or slug
            yield DiscoveryHit(
                Content("Open bookmark: ") + shown(title),
                partial(self._open, slug),
                help=help_line(slug),
            )

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
        self.screen.post_message(OpenEntry(slug))  # the main screen opens it; a presenter detours


class PathCommands(Provider):
    """Present any reading path from the palette."""

    def _paths(self) -> list[tuple[str, str]]:
        return [(path.slug, path.title) for path in kb_app(self.screen).library.paths()]

    def _present(self, slug: str) -> None:
        kb_app(self.screen).present(slug)

    async def discover(self) -> Hits:
        for slug, title in self._paths():
            yield DiscoveryHit(
                Content("Present: ") + shown(title),
                partial(self._present, slug),
                help=help_line(slug),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for slug, title in self._paths():
            name = f"Present: {title}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name),
                    partial(self._present, slug),
                    text=display_name(name),
                    help=help_line(slug),
                )


class AppCommands(Provider):
    """kbtui's own commands in the palette."""

    COMMANDS = (
        ("Theme: switch between dark and light", "action_toggle_dark", "Use the other theme"),
        ("Bookmarks: show the list", "action_show_bookmarks", "Open your bookmarks"),
        ("Help: show every key", "action_help", "All key bindings"),
        ("Search: rebuild the index", "action_rebuild_index", "Rebuild the search index"),
        (
            "Export: this entry or path as an HTML handout",
            "action_export_html",
            "A self-contained file for print",
        ),
        ("Export: this entry or path as Markdown", "action_export_md", "A Markdown file"),
    )

    def _command(self, method: str) -> None:
        getattr(self.app, method)()

    async def discover(self) -> Hits:
        for name, method, help_text in self.COMMANDS:
            yield DiscoveryHit(name, partial(self._command, method), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, method, help_text in self.COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._command, method), help=help_text
                )

"""Command palette providers: jump to any entry by fuzzy title, and app commands."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from kbtui.ui.base import kb_app
from kbtui.ui.messages import OpenEntry


class EntryCommands(Provider):
    """Ctrl+P, then type part of a title: Enter opens that entry."""

    def _entries(self) -> list[tuple[str, str]]:
        return [(entry.slug, entry.title) for entry in kb_app(self.screen).library.outlines]

    async def discover(self) -> Hits:
        app = kb_app(self.screen)
        for slug in app.user.bookmarks[:10]:
            title = app.library.title_of(slug) or slug
            yield DiscoveryHit(
                Text(f"Open bookmark: {title}"), partial(self._open, slug), help=slug
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for slug, title in self._entries():
            score = max(matcher.match(title), matcher.match(slug) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._open, slug),
                    text=title,
                    help=slug,
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
                f"Present: {title}",
                partial(self._present, slug),
                help=slug,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for slug, title in self._paths():
            name = f"Present: {title}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self._present, slug),
                    help=slug,
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

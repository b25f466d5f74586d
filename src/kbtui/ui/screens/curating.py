"""The main screen's actions for reading and for curating, kept beside the screen (which
only lays out and routes): scrolling the reader, and editing, creating and checking
entries. Mixed into :class:`~kbtui.ui.screens.main.MainScreen`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen

from kbtui.kb.boundary import display_name
from kbtui.ui.base import KBAppBase, kb_app
from kbtui.ui.messages import OpenEntry

if TYPE_CHECKING:
    from kbtui.ui.widgets.reader import Reader


class ReadingActions(Screen[None]):
    """Keys that move through the entry in the reader."""

    @property
    def reader(self) -> Reader:
        from kbtui.ui.widgets.reader import Reader

        return self.query_one(Reader)

    def action_page(self, direction: int) -> None:
        if direction > 0:
            self.reader.scroll_page_down()
        else:
            self.reader.scroll_page_up()

    def action_edge(self, end: int) -> None:
        if end:
            self.reader.scroll_end(animate=False)
        else:
            self.reader.scroll_home(animate=False)

    def action_section(self, direction: int) -> None:
        self.reader.jump_section(direction)

    def action_match(self, direction: int) -> None:
        if not self.reader.marked:
            self.notify("No searched words are marked here: search, then open a hit.", timeout=3)
        elif not self.reader.jump_match(direction):
            where = "below" if direction > 0 else "above"
            self.notify(f"No more sections with the searched words {where}.", timeout=3)


class CuratingActions(ReadingActions):
    """Edit the open entry, write a missing one, see the KB's problems."""

    open_after_refresh: str | None = None

    @property
    def kbapp(self) -> KBAppBase:
        return kb_app(self)

    def _create_and_edit(self, target: str) -> None:
        from kbtui.library import CannotCreate

        try:
            path = self.kbapp.library.create_entry(target)
        except CannotCreate as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.notify(f"Created {display_name(path.name)}.", timeout=4, markup=False)
        self._edit_file(path, 1, open_after=path)

    def action_edit(self) -> None:
        """Open the entry in $VISUAL / $EDITOR at the section in view; back in the app,
        the entry, the list, the index and the links follow, and the reader keeps its
        place."""
        entry = self.reader.entry
        if entry is None:
            self.notify("Open an entry first, then press e to edit it.", timeout=4)
            return
        from kbtui.editor import section_line

        line = section_line(entry, self.reader.section_in_view())
        self._edit_file(self.kbapp.library.root / entry.path, line)

    def _edit_file(self, path: Path, line: int, open_after: Path | None = None) -> None:
        import subprocess

        from textual.app import SuspendNotSupported

        from kbtui.editor import NO_EDITOR, editor_command

        command = editor_command(path, line)
        if command is None:
            self.notify(NO_EDITOR, title="Edit", severity="warning", timeout=10, markup=False)
            return
        try:
            with self.app.suspend():
                done = subprocess.run(command, check=False)
        except SuspendNotSupported:  # no terminal to hand over (a test, a web front end)
            done = subprocess.run(command, check=False, capture_output=True)
        except OSError as error:
            self.notify(
                f"The editor could not be started: {error.strerror or error}.",
                severity="error",
                markup=False,
            )
            return
        if done.returncode:
            self.notify(f"The editor ended with status {done.returncode}.", severity="warning")
        slug = None
        if open_after is not None:
            relative = open_after.relative_to(self.kbapp.library.root).as_posix()
            slug = relative.rsplit(".", 1)[0].lower()
        self._refresh_worker(slug)

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _refresh_worker(self, open_slug: str | None) -> None:
        # The entry to open once the KB is in step: index_ready opens it instead of
        # reading the open entry again (two opens racing would leave either on screen).
        self.open_after_refresh = open_slug
        try:
            self.kbapp.library.refresh()  # announces the listing, IndexReady, GraphReady
        except Exception as error:  # anything a sync can raise: said, and the app goes on
            self.app.call_from_thread(
                self.notify,
                f"The KB could not be brought up to date: {type(error).__name__}: {error}",
                severity="error",
                markup=False,
            )
        if open_slug is not None:  # an open of the same entry twice does no harm
            self.post_message(OpenEntry(open_slug, read=True))

    def action_problems(self) -> None:
        from kbtui.ui.screens.problems import Jump, ProblemsScreen

        def jumped(jump: Jump | None) -> None:
            if jump is not None:
                self.post_message(OpenEntry(jump.slug, read=True))

        self.app.push_screen(ProblemsScreen(), jumped)

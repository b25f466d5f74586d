"""The kbtui Textual app: holds the KB session and the user's state, and the screens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding
from textual.message import Message

from kbtui.library import IndexReady, Library, LibraryEvent
from kbtui.state import StateChange, UserState
from kbtui.ui.base import KBAppBase
from kbtui.ui.commands import EntryCommands, KBCommands
from kbtui.ui.messages import UserStateChanged, message_for
from kbtui.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from kbtui.watch import KBWatcher
    from kbtui.web.server import RoomServer

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


@dataclass
class _LibraryNews(Message):
    """An event of the KB session, perhaps from another thread: relayed to every screen."""

    event: LibraryEvent


@dataclass
class _StateNews(Message):
    """The user's state changed, perhaps on another thread: relayed to the UI thread."""

    change: StateChange


class KBApp(KBAppBase):
    """Read, search and walk an offline knowledge base."""

    CSS_PATH = "app.tcss"
    TITLE = "kbtui"
    # Our providers only: Textual's system commands would add a second theme command and
    # "Keys" beside our help (Quit is among ours).
    COMMANDS = {KBCommands, EntryCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", show=False, id="app.help"),
        Binding("ctrl+t", "toggle_dark", "Switch dark / light theme", show=False, id="app.theme"),
        Binding("ctrl+p", "command_palette", "Command palette", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        kb_root: Path,
        open_slug: str | None = None,
        save: bool = True,
        present: str | None = None,
        watch: bool = True,
        room_host: str = "0.0.0.0",
        room_port: int = 8765,
    ) -> None:
        super().__init__()
        self.follow_files = watch  # follow changes to the KB's files
        self.room_server: RoomServer | None = None
        self.room_host, self.room_port = room_host, room_port
        self._watcher: KBWatcher | None = None
        self.library = Library(kb_root)
        self.user = UserState(str(kb_root), persist=save)
        self.open_slug = open_slug
        self.present_slug = present
        self.library.subscribe(self._library_event)
        self.user.subscribe(lambda change: self.post_message(_StateNews(change)))
        if self.user.theme in (DARK_THEME, LIGHT_THEME):
            self.theme = self.user.theme

    main_screen: MainScreen

    def get_default_screen(self) -> MainScreen:
        # The main screen is the app's first screen: no blank default screen is
        # composed and then covered, so the list paints a frame sooner.
        self.main_screen = MainScreen(self.open_slug)
        return self.main_screen

    def on_mount(self) -> None:
        if self.present_slug:
            self.present(self.present_slug, then_exit=True)
        if self.user.notice:
            self.notify(
                self.user.notice, title="Saved state", severity="warning", timeout=10, markup=False
            )

    def on_unmount(self) -> None:
        if self.room_server is not None:
            self.room_server.stop()
        if self._watcher is not None:
            self._watcher.stop()
        self.library.close()

    def _library_event(self, event: LibraryEvent) -> None:
        """On whichever thread did the work: post_message is thread-safe."""
        self.post_message(_LibraryNews(event))

    @on(_LibraryNews)
    def _library_news(self, message: _LibraryNews) -> None:
        """Every screen hears of the KB session's news (the problems view follows too)."""
        for screen in self.screen_stack:
            screen.post_message(message_for(message.event))
        if isinstance(message.event, IndexReady) and self.follow_files and self._watcher is None:
            self._start_watching()

    def _start_watching(self) -> None:
        """Follow the KB's files from now on: edits, additions, renames, removals."""
        from kbtui.watch import KBWatcher

        self._watcher = KBWatcher(self.library)
        self._watcher.start()

    # -- the user's state -----------------------------------------------------------------

    @on(_StateNews)
    def _state_news(self, message: _StateNews) -> None:
        for screen in self.screen_stack:
            screen.post_message(UserStateChanged(message.change))
        self.save_state()

    def save_state(self) -> None:
        self._save_worker()

    @work(thread=True, exclusive=True, group="state", exit_on_error=False)
    def _save_worker(self) -> None:
        try:
            self.user.save()
        except OSError as error:
            self.call_from_thread(
                self.notify,
                f"Could not save your history and bookmarks ({error.strerror or error}).",
                severity="warning",
                markup=False,
            )

    # -- actions ---------------------------------------------------------------------

    def open_entry(self, slug: str) -> None:
        from kbtui.ui.messages import OpenEntry

        self.main_screen.post_message(OpenEntry(slug))

    def present(self, path_slug: str, then_exit: bool = False) -> None:
        from kbtui.ui.screens.presenter import PresenterScreen

        def left(_: None) -> None:
            if then_exit:  # `kbtui present PATH`: Esc ends at the shell
                self.exit()

        self.push_screen(PresenterScreen(path_slug), left)

    def action_export(self, fmt: str = "html") -> None:
        """Export the open entry (or reading path) as a handout, asking for the folder."""
        from kbtui.ui.screens.export import ExportScreen

        entry = self.main_screen.reader.entry
        if entry is None:
            self.notify("Open an entry or a reading path first, then export it.")
            return

        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self._export_worker(entry.slug, entry.type == "path", fmt, folder)

        what = f"“{entry.title}” as {'HTML' if fmt == 'html' else 'Markdown'}"
        self.push_screen(ExportScreen(what, Path.cwd()), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export_worker(self, slug: str, is_path: bool, fmt: str, folder: Path) -> None:
        from kbtui.export import ExportError, write_handout

        try:
            written = write_handout(self.library, slug, is_path, fmt, folder)
        except ExportError as error:
            self.call_from_thread(
                self.notify, str(error), title="Export", severity="error", markup=False
            )
            return
        self.call_from_thread(
            self.notify,
            f"Handout written to {written.resolve()}",
            title="Export",
            timeout=10,
            markup=False,
        )

    def help_groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The help screen's rows, from the live bindings of every pane."""
        from kbtui.ui.screens.help import binding_groups
        from kbtui.ui.widgets.links import EntryLink

        main = self.main_screen
        links = main.reader.links()
        link = links[0] if links else EntryLink("example", "example", "Example")
        nodes = [main.reader, link, main, main.pane.search_box, main.pane.entry_list, self]
        return binding_groups(self, nodes)

    def action_help(self) -> None:
        from kbtui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_groups()))

    # -- the training room ---------------------------------------------------------------

    def action_share_room(self) -> None:
        """Start the web reader for the room (or show it, if it runs), with its panel."""
        if self.room_server is None:
            self._room_worker()
        else:
            self._show_room()

    @work(thread=True, exclusive=True, group="room", exit_on_error=False)
    def _room_worker(self) -> None:
        from kbtui.room import PresentersRoom
        from kbtui.web.process import RoomProcess
        from kbtui.web.server import RoomServerError

        # In a process of its own: serving the room never slows the trainer's keys.
        room = PresentersRoom()
        server = RoomProcess(self.library, room, host=self.room_host, port=self.room_port)
        try:
            server.start()
        except RoomServerError as error:
            self.call_from_thread(
                self.notify, str(error), title="Room", severity="error", markup=False
            )
            return
        self.call_from_thread(self._room_started, server)

    def _room_started(self, server: RoomServer) -> None:
        self.room_server = server
        self._show_room()

    def _show_room(self) -> None:
        from kbtui.ui.screens.room import RoomScreen

        if self.room_server is None:
            return

        def closed(stop: bool | None) -> None:
            if stop:
                self.stop_room()

        self.push_screen(RoomScreen(self.room_server), closed)

    def stop_room(self) -> None:
        if self.room_server is not None:
            self.room_server.stop()
            self.room_server = None
            self.notify("Stopped sharing with the room.", title="Room", timeout=4)

    def show_to_room(self, path_slug: str, step: int) -> None:
        """The presenter shows a step: followers' pages follow it."""
        if self.room_server is not None:
            self.room_server.room.show(path_slug, step)

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME
        self.user.set_theme(self.theme)

    def action_show_bookmarks(self) -> None:
        self.main_screen.action_show_bookmarks()

    def action_export_html(self) -> None:
        self.action_export("html")

    def action_export_md(self) -> None:
        self.action_export("md")

    def action_rebuild_index(self) -> None:
        self.main_screen.action_rebuild_index()

    def action_problems(self) -> None:
        self.main_screen.action_problems()

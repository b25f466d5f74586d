"""The kbtui Textual app: owns the user's state and the screens."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from kbtui.state import KBState, State, load_state, save_state
from kbtui.ui.commands import AppCommands, EntryCommands, PathCommands
from kbtui.ui.screens.main import MainScreen

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class KBApp(App[None]):
    """Read, search and walk an offline knowledge base."""

    CSS_PATH = "app.tcss"
    TITLE = "kbtui"
    COMMANDS = App.COMMANDS | {EntryCommands, PathCommands, AppCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+t", "toggle_dark", "Theme", show=False, id="app.theme"),
    ]

    def __init__(
        self,
        kb_root: Path,
        open_slug: str | None = None,
        save: bool = True,
        present: str | None = None,
    ) -> None:
        super().__init__()
        self.kb_root = kb_root
        self.open_slug = open_slug
        self.present_slug = present
        self.persist = save
        self.state: State = load_state()
        self.kb_state: KBState = self.state.for_kb(kb_root)
        self.main_screen: MainScreen | None = None
        if self.state.theme in (DARK_THEME, LIGHT_THEME):
            self.theme = self.state.theme

    def get_default_screen(self) -> MainScreen:
        # The main screen is the app's first screen: no blank default screen is
        # composed and then covered, so the list paints a frame sooner.
        self.main_screen = MainScreen(self.kb_root, self.open_slug)
        return self.main_screen

    def on_mount(self) -> None:
        if self.present_slug:
            self.present(self.present_slug)
        if self.state.notice:
            self.notify(
                self.state.notice, title="Saved state", severity="warning", timeout=10, markup=False
            )

    # -- state -----------------------------------------------------------------------

    def save_state(self) -> None:
        if self.persist:
            self._save_worker()

    @work(thread=True, exclusive=True, group="state", exit_on_error=False)
    def _save_worker(self) -> None:
        try:
            save_state(self.state)
        except OSError as error:
            self.call_from_thread(
                self.notify,
                f"Could not save your history and bookmarks ({error.strerror}).",
                severity="warning",
            )

    # -- actions ---------------------------------------------------------------------

    def open_entry(self, slug: str) -> None:
        from kbtui.ui.messages import OpenEntry

        if self.main_screen is not None:
            self.main_screen.post_message(OpenEntry(slug))

    def present(self, path_slug: str) -> None:
        from kbtui.ui.screens.presenter import PresenterScreen

        kb = self.main_screen.kb if self.main_screen is not None else None
        self.push_screen(PresenterScreen(self.kb_root, path_slug, kb))

    def action_export(self, fmt: str = "html") -> None:
        """Export the open entry (or reading path) as a handout, asking for the folder."""
        from kbtui.ui.screens.export import ExportScreen
        from kbtui.ui.widgets.reader import Reader

        if self.main_screen is None:
            return
        entry = self.main_screen.query_one(Reader).entry
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
        from kbtui.export import (
            ExportError,
            free_name,
            handout_for_entry,
            handout_for_path,
            render,
            write_new,
        )
        from kbtui.kb import load_kb

        try:
            kb = load_kb(self.kb_root)  # rendered Markdown: the browser's copy holds plain text
            handout = handout_for_path(kb, slug) if is_path else handout_for_entry(kb, slug)
            stem = slug.rsplit("/", 1)[-1]
            written = write_new(free_name(folder, stem, fmt), render(kb, handout, fmt))
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

    def action_help(self) -> None:
        from kbtui.ui.screens.help import HelpScreen
        from kbtui.ui.widgets.reader import Reader

        if isinstance(self.screen, HelpScreen) or self.main_screen is None:
            return
        main = self.main_screen
        groups = [
            ("Everywhere", self),
            ("Main screen", main),
            ("Entry list", main.entry_list),
            ("Reader", main.query_one(Reader)),
        ]
        links = main.query_one(Reader).links()
        if links:
            groups.append(("A link in the reader", links[0]))
        self.push_screen(HelpScreen(groups))

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME
        self.state.theme = self.theme
        self.save_state()

    def action_show_bookmarks(self) -> None:
        if self.main_screen is not None:
            self.main_screen.action_show_bookmarks()

    def action_export_html(self) -> None:
        self.action_export("html")

    def action_export_md(self) -> None:
        self.action_export("md")

    def action_rebuild_index(self) -> None:
        if self.main_screen is not None:
            self.main_screen.action_rebuild_index()

"""The presenter: a reading path one step at a time, large, high contrast, no chrome."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Digits, Markdown, Static

from kbtui.kb.model import Entry, LinkKind, SectionKey, type_label
from kbtui.library import EntryUnavailable, Library
from kbtui.ui.base import kb_app
from kbtui.ui.messages import MissingLink, OpenEntry
from kbtui.ui.screens.room import FollowersChanged
from kbtui.ui.widgets.entry_view import cite_links
from kbtui.ui.widgets.links import EntryLink, LinkArea, missing_notice

# Links offered in the presenter, in this order: where the room is likely to go next.
FOLLOWABLE = (LinkKind.EXAMPLE, LinkKind.RELATED, LinkKind.INLINE, LinkKind.CITATION)
LINK_LABELS = {
    LinkKind.EXAMPLE: "Worked examples",
    LinkKind.RELATED: "Related",
    LinkKind.INLINE: "Mentioned",
    LinkKind.CITATION: "Sources cited",
}
MAX_LINKS = 6  # per group


@dataclass
class _Loaded(Message):
    path: Entry | None
    entries: dict[str, Entry]


@dataclass
class _Detour(Message):
    entry: Entry


if TYPE_CHECKING:
    from kbtui.room import RoomChanged

now = time.monotonic  # the presenter's clock (a snapshot test stops it)


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def planned(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


class PresenterScreen(Screen[None]):
    """Space / → next, ← previous, Enter shows the body, Tab + Enter follow a link.

    One scrolling page (PgDn, ↓ and the wheel bring the body into view at 80x24), with
    the step's and the session's elapsed and planned time and the next step."""

    BINDINGS = [
        Binding("space", "next", "Next step", id="present.next"),
        Binding("right", "next", "Next step", show=False, id="present.next-alt"),
        Binding("left", "previous", "Previous step", id="present.previous"),
        Binding("enter", "toggle_body", "Show or hide the body", id="present.body"),
        Binding("backspace", "back_to_path", "Back to the path", id="present.back"),
        Binding("home", "first", "First step", show=False, id="present.first"),
        Binding("end", "last", "Last step", show=False, id="present.last"),
        Binding("pagedown", "scroll_page(1)", "Scroll down", show=False, id="present.page-down"),
        Binding("pageup", "scroll_page(-1)", "Scroll up", show=False, id="present.page-up"),
        Binding("down", "scroll_line(1)", "Scroll down a line", show=False, id="present.down"),
        Binding("up", "scroll_line(-1)", "Scroll up a line", show=False, id="present.up"),
        Binding("escape", "leave", "Leave the presenter", id="present.leave"),
    ]

    @dataclass
    class StepShown(Message):
        """The presenter shows step ``step`` (0-based) of ``path`` (the room follows)."""

        path: str
        step: int

    def __init__(self, path_slug: str) -> None:
        super().__init__()
        self.path_slug = path_slug
        self.path: Entry | None = None
        self.steps: list[Entry | None] = []
        self.notes: list[str] = []
        self.index = 0
        self.detour: Entry | None = None
        self.show_body = False
        self.started = now()
        self.step_started = self.started
        self.extra: Text | None = None  # how many devices follow, while sharing
        self._unfollow: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="present", can_focus=False):
            with Horizontal(id="present-head"):
                yield Digits("", id="present-number")
                with Vertical(id="present-head-text"):
                    yield Static("", id="present-where")
                    yield Static("", id="present-title")
                    yield Static("", id="present-clock")
            yield Static("", id="present-summary")
            yield Static("", id="present-note")
            yield LinkArea(id="present-body", can_focus=False)
            yield LinkArea(id="present-links", can_focus=False)
            yield Static("", id="present-next")
        yield Static(
            Text(
                "Space next · ← back · Enter body · PgDn scroll · Tab links · ⌫ path · Esc leave",
                style="dim",
            ),
            id="present-keys",
        )

    def _announce(self) -> None:
        """The step shown: to whoever listens, and to the room's followers."""
        if self.path is None:
            return
        self.post_message(self.StepShown(self.path.slug, self.index))
        kb_app(self).show_to_room(self.path.slug, self.index + 1)  # the room counts from 1

    def _followers(self, change: RoomChanged) -> None:  # on the room's thread
        self.post_message(FollowersChanged(change.followers))

    @on(FollowersChanged)
    def _followers_changed(self, message: FollowersChanged) -> None:
        noun = "device follows" if message.followers == 1 else "devices follow"
        self.extra = Text(f"{message.followers} {noun}", style="bold")
        self._tick()

    def on_unmount(self) -> None:
        if self._unfollow is not None:
            self._unfollow()
        server = kb_app(self).room_server
        if server is not None:
            server.room.clear()  # the presenter stopped: followers see the list again

    def on_mount(self) -> None:
        server = kb_app(self).room_server
        self._unfollow = server.room.subscribe(self._followers) if server else None
        if server is not None:
            self._followers_changed(FollowersChanged(server.room.followers))
        self.query_one("#present-where", Static).update(Text("Loading the reading path…"))
        self.set_interval(1.0, self._tick)
        self._load()

    def _tick(self) -> None:
        """The clock line: this step's and the session's time, elapsed and planned."""
        if self.path is None or not self.steps:
            return
        moment = now()
        step = self.path.steps[self.index]
        total = sum(s.minutes or 0 for s in self.path.steps)
        line = Text()
        line.append(f"step {clock(moment - self.step_started)}", style="bold")
        if step.minutes:
            line.append(f" of {planned(step.minutes)}")
            if moment - self.step_started > step.minutes * 60:
                line.append("  over time", style="bold reverse")
        line.append(f"   ·   session {clock(moment - self.started)}", style="bold")
        if total:
            line.append(f" of {planned(total)}")
        if self.extra is not None:
            line.append("   ·   ")
            line.append_text(self.extra)
        self.query_one("#present-clock", Static).update(line)

    @property
    def library(self) -> Library:
        return kb_app(self).library

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        library = self.library
        library.load_graph()  # the steps' links; at once if the app has it already
        path = self._read(self.path_slug)
        entries: dict[str, Entry] = {}
        if path is not None and path.type == "path":
            for step in path.steps:
                slug, _ = library.resolve(step.target)
                if slug and slug not in entries:
                    entry = self._read(slug)
                    if entry is not None:
                        entries[slug] = entry
        self.post_message(_Loaded(path if path and path.type == "path" else None, entries))

    def _read(self, slug: str) -> Entry | None:
        try:
            return self.library.read(slug)
        except EntryUnavailable:
            return None

    @on(_Loaded)
    async def loaded(self, message: _Loaded) -> None:
        self.path = message.path
        if self.path is None or not self.path.steps:
            what = "does not exist" if self.path is None else "has no steps"
            self.notify(
                f"The reading path {self.path_slug!r} {what}.", severity="error", markup=False
            )
            self.query_one("#present-where", Static).update(
                Text(f"Nothing to present: {self.path_slug} {what}. Esc leaves.")
            )
            return
        self.steps = []
        self.notes = []
        for step in self.path.steps:
            slug, _ = self.library.resolve(step.target)
            self.steps.append(message.entries.get(slug) if slug else None)
            self.notes.append(step.note)
        self.step_started = now()
        await self._show()
        self._announce()

    # -- showing ----------------------------------------------------------------------

    async def _show(self) -> None:
        if self.path is None or not self.steps:
            return
        entry = self.detour or self.steps[self.index]
        total = len(self.steps)
        number = self.index + 1
        self.query_one("#present-number", Digits).update(str(number))
        where = Text()
        where.append(self.path.title, style="bold")
        where.append(f"   step {number} of {total}")
        if self.detour is not None:
            where.append("   · a detour: Backspace returns to the step", style="italic")
        self.query_one("#present-where", Static).update(where)
        note = self.notes[self.index] if self.detour is None else ""
        if entry is None:
            target = self.path.steps[self.index].target
            self.query_one("#present-title", Static).update(Text(target, style="bold"))
            self.query_one("#present-summary", Static).update(
                Text("This step names an entry that is not in the KB (kbtui check lists it).")
            )
        else:
            title = Text(entry.title, style="bold")
            title.append(f"   {type_label(entry.type)}", style="dim")
            self.query_one("#present-title", Static).update(title)
            self.query_one("#present-summary", Static).update(
                Text(entry.summary or "(This entry has no summary yet.)")
            )
        note_widget = self.query_one("#present-note", Static)
        note_widget.update(Text.assemble(("Trainer's note  ", "bold"), note) if note else "")
        note_widget.display = bool(note)
        self.query_one("#present-next", Static).update(self._next_line())
        await self._fill_body(entry)
        await self._fill_links(entry)
        self._tick()

    def _next_line(self) -> Text:
        if self.path is None:
            return Text()
        if self.index + 1 >= len(self.steps):
            return Text("Last step.", style="dim")
        step = self.path.steps[self.index + 1]
        entry = self.steps[self.index + 1]
        line = Text("Next  ", style="bold")
        line.append(f"{step.number}. {entry.title if entry else step.target}")
        if step.minutes:
            line.append(f"  ·  {planned(step.minutes)}", style="dim")
        return line

    async def _fill_body(self, entry: Entry | None) -> None:
        body = self.query_one("#present-body", LinkArea)
        await body.remove_children()
        body.display = self.show_body and entry is not None
        if entry is None or not self.show_body:
            return
        widgets = []
        for section in entry.sections:
            if section.key in (
                SectionKey.SUMMARY,
                SectionKey.SOURCES,
                SectionKey.RELATED,
                SectionKey.WORKED_EXAMPLES,
            ):
                continue
            widgets.append(
                Markdown(
                    f"## {section.name or 'Notes'}\n\n" + cite_links(section.markdown),
                    open_links=False,
                )
            )
        await body.mount_all(widgets)
        body.scroll_home(animate=False)

    async def _fill_links(self, entry: Entry | None) -> None:
        """The entry's links, in groups labelled by their kind, where the room goes next."""
        row = self.query_one("#present-links", LinkArea)
        await row.remove_children()
        if entry is None:
            return
        seen: set[str] = set()
        widgets: list[Widget] = []
        for kind in FOLLOWABLE:
            links = []
            for resolved in self.library.links_of(entry.slug):
                slug = resolved.resolved
                if resolved.link.kind is not kind or not slug or slug in seen:
                    continue
                if slug == entry.slug:
                    continue
                seen.add(slug)
                title = self.library.title_of(slug) or slug
                links.append(EntryLink(resolved.link.target, slug, title, show_slug=False))
            if links:
                label = Static(Text(LINK_LABELS[kind], style="bold"), classes="present-label")
                widgets.append(label)
                widgets.extend(links[:MAX_LINKS])
        await row.mount_all(widgets)

    # -- actions --------------------------------------------------------------------------

    async def _go(self, index: int) -> None:
        if not self.steps:
            return
        self.index = max(0, min(len(self.steps) - 1, index))
        self.detour = None
        self.show_body = False
        self.step_started = now()
        self.set_focus(None)
        await self._show()
        self.query_one("#present", VerticalScroll).scroll_home(animate=False)
        self._announce()

    async def action_next(self) -> None:
        if self.index + 1 < len(self.steps) or self.detour is not None:
            await self._go(self.index + (0 if self.detour is not None else 1))
        else:
            self.notify("That was the last step.", timeout=2)

    async def action_previous(self) -> None:
        await self._go(self.index - 1)

    async def action_first(self) -> None:
        await self._go(0)

    async def action_last(self) -> None:
        await self._go(len(self.steps) - 1)

    async def action_toggle_body(self) -> None:
        self.show_body = not self.show_body
        await self._fill_body(self.detour or (self.steps[self.index] if self.steps else None))
        if self.show_body:  # bring the body into view (at 80x24 it starts below the fold)
            body = self.query_one("#present-body", LinkArea)
            self.call_after_refresh(
                self.query_one("#present", VerticalScroll).scroll_to_widget, body, top=True
            )

    def action_scroll_page(self, direction: int) -> None:
        page = self.query_one("#present", VerticalScroll)
        page.scroll_page_down() if direction > 0 else page.scroll_page_up()

    def action_scroll_line(self, direction: int) -> None:
        page = self.query_one("#present", VerticalScroll)
        page.scroll_down() if direction > 0 else page.scroll_up()

    async def action_back_to_path(self) -> None:
        if self.detour is not None:
            await self._go(self.index)

    def action_leave(self) -> None:
        self.dismiss(None)

    @on(MissingLink)
    def missing_link(self, message: MissingLink) -> None:
        missing_notice(self, message.target, message.outside)

    @on(OpenEntry)
    def follow(self, message: OpenEntry) -> None:
        """A link followed in the body or the links: a detour, one Backspace from the path."""
        message.stop()
        self._detour_worker(message.slug)

    @work(thread=True, exclusive=True, group="detour", exit_on_error=False)
    def _detour_worker(self, slug: str) -> None:
        try:
            self.post_message(_Detour(self.library.read(slug)))
        except EntryUnavailable as missing:
            self.app.call_from_thread(self.notify, str(missing), severity="warning", markup=False)

    @on(_Detour)
    async def detour_loaded(self, message: _Detour) -> None:
        self.detour = message.entry
        self.show_body = False
        self.set_focus(None)
        await self._show()

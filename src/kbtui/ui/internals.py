"""The only places kbtui leans on Textual's private internals, each for a measured gain.

Every override here is guarded by a test in ``tests/ui/test_internals.py`` that fails
when Textual changes the thing it relies on (Textual is pinned below 9 for them).
What each buys is measured with ``benchmarks/bench_startup.py``; see the README.

- :class:`QuickOptionList` - OptionList's line map without measuring one-line options,
  and a new scroll size without a whole-screen layout (``_update_lines``,
  ``_line_cache``, ``set_reactive`` on ``virtual_size``).
- :class:`QuietInput` - the search box takes its new size at every key without laying
  out the screen (``Input._watch_value``).
- :func:`hold_updates` / :func:`release_updates` - a typed key and its search results
  drawn in one frame (``App._begin_batch`` / ``_end_batch`` across two events).
"""

from __future__ import annotations

from textual import on
from textual.app import App
from textual.events import Resize
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


class QuickOptionList(OptionList):
    """An OptionList that measures each option with :meth:`_option_height` and keeps
    its measurements until its width really changes."""

    def __init__(self, *content: Option, **kwargs: object) -> None:
        super().__init__(*content, **kwargs)  # type: ignore[arg-type]
        self._lines_width = 0

    @on(Resize)
    def _remeasure(self, event: Resize) -> None:
        # OptionList forgets every option's height on any resize, including being
        # hidden and shown again; heights depend on the width alone.
        event.prevent_default()  # instead of OptionList's own handler
        width = self.scrollable_content_region.width
        if width and width != self._lines_width:
            self._lines_width = width
            self._clear_caches()

    def _option_height(self, option: Option, width: int) -> int:
        """Lines ``option`` takes at ``width`` cells, its divider aside."""
        visual = self._get_visual(option)
        return int(visual.get_height(self.styles, width))  # type: ignore[arg-type]

    def _update_lines(self) -> None:
        # OptionList._update_lines, with each option's height from _option_height
        # and the size set by _set_virtual_size.
        if not self.scrollable_content_region:
            return
        cache = self._line_cache
        lines = cache.lines
        options = self.options
        next_index = lines[-1][0] + 1 if lines else 0
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        if next_index < len(options):
            text_width = width - self.get_component_styles("option-list--option").padding.width
            for index in range(next_index, len(options)):
                option = options[index]
                cache.index_to_line[index] = len(lines)
                count = self._option_height(option, text_width) + option._divider
                cache.heights[index] = count
                lines.extend((index, line) for line in range(count))
        last_divider = bool(options) and options[-1]._divider
        self._set_virtual_size(Size(width, len(lines) - (1 if last_divider else 0)))

    def _set_virtual_size(self, virtual_size: Size) -> None:
        """Set the scrollable size; when that shows or hides no scrollbar, do it
        without laying out the whole screen again."""
        if virtual_size == self.virtual_size:
            return
        bar_needed = virtual_size.height > self.container_size.height
        if (
            self.styles.overflow_y == "auto"
            and virtual_size.width == self.virtual_size.width
            and bar_needed == self.show_vertical_scrollbar
        ):
            self.set_reactive(Widget.virtual_size, virtual_size)
            self._scroll_update(virtual_size)
            self.refresh()
        else:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)


class QuietInput(Input):
    """An Input of fixed width that takes its new virtual size quietly."""

    def _watch_value(self, value: str) -> None:
        # Input's watcher gives the box a new virtual size at every key, a reactive
        # that lays out the whole screen. The box has a fixed width and no scrollbars,
        # so set the size quietly first: Input's own assignment is then a no-op.
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


def hold_updates(app: App[object]) -> None:
    """What ``App.batch_update`` does on entry, held open across events."""
    app._begin_batch()


def release_updates(app: App[object]) -> None:
    app._end_batch()

"""Contrast: every text/background pair the app draws for links, missing links, focus and
search hits is at least 4.5:1 (WCAG AA) in every shipped theme, in truecolour and in
256 colours. Worked out from the colours the theme gives the live widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget

from kbtui.ui.app import DARK_THEME, LIGHT_THEME, KBApp
from tests.ui.conftest import settle
from tests.ui.test_app import drive, reader

AA = 4.5


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def in_256(color: Color) -> tuple[int, int, int]:
    downgraded = RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.EIGHT_BIT)
    triplet = downgraded.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def pair_of(widget: Widget) -> tuple[Color, Color]:
    _, _, background, color = widget.colors
    return background, background + color  # text with alpha blends into its background


def check(label: str, background: Color, text: Color, found: dict[str, float]) -> None:
    found[f"{label} (truecolour)"] = ratio(background.rgb, text.rgb)
    found[f"{label} (256 colours)"] = ratio(in_256(background), in_256(text))


@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME])
def test_links_missing_links_focus_and_hits_are_readable(ui_kb: Path, theme: str) -> None:
    found: dict[str, float] = {}

    async def scenario(app: KBApp, pilot: Pilot[None]) -> None:
        app.theme = theme
        await settle(pilot)
        links = reader(app).links()
        present = next(link for link in links if link.slug is not None)
        missing = next(link for link in links if link.slug is None)
        check("link", *pair_of(present), found)
        check("missing link", *pair_of(missing), found)
        present.focus()
        await pilot.pause()
        check("focused link", *pair_of(present), found)
        missing.focus()
        await pilot.pause()
        check("focused missing link", *pair_of(missing), found)
        await pilot.press("slash", *"knock")
        await settle(pilot)
        hits = app.query_one("#hits")
        await pilot.press("down")  # into the hits: the highlighted one as the eye sees it
        await pilot.pause()
        base, _ = pair_of(hits)
        drawn = hits.get_component_rich_style("option-list--option-highlighted")
        assert drawn.color is not None
        background = base
        if drawn.bgcolor is not None:
            b = drawn.bgcolor.get_truecolor()
            background = Color(b.red, b.green, b.blue)
        t = drawn.color.get_truecolor()
        check("highlighted hit", background, Color(t.red, t.green, t.blue), found)

    drive(ui_kb, scenario, open_slug="door-knocking")
    low = {label: round(value, 2) for label, value in found.items() if value < AA}
    assert not low, f"{theme}: {low} (all: { {k: round(v, 2) for k, v in found.items()} })"

"""Regenerate screenshots/*.svg by driving the app with Textual's run_test().

    python screenshots/make_screenshots.py [--kb PATH]

Uses the bundled KB by default, a fixed theme and fixed terminal sizes, and a
throwaway cache and state dir, so the pictures are the same on every machine.
Render one to PNG to look at it: rsvg-convert screenshots/reader.svg -o /tmp/reader.png
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

Step = Callable[["object"], Awaitable[None]]


async def settle(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(4):
        await pilot.pause(0.2)  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
    await pilot.pause(0.3)  # type: ignore[attr-defined]


async def shoot(
    name: str,
    kb: Path,
    size: tuple[int, int],
    keys: list[str],
    present: str | None = None,
    open_slug: str | None = None,
) -> None:
    from kbtui.ui.app import KBApp

    app = KBApp(
        kb,
        open_slug=open_slug,
        save=False,
        present=present,
        watch=False,
        room_host="127.0.0.1",
        room_port=0,
    )
    app.theme = "textual-dark"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            if key.startswith("type:"):
                for char in key[5:]:
                    await pilot.press(char)
            else:
                await pilot.press(key)
            await settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"screenshots/{name}.svg")


async def main(kb: Path) -> None:
    await shoot("reader", kb, (120, 36), [], open_slug="distributed-organizing")
    await shoot("search", kb, (120, 36), ["slash", "type:organising"])
    await shoot(
        "follow-link", kb, (120, 36), ["tab", "tab", "enter"], open_slug="distributed-organizing"
    )
    await shoot("help", kb, (120, 36), ["question_mark"])
    await shoot("small-80x24", kb, (80, 24), [])
    await shoot("small-80x24-reading", kb, (80, 24), ["enter"], open_slug="one-to-ones")
    await shoot("presenter", kb, (100, 30), ["space"], present="paths/first-training")
    await shoot("reading-path", kb, (120, 36), [], open_slug="paths/first-training")
    await shoot("problems", kb, (120, 36), ["c"])
    await shoot(
        "search-marked",
        kb,
        (120, 36),
        ["slash", "type:structure test", "enter", "n"],
    )
    await shoot("room-panel", kb, (120, 48), ["s"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=None)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kbtui-shots-"))
    os.environ["KBTUI_CACHE_DIR"] = str(scratch / "cache")
    os.environ["KBTUI_DATA_DIR"] = str(scratch / "data")
    from kbtui.paths import bundled_kb

    asyncio.run(main(args.kb or bundled_kb()))

"""Regenerate screenshots/web-*.png: the room's web reader in headless Chromium.

    python screenshots/make_web_screenshots.py [--kb PATH] [--out FOLDER]

Serves the bundled KB (a throwaway cache) on 127.0.0.1 with the real server and
photographs it with Debian's chromium and chromium-driver: at a phone's width
(360 x 780) the list, an entry, search as you type, and the Follow page while a step
is shown; at a laptop's (1280 x 800) the list and an entry; and search results in
dark mode (``prefers-color-scheme: dark``: links, muted text and marked words). Each
picture is what the screen shows, not the whole page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
PHONE = (360, 780)
DESKTOP = (1280, 800)
PATH = "paths/first-training"


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    address: str
    ready: Callable[[WebDriver], Any] | None = None  # waited for before the picture
    before: Callable[[WebDriver], None] | None = None  # done after the page loads
    dark: bool = False


def _tool(program: str) -> str:
    found = shutil.which(program) or f"/usr/bin/{program}"
    if not os.path.exists(found):
        sys.exit(
            f"make_web_screenshots: {program} is needed (apt-get install chromium chromium-driver)."
        )
    return found


def start_browser() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = _tool("chromium")
    for argument in (
        "--headless=new",
        "--hide-scrollbars",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    return webdriver.Chrome(service=Service(_tool("chromedriver")), options=options)


def emulate(browser: WebDriver, size: tuple[int, int], dark: bool) -> None:
    width, height = size
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]},
    )


def type_search(words: str) -> Callable[[WebDriver], None]:
    def typing(browser: WebDriver) -> None:
        browser.find_element(By.CSS_SELECTOR, "input[name=q]").send_keys(words)

    return typing


def live_results_for(words: str) -> Callable[[WebDriver], bool]:
    def answered(browser: WebDriver) -> bool:
        found = browser.find_elements(By.CSS_SELECTOR, "#live .found")
        return bool(found) and f"“{words}”" in found[0].text

    return answered


def following(browser: WebDriver) -> bool:
    status = browser.find_element(By.ID, "follow-status")
    return (
        status.get_attribute("data-state") == "live"
        and "step 2 of" in browser.find_element(By.ID, "now").text
    )


SHOTS = (
    Shot("web-phone-list", PHONE, "/"),
    Shot("web-phone-entry", PHONE, "/e/distributed-organizing"),
    Shot(
        "web-phone-search",
        PHONE,
        "/",
        live_results_for("organising"),
        type_search("organising"),
    ),
    Shot("web-phone-follow", PHONE, "/follow", following),
    Shot(
        "web-phone-search-dark",
        PHONE,
        "/search?q=one-to-one",
        dark=True,
    ),
    Shot("web-desktop-list", DESKTOP, "/"),
    Shot("web-desktop-entry", DESKTOP, "/e/distributed-organizing"),
)


def shoot(browser: WebDriver, base: str, shot: Shot, out: Path) -> Path:
    emulate(browser, shot.size, shot.dark)
    browser.get(base + shot.address)
    if shot.before is not None:
        shot.before(browser)
    wait = WebDriverWait(browser, 15, ignored_exceptions=[StaleElementReferenceException])
    if shot.ready is not None:
        wait.until(shot.ready)
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")
    browser.execute_script("return document.fonts.ready")
    target = out / f"{shot.name}.png"
    browser.save_screenshot(str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--kb", type=Path, default=HERE.parent / "kb")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)

    from kbtui.library import Library
    from kbtui.room import Room
    from kbtui.web.server import RoomServer

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["KBTUI_CACHE_DIR"] = str(Path(scratch) / "cache")
        os.environ["KBTUI_DATA_DIR"] = str(Path(scratch) / "data")
        library = Library(args.kb, cache_root=Path(scratch) / "cache")
        library.open_index()
        library.load_graph(pause=False)
        room = Room()
        server = RoomServer(library, room, host="127.0.0.1", port=0)
        server.start()
        browser = start_browser()
        try:
            browser.get(server.url_for("127.0.0.1"))  # the room code: a cookie from now on
            base = f"http://127.0.0.1:{server.port}"
            room.show(PATH, 2)
            for shot in SHOTS:
                print(f"wrote {shoot(browser, base, shot, args.out).name}")
        finally:
            browser.quit()
            server.stop()
            library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The web reader in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium, against the real server on 127.0.0.1,
serving a copy of the starter KB.

One browser serves the whole module (and a second, with JavaScript turned off, the
one test of reading without it). Everything that happens after a click or a
keystroke is waited for (``WebDriverWait``), never timed. Without Chromium or its
driver these tests fail, saying what to install: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from kbtui.library import Library
from kbtui.room import Room
from kbtui.web.server import RoomServer
from tests.conftest import REPO

pytestmark = pytest.mark.browser

WAIT = 10.0  # seconds a page may take to show what is waited for (a shared CI machine)
PATH = "paths/first-training"
# Words from the first training's trainer notes: never on a participant's screen.
NOTE_WORDS = ("Welcome and names", "Hand out the question cards", "Act out a weak ask")


@dataclass
class Reader:
    """The running reader, its room, the browser and where its downloads land."""

    server: RoomServer
    room: Room
    browser: WebDriver
    downloads: Path
    base: str

    def open(self, address: str) -> None:
        self.browser.get(self.base + address)

    def wait(self) -> WebDriverWait[WebDriver]:
        return WebDriverWait(self.browser, WAIT)


def _find(program: str, debian_path: str, package: str) -> str:
    found = shutil.which(program) or (debian_path if os.path.exists(debian_path) else None)
    if found is None:
        pytest.fail(
            f"The browser tests need {program} (Debian package {package}); "
            f"install it with: apt-get install chromium chromium-driver",
            pytrace=False,
        )
    return found


def _start_browser(downloads: Path, javascript: bool = True) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = _find("chromium", "/usr/bin/chromium", "chromium")
    for argument in (
        "--headless=new",
        "--window-size=1280,900",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium refuses its sandbox as root
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            # 2 blocks: the browser of someone who turned JavaScript off
            "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
        },
    )
    service = Service(_find("chromedriver", "/usr/bin/chromedriver", "chromium-driver"))
    try:
        browser = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        pytest.fail(f"Headless Chromium did not start: {error.msg}", pytrace=False)
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(downloads), "eventsEnabled": True},
    )
    return browser


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    place = tmp_path_factory.mktemp("browser")
    root = shutil.copytree(REPO / "kb", place / "kb")
    downloads = place / "downloads"
    downloads.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KBTUI_CACHE_DIR", str(place / "cache"))
        env.setenv("KBTUI_DATA_DIR", str(place / "data"))
        library = Library(root, cache_root=place / "cache")
        assert library.open_index() is not None
        library.load_graph(pause=False)
        room = Room(code="abc234")
        server = RoomServer(library, room, host="127.0.0.1", port=0)
        server.start()
        try:
            browser = _start_browser(downloads)
            try:
                # The room code in the address lets the browser in (a cookie from then on).
                browser.get(server.url_for("127.0.0.1"))
                base = f"http://127.0.0.1:{server.port}"
                yield Reader(server, room, browser, downloads, base)
            finally:
                browser.quit()
        finally:
            server.stop()
            library.close()


def _link(scope: WebDriver | WebElement, text: str) -> WebElement:
    return scope.find_element(By.LINK_TEXT, text)


def _section_links(browser: WebDriver, heading: str) -> list[WebElement]:
    """The links listed under the entry's section ``heading``."""
    return browser.find_elements(
        By.XPATH, f"//h2[normalize-space()='{heading}']/following-sibling::ul[1]//a"
    )


def test_the_list_is_grouped_by_type(reader: Reader) -> None:
    reader.open("/")
    browser = reader.browser
    assert browser.find_element(By.TAG_NAME, "h1").text == "kb"
    groups = browser.find_elements(By.CSS_SELECTOR, "section.group")
    labels = [g.find_element(By.TAG_NAME, "h2").text.split(" (")[0] for g in groups]
    assert {"Concepts", "Case studies", "Sources", "Reading paths"} <= set(labels)
    by_label = dict(zip(labels, groups, strict=True))
    titles = {
        label: [a.text for a in group.find_elements(By.CSS_SELECTOR, "ul.entries a")]
        for label, group in by_label.items()
    }
    assert "Distributed organizing" in titles["Concepts"]
    assert "Otpor" in " ".join(titles["Case studies"])
    assert "First training on distributed organising" in titles["Reading paths"]
    assert sum(map(len, titles.values())) == len(reader.server.library.outlines)
    # The contents chips jump to each group.
    browser.find_element(By.CSS_SELECTOR, "nav.toc a[href='#type-case-study']").click()
    reader.wait().until(lambda b: b.current_url.endswith("#type-case-study"))
    # ... and the group's heading lands below the search bar that stays on top, not under it.
    reader.wait().until(lambda b: _uncovered(b, "#type-case-study h2"))


def _uncovered(browser: WebDriver, selector: str) -> bool:
    return bool(
        browser.execute_script(
            "var e = document.querySelector(arguments[0]), r = e.getBoundingClientRect();"
            "return r.top >= document.querySelector('header.top').getBoundingClientRect().bottom"
            " && document.elementFromPoint(r.left + 2, r.top + r.height / 2) === e;",
            selector,
        )
    )


def _live_hits(reader: Reader, query: str) -> list[str]:
    """Waits until the live results answer ``query`` (not a word typed before it),
    then gives the titles of their hits."""

    def answered(browser: WebDriver) -> list[str] | Literal[False]:
        live = browser.find_element(By.ID, "live")
        if not live.is_displayed():
            return False
        found = live.find_element(By.CSS_SELECTOR, ".found").text
        if f"“{query}”" not in found:
            return False
        return [a.text for a in live.find_elements(By.CSS_SELECTOR, "ol.hits > li > a")]

    # The results are replaced as each fresh answer arrives: an element found a moment
    # ago may be gone, and is looked for again.
    wait = WebDriverWait(reader.browser, WAIT, ignored_exceptions=[StaleElementReferenceException])
    titles: list[str] = wait.until(answered)
    return titles


def test_search_updates_as_you_type(reader: Reader) -> None:
    reader.open("/")
    browser = reader.browser
    box = browser.find_element(By.CSS_SELECTOR, "input[name=q]")
    box.send_keys("organising")  # British spelling: folded to the entry's "organizing"
    titles = _live_hits(reader, "organising")
    assert "Distributed organizing" in titles
    assert not browser.find_element(By.ID, "main").is_displayed()
    assert browser.current_url == reader.base + "/"  # nothing was submitted
    # A reading path's hit shows the path, never its trainer's notes.
    assert "First training on distributed organising" in titles
    live = browser.find_element(By.ID, "live")
    assert not any(words in live.text for words in NOTE_WORDS)

    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("boycot")  # a word still being typed counts as a prefix
    titles = _live_hits(reader, "boycot")
    assert "Boycotts" in titles and "Distributed organizing" not in titles
    assert browser.current_url == reader.base + "/"

    _link(browser.find_element(By.ID, "live"), "Boycotts").click()
    reader.wait().until(lambda b: b.current_url.endswith("/e/boycotts"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Boycotts"


def test_clearing_the_box_shows_the_page_again(reader: Reader) -> None:
    reader.open("/e/one-to-ones")
    browser = reader.browser
    box = browser.find_element(By.CSS_SELECTOR, "input[name=q]")
    box.send_keys("power")
    assert "Power mapping" in _live_hits(reader, "power")
    box.send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    reader.wait().until(lambda b: b.find_element(By.ID, "main").is_displayed())
    assert not browser.find_element(By.ID, "live").is_displayed()
    assert browser.find_element(By.TAG_NAME, "h1").text == "One-to-one conversations"


def test_a_related_link_opens_that_entry(reader: Reader) -> None:
    reader.open("/e/distributed-organizing")
    browser = reader.browser
    related = _section_links(browser, "Related")
    assert [a.text for a in related[:2]] == [
        "One-to-one conversations",
        "Petitions and e-campaigning",
    ]
    related[0].click()
    reader.wait().until(lambda b: b.current_url.endswith("/e/one-to-ones"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "One-to-one conversations"
    # ... and its own "Referenced by" leads back.
    back = [
        a for a in _section_links(browser, "Referenced by") if a.text == "Distributed organizing"
    ]
    assert back
    back[0].click()
    reader.wait().until(lambda b: b.current_url.endswith("/e/distributed-organizing"))


def _downloaded(reader: Reader, name: str) -> Path | Literal[False]:
    found = reader.downloads / name
    partial = list(reader.downloads.glob("*.crdownload"))
    return found if found.exists() and not partial else False


def test_an_entrys_handout_downloads(reader: Reader) -> None:
    reader.open("/e/one-to-ones")
    _link(reader.browser, "HTML for print").click()
    got = reader.wait().until(lambda b: _downloaded(reader, "one-to-ones.html"))
    text = got.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<h1>One-to-one conversations</h1>" in text


def test_a_paths_handout_downloads_without_the_trainers_notes(reader: Reader) -> None:
    reader.open("/paths")
    path = reader.browser.find_element(
        By.XPATH,
        "//ul[@class='paths']/li[a[normalize-space()='First training on distributed organising']]",
    )
    _link(path, "Markdown").click()
    got = reader.wait().until(lambda b: _downloaded(reader, "first-training.md"))
    text = got.read_text(encoding="utf-8")
    assert text.startswith("# First training on distributed organising")
    assert "## Step 2: One-to-one conversations" in text
    assert not any(words in text for words in NOTE_WORDS)
    assert "— 15 min —" not in text and "Planned" not in text and "Trainer's note" not in text


def test_a_paths_printed_handout_puts_each_step_on_a_page_of_its_own(reader: Reader) -> None:
    reader.open("/e/paths/first-training")
    _link(reader.browser, "HTML for print").click()
    got = reader.wait().until(lambda b: _downloaded(reader, "first-training.html"))
    browser = reader.browser
    browser.get(got.as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        breaks = browser.execute_script(
            "return Array.from(document.querySelectorAll('section.entry')).map(function (s) {"
            "  return [s.querySelector('.title').textContent, getComputedStyle(s).breakBefore];"
            "});"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    steps = [(title, rule) for title, rule in breaks if title.startswith("Step ")]
    assert [title.split(":")[0] for title, _ in steps] == [f"Step {n}" for n in range(1, 11)]
    assert {rule for _, rule in steps} == {"page"}
    assert not any(words in browser.page_source for words in NOTE_WORDS)


def _now(browser: WebDriver) -> str:
    return browser.find_element(By.ID, "now").text


def test_the_follow_page_shows_each_step_the_trainer_shows(reader: Reader) -> None:
    reader.room.clear()
    reader.open("/follow")
    browser = reader.browser
    status = browser.find_element(By.ID, "follow-status")
    reader.wait().until(lambda b: status.get_attribute("data-state") == "live")
    assert "not presenting" in _now(browser)

    reader.room.show(PATH, 2)
    reader.wait().until(lambda b: "step 2 of 10" in _now(b))
    heading = browser.find_element(By.CSS_SELECTOR, "#now h1")
    assert heading.text == "One-to-one conversations"
    assert browser.title.startswith("Step 2: One-to-one conversations")

    reader.room.show(PATH, 3)
    reader.wait().until(lambda b: "step 3 of 10" in _now(b))
    assert browser.find_element(By.CSS_SELECTOR, "#now h1").text == "Making the ask"
    assert not any(words in _now(browser) for words in NOTE_WORDS)

    reader.room.clear()
    reader.wait().until(lambda b: "not presenting" in _now(b))


@pytest.fixture
def without_javascript(reader: Reader) -> Iterator[Reader]:
    """A second browser, with JavaScript turned off, let into the same room."""
    browser = _start_browser(reader.downloads, javascript=False)
    try:
        browser.get(reader.server.url_for("127.0.0.1"))
        yield Reader(reader.server, reader.room, browser, reader.downloads, reader.base)
    finally:
        browser.quit()


def test_without_javascript_entries_read_and_search_submits(without_javascript: Reader) -> None:
    reader = without_javascript
    browser = reader.browser
    # Scripts really do not run: the Follow page stays as the server sent it.
    reader.open("/follow")
    status = browser.find_element(By.ID, "follow-status")
    # (WebDriver's own scripts still run; its .text leaves <noscript> out.)
    shown = browser.execute_script(
        "var n = arguments[0].querySelector('noscript');"
        "return [getComputedStyle(n).display, arguments[0].innerText];",
        status,
    )
    assert shown == ["inline", "Following the trainer (this page reloads every 10 seconds)"]
    assert status.get_attribute("data-state") == "waiting"

    reader.open("/e/distributed-organizing")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Distributed organizing"
    summary = browser.find_element(
        By.XPATH, "//h2[normalize-space()='Summary']/following-sibling::div[1]"
    )
    assert summary.text.startswith("Distributed organising is a campaign design")
    assert "One-to-one conversations" in [a.text for a in _section_links(browser, "Related")]

    box = browser.find_element(By.CSS_SELECTOR, "input[name=q]")
    box.send_keys("organising")
    box.send_keys(Keys.ENTER)
    reader.wait().until(lambda b: "/search?q=organising" in b.current_url)
    hits = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ol.hits > li > a")]
    assert "Distributed organizing" in hits
    assert not any(words in browser.find_element(By.ID, "main").text for words in NOTE_WORDS)


# Every link a phone user taps in a list, and how big the place to tap it is: the
# link itself, or the whole row when the link is stretched over it.
TAP_TARGETS = """
var found = [];
document.querySelectorAll(
  'ul.entries a, ul.links a, ol.steps a, ol.hits > li > a, .take a, .toc a, .places a, ' +
  'header button, ul.paths .title, .more'
).forEach(function (link) {
  var stretched = getComputedStyle(link, '::after').position === 'absolute';
  var box = (stretched ? link.parentElement : link);
  box.scrollIntoView({block: 'center'});
  var r = box.getBoundingClientRect();
  var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height - 4);
  found.push([link.textContent.trim().slice(0, 40), Math.round(r.height),
              !!hit && (hit === link || link.contains(hit))]);
});
return found;
"""
PHONE_PAGES = (
    "/",
    "/e/distributed-organizing",
    "/e/paths/first-training",
    "/paths",
    "/search?q=organising",
    "/follow",
)


@pytest.fixture
def phone(reader: Reader) -> Iterator[Reader]:
    """The module's browser as a 360 px wide phone, for one test."""
    reader.browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        yield reader
    finally:
        reader.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("address", PHONE_PAGES)
def test_on_a_phone_nothing_overflows_and_every_list_link_is_thumb_sized(
    phone: Reader, address: str
) -> None:
    phone.room.show(PATH, 1)
    phone.open(address)
    browser = phone.browser
    if address == "/follow":
        phone.wait().until(lambda b: "step 1 of 10" in _now(b))
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert width == 360
    assert browser.execute_script("return document.documentElement.scrollWidth") == width
    targets = browser.execute_script(TAP_TARGETS)
    assert len(targets) > 5
    small = [(text, height) for text, height, _ in targets if height < 44]
    covered = [text for text, _, reachable in targets if not reachable]
    assert small == [] and covered == []
    phone.room.clear()

"""No external asset of any kind: every URL any page, stylesheet, script or handout
of the reader refers to is listed here, and each one is on the room's own server."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from starlette.testclient import TestClient

from kbtui.library import Library

URL_ATTRIBUTES = {"href", "src", "action", "srcset", "poster", "data", "formaction", "manifest"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
# The only namespace name in an asset (the SVG icon's xmlns): a name, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg"}
STREAM = "/follow/events"
MD_URL = re.compile(r"\]\(\s*<?([^)\s>]+)|<([a-z][a-z0-9+.-]*:[^>\s]+)>", re.IGNORECASE)


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES or (name.startswith("data-") and value.startswith("/")):
                self.urls.append(value)
            if name == "style":
                self.urls += [a or b for a, b in CSS_URL.findall(value)]
            if name == "content" and "url=" in value.lower():  # <meta http-equiv=refresh>
                self.urls.append(value.lower().split("url=", 1)[1])

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.urls += [a or b for a, b in CSS_URL.findall(data)]

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and (url.startswith(("/", "#", "?")))


def test_every_url_the_reader_refers_to_is_its_own(client: TestClient, library: Library) -> None:
    seen: set[str] = set()
    referenced: dict[str, set[str]] = {}  # url -> the pages that refer to it
    queue = deque(["/", "/paths", "/follow", "/search?q=organising", "/search/hits?q=gezi"])
    while queue:
        page = queue.popleft()
        if page in seen:
            continue
        seen.add(page)
        answer = client.get(page)
        assert answer.status_code in (200, 307), page
        if answer.status_code == 307:
            queue.append(answer.headers["location"])
            continue
        kind = answer.headers["content-type"]
        found: list[str] = []
        if "html" in kind:
            parser = References()
            parser.feed(answer.text)
            found = parser.urls
        elif "css" in kind:
            found = [a or b for a, b in CSS_URL.findall(answer.text)]
        elif "markdown" in kind:  # a handout: its links, images and autolinks
            found = [m[0] or m[1] for m in MD_URL.findall(answer.text)]
        else:  # the script and the icon: any absolute address at all
            found = re.findall(r"""(?:https?:)?//[^\s'"<>)]+""", answer.text)
            found = [u for u in found if u not in NAMESPACES]
        for url in found:
            referenced.setdefault(url, set()).add(page)
            target = urldefrag(url)[0]
            # Every local address is visited (handouts too) but the event stream,
            # which never ends: tests/web/test_follow.py reads it.
            if is_local(url) and target and target not in seen and target != STREAM:
                queue.append(target)
    outside = {url: sorted(pages) for url, pages in referenced.items() if not is_local(url)}
    assert outside == {}
    # The walk reached every kind of page, every entry, both assets and the handouts.
    assert {"/static/room.css", "/static/room.js", "/static/icon.svg"} <= {
        urlsplit(u).path for u in referenced
    }
    assert {f"/e/{o.slug}" for o in library.outlines} <= seen
    assert any(u.startswith("/handout/") for u in seen)
    assert STREAM in referenced
    assert len(referenced) > 30  # the list really was made


def test_the_script_and_styles_name_no_other_host(client: TestClient) -> None:
    script = client.get("/static/room.js").text
    styles = client.get("/static/room.css").text
    code = "\n".join(line for line in script.splitlines() if not line.strip().startswith("//"))
    for text in (code, styles):
        assert "http:" not in text and "https:" not in text and "//" not in text
    assert "@import" not in styles and "url(" not in styles and "@font-face" not in styles
    assert "eval(" not in script and "new Function" not in script

"""The two editions of a reading path's handout, on the starter KB's own paths: the
trainer's has every step's note and planned minutes and the total; the participant's
(the default) has none of them. And the pack itself: one file, a contents list, each
step on a page of its own when the HTML is printed."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from kbtui.export import make_handout, render_html, render_markdown
from kbtui.kb import KnowledgeBase, load_kb
from kbtui.kb.model import Entry
from kbtui.templates.view import anchor
from tests.conftest import REPO

# What each path's intro says its steps add up to, in minutes.
PATHS = {
    "paths/first-training": 110,
    "paths/one-to-ones-to-campaign-team": 360,
    "paths/planning-a-campaign": 345,
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(REPO / "kb")


def _path(kb: KnowledgeBase, slug: str) -> Entry:
    path = kb.entries[slug]
    assert path.steps and all(step.note and step.minutes for step in path.steps)
    return path


def _text(page: str) -> str:
    """An HTML page's text, tags gone and entities undone, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _note_openings(path: Entry) -> list[str]:
    """The first words of each step's note: enough to tell it, short enough that a
    note cut or reworded on the way would still be caught."""
    return [_flat(step.note)[:40] for step in path.steps]


class _Sections(HTMLParser):
    """Each <section class="entry"> of a page: its id, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, str] = {}
        self._current: str | None = None
        self._depth = 0
        self.contents: list[str] = []  # the hrefs listed in the contents
        self._in_nav = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "nav":
            self._in_nav = True
        if self._in_nav and tag == "a" and found.get("href"):
            self.contents.append(found["href"] or "")
        if tag == "section":
            if self._current is None and "entry" in (found.get("class") or "").split():
                self._current = found.get("id") or ""
                self.sections[self._current] = ""
                self._depth = 0
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False
        if tag == "section" and self._current is not None:
            self._depth -= 1
            if self._depth == 0:
                self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self.sections[self._current] += data


def _sections(page: str) -> _Sections:
    parsed = _Sections()
    parsed.feed(page)
    return parsed


@pytest.mark.parametrize("slug", PATHS)
def test_the_trainers_html_has_every_note_the_minutes_and_the_total(
    kb: KnowledgeBase, slug: str
) -> None:
    path = _path(kb, slug)
    page = render_html(kb, make_handout(kb, slug, True, "trainer"))
    parsed = _sections(page)
    assert "Trainer's edition" in _text(page)
    for step in path.steps:
        target = kb.resolver.resolve(step.target)[0]
        assert target is not None
        shown = _flat(parsed.sections[anchor(target)])
        assert shown.startswith(f"Step {step.number}: ")
        assert f"planned: {step.minutes} min" in shown
        assert f"Trainer's note: {_flat(step.note)}" in shown
    assert sum(step.minutes or 0 for step in path.steps) == PATHS[slug]
    assert f"Planned: {PATHS[slug]} min in all." in _text(page)


@pytest.mark.parametrize("slug", PATHS)
def test_the_trainers_markdown_has_every_note_the_minutes_and_the_total(
    kb: KnowledgeBase, slug: str
) -> None:
    path = _path(kb, slug)
    text = render_markdown(kb, make_handout(kb, slug, True, "trainer"))
    assert "*Trainer's edition: with the step notes and planned times*" in text
    parts = re.split(r'^<a id="[^"]+"></a>$', text, flags=re.M)
    steps = [p for p in parts if re.match(r"\s*## Step \d+: ", p)]
    assert len(steps) == len(path.steps)
    for step, part in zip(path.steps, steps, strict=True):
        assert part.lstrip().startswith(f"## Step {step.number}: ")
        assert f"\nPlanned: {step.minutes} min\n" in part
        assert f"\n> **Trainer's note:** {step.note}\n" in part
    assert f"Planned: {PATHS[slug]} min in all." in text


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("edition", ["participant", None])
@pytest.mark.parametrize("slug", PATHS)
def test_the_participants_edition_and_the_default_have_no_note_and_no_minutes(
    kb: KnowledgeBase, slug: str, edition: str | None, fmt: str
) -> None:
    path = _path(kb, slug)
    handout = (
        make_handout(kb, slug, True) if edition is None else make_handout(kb, slug, True, edition)
    )
    assert handout.edition == "participant"
    page = render_html(kb, handout) if fmt == "html" else render_markdown(kb, handout)
    text = _text(page) if fmt == "html" else _flat(page)
    assert "Participant's edition" in text
    for opening in _note_openings(path):
        assert opening not in text
    assert "Trainer's note" not in text
    assert "planned:" not in text.lower() and "min in all" not in text
    for step in path.steps:
        assert f"{step.minutes} min)" not in text  # the contents list's "(15 min)"


# -- the pack -----------------------------------------------------------------------------


def _print_rules(page: str) -> dict[str, str]:
    """selector -> declarations, for the rules inside the page's ``@media print``."""
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    block = re.search(r"@media print\s*{(.*)}\s*$", style.group(1).strip(), re.S)
    assert block is not None
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+){([^{}]*)}", block.group(1)):
        for selector in selectors.split(","):
            rules[selector.strip()] = body.strip()
    return rules


def test_the_html_pack_is_one_file_with_contents_and_a_page_per_step(
    kb: KnowledgeBase,
) -> None:
    slug = "paths/first-training"
    path = _path(kb, slug)
    page = render_html(kb, make_handout(kb, slug, True, "trainer"))
    # One file: nothing to fetch, no second file to keep beside it.
    assert not re.search(r"<(link|script|img|iframe)\b", page)
    assert not re.search(r'\b(src|href)="(?!#)', page)
    parsed = _sections(page)
    targets = [kb.resolver.resolve(step.target)[0] for step in path.steps]
    step_ids = [anchor(t) for t in targets if t is not None]
    # The contents list each step in order, then the sources, each landing in the file.
    assert parsed.contents[: len(step_ids)] == ["#" + i for i in step_ids]
    assert parsed.contents[len(step_ids) :] == ["#sources"]
    assert all(href[1:] in parsed.sections or href == "#sources" for href in parsed.contents)
    # Printed, every step's section starts a page.
    rules = _print_rules(page)
    assert re.search(r"break-before:\s*page", rules["section.entry"])
    for step_id in step_ids:
        assert re.search(rf'<section class="entry" id="{step_id}">', page)
    # ... and the only exception is the first source, right under its heading.
    exceptions = [s for s, body in rules.items() if "break-before: avoid" in body]
    assert exceptions == ["h2.appendix + section.entry"]
    first_step = page.index(f'id="{step_ids[0]}"')
    assert "appendix" not in page[first_step - 200 : first_step]


def test_the_markdown_pack_is_one_file_with_contents_and_a_section_per_step(
    kb: KnowledgeBase,
) -> None:
    slug = "paths/first-training"
    path = _path(kb, slug)
    text = render_markdown(kb, make_handout(kb, slug, True, "trainer"))
    anchors = re.findall(r'^<a id="([^"]+)"></a>$', text, re.M)
    contents = text.split("## Contents", 1)[1].split("\n\n", 2)[1]
    listed = re.findall(r"^\d+\. \[[^\]]+\]\(#([^)]+)\)", contents, re.M)
    assert len(listed) == len(path.steps) + 1 and listed[-1] == "sources"
    assert listed == [*anchors[: len(path.steps)], "sources"]
    # Each step a section of its own, in order, right after its anchor.
    headings = re.findall(r'^<a id="[^"]+"></a>\n\n## (Step \d+): ', text, re.M)
    assert headings == [f"Step {n}" for n in range(1, len(path.steps) + 1)]


def test_a_verification_line_ends_with_one_full_stop(kb: KnowledgeBase) -> None:
    # The starter KB's "Not yet verified: ..." lines end with their own full stop.
    text = render_markdown(kb, make_handout(kb, "paths/first-training", True))
    assert "Not yet verified: " in text
    assert not re.search(r"[^.]\.\.\n", text)

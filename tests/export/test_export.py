"""Handouts: self-contained HTML and Markdown, anchors that resolve, no overwrite."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from kbtui.cli import main
from kbtui.export import (
    ExportError,
    handout_for_entry,
    handout_for_path,
    render_html,
    render_markdown,
    write_new,
)
from kbtui.kb import load_kb
from tests.conftest import write_kb

KB = {
    "distributed-organizing.md": (
        "# Distributed organizing\n\n## Summary\nMany hands, one plan.\n\n## Body\n"
        "Local teams act together [source: moblab]. See [one-to-ones](one-to-ones) and "
        "[the web](https://example.org/page) and ![a picture](http://example.org/x.png).\n"
        "<script>alert(1)</script>\n\n"
        "## Related\n- one-to-ones\n- not-here\n\n## Sources & verification\n"
        "- sources/moblab — grounding: secondary\nVerified 2026-01-02 by tester.\n"
    ),
    "one-to-ones.md": "# One-to-ones\n\n## Summary\nListen first.\n\n## Related\n"
    "- distributed-organizing\n",
    "sources/moblab.md": "# MobLab\n\n## Summary\nA campaigning lab.\n",
    "paths/first.md": "# First session\n\nAn intro.\n\n1. distributed-organizing — ask the room\n"
    "2. one-to-ones — practise in pairs\n",
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name == "href" and value is not None:
                self.hrefs.append(value)
            if name == "src" and value is not None:
                self.srcs.append(value)


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", KB)


def test_path_handout_html_is_self_contained(kb_root: Path) -> None:
    kb = load_kb(kb_root)
    page = render_html(kb, handout_for_path(kb, "first"))
    parsed = _Collector()
    parsed.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page and "@media print" in page
    # Every in-document link lands on an anchor; nothing external is loaded or linked.
    assert parsed.hrefs and all(h.startswith("#") for h in parsed.hrefs)
    assert all(h[1:] in parsed.ids for h in parsed.hrefs)
    assert parsed.srcs == []
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "http" not in "".join(parsed.hrefs + parsed.srcs)
    # The raw HTML in the entry is shown as text, not run.
    assert "&lt;script&gt;" in page
    # The path's notes, both steps and the cited source (appendix) are there.
    assert "ask the room" in page and "practise in pairs" in page
    assert "Step 1: Distributed organizing" in page and "Step 2: One-to-ones" in page
    assert 'id="entry-sources-moblab"' in page
    assert "not-here" in page and "(not in this KB)" in page


def test_entry_handout_markdown_anchors_resolve(kb_root: Path) -> None:
    kb = load_kb(kb_root)
    text = render_markdown(kb, handout_for_entry(kb, "distributed-organizing"))
    anchors = set(__import__("re").findall(r'<a id="([^"]+)"></a>', text))
    targets = __import__("re").findall(r"\]\(#([^)]+)\)", text)
    assert targets and all(t in anchors for t in targets)
    assert "(source: [moblab](#entry-sources-moblab))" in text
    assert "One-to-ones (in the KB as one-to-ones)" in text  # linked but not exported
    assert "https://" not in text.replace("https://example.org/page", "")


def test_unknown_entry_and_path_are_one_sentence(kb_root: Path) -> None:
    kb = load_kb(kb_root)
    with pytest.raises(ExportError, match="Did you mean"):
        handout_for_entry(kb, "one-to-one")
    with pytest.raises(ExportError, match="No reading path 'nope'"):
        handout_for_path(kb, "nope")


def test_write_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists"):
        write_new(target, "new")
    assert target.read_text(encoding="utf-8") == "precious"
    write_new(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"


def test_cli_export(kb_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "handout.md"
    assert (
        main(["export", "--path", "first", "--format", "md", "-o", str(out), "--kb", str(kb_root)])
        == 0
    )
    assert out.read_text(encoding="utf-8").startswith("# First session")
    assert (
        main(["export", "--path", "first", "--format", "md", "-o", str(out), "--kb", str(kb_root)])
        == 2
    )
    err = capsys.readouterr().err
    assert "already exists; add --force" in err and "Traceback" not in err
    assert (
        main(["export", "one-to-ones", "--path", "first", "-o", str(out), "--kb", str(kb_root)])
        == 2
    )


def test_present_with_an_unknown_path_is_one_sentence(kb_root: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "kbtui", "present", "nope", "--kb", str(kb_root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "kbtui: No reading path 'nope' in this KB (paths: first)."

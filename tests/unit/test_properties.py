"""Property tests: the loader and the parser never raise, whatever is in a file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtui.kb import check, load_kb, parse_entry
from kbtui.kb.loader import decode
from kbtui.kb.text import has_unsafe

SECTION_WORDS = st.sampled_from(
    [
        "Summary",
        "Body",
        "Related",
        "Worked examples",
        "Sources & verification",
        "## ",
        "# ",
        "- ",
        "[source: ",
        "]",
        "[[",
        "](",
        "```",
        "\n",
        "TBD",
        "Verified 2026-01-01 by x",
        "— grounding: ",
        "RAW (12 chars)",
        "../",
        "\x1b[",
        "\r\n",
        "===",
        "---",
    ]
)
MARKDOWNISH = st.lists(st.one_of(SECTION_WORDS, st.text(max_size=30)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=MARKDOWNISH)
def test_parse_entry_never_raises(text: str) -> None:
    entry = parse_entry(text, "x/y")
    assert entry.slug == "x/y"
    assert all(isinstance(s.text, str) for s in entry.sections)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400))
def test_decode_always_gives_safe_text(data: bytes) -> None:
    text, flags = decode(data)
    assert not has_unsafe(text)
    assert isinstance(flags, frozenset)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(
        st.one_of(st.binary(max_size=300), MARKDOWNISH.map(str.encode)), min_size=1, max_size=5
    )
)
def test_load_and_check_never_raise(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, data in enumerate(files):
            (root / f"entry-{number}.md").write_bytes(data)
        kb = load_kb(root)
        problems = check(kb)
        assert len(kb) <= len(files)
        assert all(p.slug and p.kind for p in problems)

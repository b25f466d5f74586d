"""Property tests: the loader and the parser never raise, whatever is in a file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtui.kb import PROBLEM_KINDS, Resolver, check, load_kb, normalise_target, parse_entry
from kbtui.kb.boundary import has_unsafe, json_safe, neutralise
from kbtui.kb.loader import decode

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


# Any text at all: every Unicode category, controls, lone CRs, huge code points.
ANY_TEXT = st.text(max_size=300)


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT)
def test_parse_entry_never_raises_on_any_text(text: str) -> None:
    entry = parse_entry(text, "case-studies/x")
    assert entry.type == "case-study"
    assert entry.title  # never empty: the heading or the readable slug
    assert entry.summary is None or not entry.summary.upper().startswith("TBD")
    assert len(set(entry.duplicate_sections)) == len(entry.duplicate_sections)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=600))
def test_a_file_of_any_bytes_loads_safely(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "entry.md").write_bytes(data)
        kb = load_kb(root)
        problems = check(kb)
    assert list(kb.entries) == ["entry"]
    entry = kb.entries["entry"]
    visible = [entry.title, entry.summary or "", *(s.text for s in entry.sections)]
    visible += [s.name for s in entry.sections] + [k.target for k in entry.links]
    assert not [t for t in visible if has_unsafe(t)]
    assert {p.kind for p in problems} <= set(PROBLEM_KINDS)
    assert all(p.slug == "entry" for p in problems)


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT)
def test_neutralise_is_safe_idempotent_and_keeps_length(text: str) -> None:
    safe = neutralise(text)
    assert not has_unsafe(safe)
    assert neutralise(safe) == safe
    assert len(safe) == len(text)
    assert safe.count("\n") == text.count("\n")


@settings(max_examples=200, deadline=None)
@given(
    value=st.recursive(ANY_TEXT, lambda inner: st.lists(inner) | st.dictionaries(ANY_TEXT, inner))
)
def test_json_safe_round_trips(value: object) -> None:
    dumped = json_safe(json.dumps(value, ensure_ascii=False))
    assert not has_unsafe(dumped)
    assert json.loads(dumped) == value


SLUGS = ["moblab", "sources/moblab", "case-studies/gezi-park", "toolkits/kit", "a/b/c"]


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(
        ANY_TEXT,
        st.sampled_from(["../", "/", "~", "http:", "..\\", "%2e"]).flatmap(
            lambda prefix: ANY_TEXT.map(lambda rest: prefix + rest)
        ),
    )
)
def test_resolver_never_raises_and_never_escapes(raw: str) -> None:
    resolved, outside = Resolver(SLUGS).resolve(raw)
    assert resolved is None or resolved in SLUGS
    assert resolved is None or outside is None
    name = normalise_target(raw).name
    if name is not None:
        assert ".." not in name.split("/") and not name.startswith("/")

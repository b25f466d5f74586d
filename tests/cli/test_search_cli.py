"""``kbtui search`` and ``kbtui index`` through the real entry point, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.index import KBIndex
from tests.conftest import write_kb

KB = {
    "strategic-campaigns.md": "# Strategic campaigns\n\n## Summary\nHow a campaign picks a "
    "target. Then it escalates.\n\n## Body\nPlan the escalation before the first action.\n",
    "one-to-ones.md": "# One-to-one meetings\n\n## Summary\nRelational meetings build trust. "
    "Slowly.\n\n## Body\nOrganizers hold many one-to-ones before any campaign begins.\n",
    "distributed-organizing.md": "Summary\nMany volunteers act at once with light "
    "coordination.\nBody\nDistributed organizing hands volunteers clear tasks.\n",
    "case-studies/gezi-park.md": "# Gézi Parkı occupation\n\n## Summary\nA sit-in in İstanbul "
    "grew into a national protest.\n",
    "case-studies/hostile.md": "# Evil \x1b[31mred\x1b[0m title\n\n## Summary\nA \x07bell and "
    "\x1b]0;pwned\x07 escapes in a quokka entry.\n",
}


def run(
    cache: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, KBTUI_CACHE_DIR=str(cache))
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kbtui", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
        env=environment,
    )


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A KB and a cache with its index already built (the CLI finds it up to date)."""
    root = write_kb(tmp_path_factory.mktemp("cli") / "kb", KB)
    cache = tmp_path_factory.mktemp("cli-cache")
    kb_index = KBIndex(root, cache_root=cache)
    kb_index.sync()
    kb_index.close()
    return root, cache


def search(shared: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess[str]:
    root, cache = shared
    done = run(cache, "search", "--kb", str(root), *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def search_json(shared: tuple[Path, Path], *args: str) -> dict[str, object]:
    done = search(shared, "--json", *args)
    data = json.loads(done.stdout)
    assert isinstance(data, dict)
    return data


# -- plain output ----------------------------------------------------------------------


def test_search_prints_ranked_hits(shared: tuple[Path, Path]) -> None:
    done = search(shared, "campaign")
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == " 1. Strategic campaigns  (strategic-campaigns, concepts)"
    assert "«campaign»" in lines[1] and lines[1].startswith("    ")
    assert lines[2] == " 2. One-to-one meetings  (one-to-ones, concepts)"
    assert "«campaign»" in lines[3]
    assert len(lines) == 4


def test_organising_finds_an_entry_that_says_organizing(shared: tuple[Path, Path]) -> None:
    done = search(shared, "organising")
    assert done.returncode == 0
    assert "(distributed-organizing, concepts)" in done.stdout
    assert "«organizing»" in done.stdout


def test_words_are_joined_and_types_labelled(shared: tuple[Path, Path]) -> None:
    done = search(shared, "gezi", "protest")
    assert done.returncode == 0
    assert " 1. Gézi Parkı occupation  (case-studies/gezi-park, case studies)" in done.stdout


def test_no_hits_exits_1_and_offers_a_suggestion(shared: tuple[Path, Path]) -> None:
    done = search(shared, "campain")
    assert done.returncode == 1
    assert done.stdout.strip() == "No entries match 'campain'. Did you mean: campaign?"
    nothing = search(shared, "zzqqxx")
    assert nothing.returncode == 1
    assert nothing.stdout.strip() == "No entries match 'zzqqxx'."


def test_hostile_titles_and_snippets_are_neutralised(shared: tuple[Path, Path]) -> None:
    done = search(shared, "quokka")
    assert done.returncode == 0 and "case-studies/hostile" in done.stdout
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    data = search_json(shared, "quokka")
    assert "\x1b" not in json.dumps(data, ensure_ascii=False)


# -- JSON ------------------------------------------------------------------------------


def test_json_shape(shared: tuple[Path, Path]) -> None:
    done = search(shared, "--json", "camp")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert list(data) == ["query", "hits", "suggestion"]
    assert data["query"] == "camp" and data["suggestion"] is None
    hits = data["hits"]
    assert [hit["slug"] for hit in hits][:1] == ["strategic-campaigns"]
    for hit in hits:
        assert set(hit) == {"slug", "title", "type", "score", "snippet"}
        assert isinstance(hit["slug"], str) and isinstance(hit["title"], str)
        assert isinstance(hit["score"], float) and isinstance(hit["snippet"], str)
        assert hit["type"] in {"concept", "case-study"}
        assert "«" not in hit["snippet"]  # plain text: no marks in JSON
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_json_with_no_hits(shared: tuple[Path, Path]) -> None:
    done = search(shared, "--json", "campain")
    assert done.returncode == 1
    assert json.loads(done.stdout) == {"query": "campain", "hits": [], "suggestion": "campaign"}


def test_json_hit_fields(shared: tuple[Path, Path]) -> None:
    data = search_json(shared, "gezi", "protest")
    assert data["query"] == "gezi protest"
    (hit,) = data["hits"]  # type: ignore[misc]
    assert hit["slug"] == "case-studies/gezi-park"
    assert hit["title"] == "Gézi Parkı occupation"
    assert hit["type"] == "case-study"
    assert hit["snippet"].endswith("İstanbul grew into a national protest.")


def test_type_filter_and_limit(shared: tuple[Path, Path]) -> None:
    cases = search_json(shared, "type:cases")
    assert {hit["slug"] for hit in cases["hits"]} == {  # type: ignore[union-attr]
        "case-studies/gezi-park",
        "case-studies/hostile",
    }
    one = search_json(shared, "--limit", "1", "type:concepts")
    assert len(one["hits"]) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_a_bad_limit_is_a_usage_error(shared: tuple[Path, Path], limit: str) -> None:
    done = search(shared, "--limit", limit, "campaign")
    assert done.returncode == 2
    assert done.stdout == "" and "--limit" in done.stderr


def test_a_missing_kb_is_a_usage_error(tmp_path: Path) -> None:
    done = run(tmp_path / "cache", "search", "--kb", str(tmp_path / "nowhere"), "campaign")
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_kb_can_come_from_the_environment(shared: tuple[Path, Path]) -> None:
    root, cache = shared
    done = run(cache, "search", "--json", "campaign", env={"KBTUI_KB": str(root)})
    assert done.returncode == 0
    assert json.loads(done.stdout)["hits"][0]["slug"] == "strategic-campaigns"


# -- nasty queries ---------------------------------------------------------------------

# argv cannot carry a NUL byte; everything else goes through as typed (after "--",
# so a query may start with "-").
NASTY = [
    "",
    " ",
    '"',
    '"unbalanced',
    "(((",
    ")",
    "[source: x]",
    "*",
    "title:",
    "type:",
    "slug:../../etc",
    "AND",
    "OR NOT",
    "NOT AND OR (",
    "-",
    "--",
    "-campaign",
    "~",
    "campaign~",
    "::::",
    "x" * 5000,
    "\x1b[31m\x07",
    "\t\r\x0b",
    "🔥 organizing",
    "!!!",
    "\u202e",
    "日本語",
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_nasty_queries_exit_0_or_1_without_a_traceback(
    shared: tuple[Path, Path], text: str
) -> None:
    done = search(shared, "--", text)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""
    assert done.stdout.strip()  # hits, or a "No entries match" line
    assert (done.returncode == 1) == done.stdout.startswith("No entries match")
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout


@pytest.mark.parametrize("text", ['"', "((( AND", "\x1b[31m", "-", "x" * 5000])
def test_nasty_queries_as_json(shared: tuple[Path, Path], text: str) -> None:
    done = search(shared, "--json", "--", text)
    assert done.returncode in (0, 1)
    data = json.loads(done.stdout)
    assert data["query"] == text
    assert (done.returncode == 0) == bool(data["hits"])


# -- kbtui index -----------------------------------------------------------------------


def test_index_reports_what_it_did(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", KB)
    cache = tmp_path / "index-cache"
    first = run(cache, "index", "--kb", str(root))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"kb: rebuilt the index ({len(KB)} entries) in ")
    assert f"; {len(KB)} entries (" in first.stdout and str(cache) in first.stdout
    second = run(cache, "index", "--kb", str(root))
    assert second.returncode == 0 and "index already up to date" in second.stdout
    path = root / "one-to-ones.md"
    path.write_text("# One-to-ones\n\n## Summary\nNow about ibis. Yes.\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    write_kb(root, {"new.md": "# New\n\n## Summary\nA new one. Yes.\n"})
    (root / "case-studies" / "hostile.md").unlink()
    third = run(cache, "index", "--kb", str(root))
    assert third.returncode == 0
    assert "1 added, 1 updated, 1 removed" in third.stdout
    assert f"; {len(KB)} entries (" in third.stdout
    rebuilt = run(cache, "index", "--rebuild", "--kb", str(root))
    assert rebuilt.returncode == 0
    assert f"rebuilt the index ({len(KB)} entries)" in rebuilt.stdout
    found = run(cache, "search", "--json", "ibis", "--kb", str(root))
    assert json.loads(found.stdout)["hits"][0]["slug"] == "one-to-ones"


def test_an_unwritable_cache_still_searches_in_memory(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", KB)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    cache = blocker / "cache"
    indexed = run(cache, "index", "--kb", str(root))
    assert indexed.returncode == 0 and "Traceback" not in indexed.stderr
    assert "(in memory)" in indexed.stdout
    assert indexed.stderr.count("cannot be written") == 1
    found = run(cache, "search", "organising", "--kb", str(root))
    assert found.returncode == 0 and "distributed-organizing" in found.stdout
    assert "cannot be written" in found.stderr and "Traceback" not in found.stderr
    assert blocker.is_file()

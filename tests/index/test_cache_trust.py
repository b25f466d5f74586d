"""The index's own files are data too: a well-formed but wrong links file, a FIFO or a
symlink in place of a cache file. Each is noticed (the manifest records what it wrote)
or refused (never opened unless a regular file), and kbtui answers from the KB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.index import KBIndex, index_dir_for
from kbtui.index.manifest import LINKS, MANIFEST
from kbtui.library import Library
from tests.conftest import write_kb

KB = {
    "street-teams.md": "# Street teams\n\n## Summary\nSmall crews that leaflet a block. "
    "They meet weekly.\n\n## Related\n- phone-banks\n",
    "phone-banks.md": "# Phone banks\n\n## Summary\nCalling supporters in shifts. Scripts help.\n",
    "rent-strike.md": "# A rent strike\n\n## Summary\nTenants withheld rent together. "
    "They won repairs.\n\n## Related\n- street-teams\n",
}
# Every file a build leaves in the index folder (the Whoosh toc and segment, its
# writer lock, the manifest and the links), and the swap lock beside the folder.
CACHE_FILES = ["_MAIN_*.toc", "*.seg", "MAIN_WRITELOCK", MANIFEST, LINKS, "../.*.lock"]


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", KB)


def backlink_slugs(library: Library, slug: str) -> list[str]:
    return sorted(backlink.slug for backlink in library.backlinks(slug) or ())


def opened(kb_root: Path) -> Library:
    library = Library(kb_root)
    assert library.open_index() is not None
    library.load_graph(pause=False)
    return library


def cache_file(kb_root: Path, pattern: str) -> Path:
    folder = index_dir_for(kb_root)
    if pattern.startswith("../"):
        folder, pattern = folder.parent, pattern[3:]
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


def kbtui(*args: str) -> subprocess.CompletedProcess[str]:
    """A real kbtui process; the timeout fails the test (and kills it) if it blocks."""
    return subprocess.run(
        [sys.executable, "-m", "kbtui", *args],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        env=dict(os.environ),
    )


def test_a_well_formed_but_wrong_links_file_gives_no_wrong_backlinks(kb_root: Path) -> None:
    library = opened(kb_root)
    assert backlink_slugs(library, "phone-banks") == ["street-teams"]
    assert backlink_slugs(library, "street-teams") == ["rent-strike"]
    library.close()
    links = cache_file(kb_root, LINKS)
    data = json.loads(links.read_text(encoding="utf-8"))
    # Same schema, KB and generation: only the rows lie (rent-strike links phone-banks).
    data["links"]["rent-strike"] = data["links"]["street-teams"]
    data["links"]["street-teams"] = ""
    links.write_text(json.dumps(data), encoding="utf-8")
    again = opened(kb_root)
    assert backlink_slugs(again, "phone-banks") == ["street-teams"]
    assert backlink_slugs(again, "street-teams") == ["rent-strike"]
    again.close()


@pytest.mark.parametrize("pattern", CACHE_FILES)
def test_a_fifo_in_place_of_a_cache_file_never_blocks(kb_root: Path, pattern: str) -> None:
    assert kbtui("index", "--kb", str(kb_root)).returncode == 0
    victim = cache_file(kb_root, pattern)
    victim.unlink()
    os.mkfifo(victim)
    # A new entry, so the sync also takes the writer's lock and writes what it changed.
    write_kb(kb_root, {"ocelots.md": "# Ocelots\n\n## Summary\nAbout ocelots. Spotted.\n"})
    done = kbtui("search", "ocelot", "--kb", str(kb_root))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "(ocelots, " in done.stdout
    done = kbtui("index", "--rebuild", "--kb", str(kb_root))
    assert done.returncode == 0 and "rebuilt the index (4 entries)" in done.stdout, done.stderr
    assert "in memory" not in done.stdout
    done = kbtui("search", "tenants", "--kb", str(kb_root))
    assert done.returncode == 0 and "(rent-strike, " in done.stdout


@pytest.mark.parametrize("pattern", ["_MAIN_*.toc", "*.seg", MANIFEST])
def test_a_symlink_in_place_of_a_cache_file_is_not_followed(
    kb_root: Path, tmp_path: Path, pattern: str
) -> None:
    KBIndex(kb_root).sync()
    victim = cache_file(kb_root, pattern)
    outside = tmp_path / "outside" / victim.name
    outside.parent.mkdir()
    shutil.move(victim, outside)  # a good copy: following the link would "work"
    victim.symlink_to(outside)
    before = outside.read_bytes()
    kb_index = KBIndex(kb_root)
    assert kb_index.sync().rebuilt
    assert [hit.slug for hit in kb_index.search("tenants").hits] == ["rent-strike"]
    kb_index.close()
    assert outside.read_bytes() == before  # and nothing was written through it


def test_a_symlinked_links_file_is_not_followed(kb_root: Path, tmp_path: Path) -> None:
    KBIndex(kb_root).sync()
    victim = cache_file(kb_root, LINKS)
    outside = tmp_path / "outside-links.json"
    shutil.move(victim, outside)
    victim.symlink_to(outside)
    kb_index = KBIndex(kb_root)
    kb_index.sync()
    assert kb_index.link_rows() is None  # not read: the graph is parsed from the KB
    kb_index.close()
    library = opened(kb_root)
    assert backlink_slugs(library, "phone-banks") == ["street-teams"]
    library.close()

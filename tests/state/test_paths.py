"""Where kbtui keeps things; nothing is created just by asking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui import paths


def test_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBTUI_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("KBTUI_DATA_DIR", str(tmp_path / "d"))
    assert paths.cache_dir() == tmp_path / "c"
    assert paths.data_dir() == tmp_path / "d"
    assert not (tmp_path / "c").exists() and not (tmp_path / "d").exists()


def test_platform_dirs_without_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KBTUI_CACHE_DIR")
    monkeypatch.delenv("KBTUI_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xd"))
    assert paths.cache_dir() == tmp_path / "xc" / "kbtui"
    assert paths.data_dir() == tmp_path / "xd" / "kbtui"
    assert list(tmp_path.iterdir()) == []


def test_kb_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "env").mkdir()
    (tmp_path / "arg").mkdir()
    monkeypatch.setenv("KBTUI_KB", str(tmp_path / "env"))
    assert paths.resolve_kb(str(tmp_path / "arg")) == tmp_path / "arg"
    assert paths.resolve_kb(None) == tmp_path / "env"
    monkeypatch.delenv("KBTUI_KB")
    assert paths.resolve_kb(None) == paths.bundled_kb().resolve()
    assert (paths.bundled_kb() / "distributed-organizing.md").is_file()


def test_bad_kb_paths_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(paths.KBLocationError, match="does not exist"):
        paths.resolve_kb(str(tmp_path / "nope"))
    file = tmp_path / "f"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(paths.KBLocationError, match="is a file, not a folder"):
        paths.resolve_kb(str(file))


def test_importing_and_asking_creates_nothing(tmp_path: Path) -> None:
    """In a fresh process with an empty home: import, call every function, look around."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PATH": os.environ.get("PATH", ""),
    }
    probe = (
        "from kbtui import paths\n"
        "print(paths.cache_dir()); print(paths.data_dir()); print(paths.bundled_kb())\n"
        "print(paths.resolve_kb(None))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    cache, data, *_ = done.stdout.splitlines()
    assert cache == str(home / ".cache" / "kbtui")
    assert data == str(home / ".local" / "share" / "kbtui")
    assert list(home.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_tilde_in_overrides_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KBTUI_CACHE_DIR", "~/c")
    monkeypatch.setenv("KBTUI_DATA_DIR", "~/d")
    assert paths.cache_dir() == tmp_path / "c"
    assert paths.data_dir() == tmp_path / "d"
    (tmp_path / "kb").mkdir()
    assert paths.resolve_kb("~/kb") == tmp_path / "kb"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb"]


def test_empty_overrides_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBTUI_CACHE_DIR", "")
    monkeypatch.setenv("KBTUI_DATA_DIR", "")
    monkeypatch.setenv("KBTUI_KB", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xd"))
    assert paths.cache_dir() == tmp_path / "xc" / "kbtui"
    assert paths.data_dir() == tmp_path / "xd" / "kbtui"
    assert paths.resolve_kb(None) == paths.bundled_kb().resolve()


def test_relative_kb_paths_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my-kb").mkdir()
    monkeypatch.chdir(tmp_path)
    assert paths.resolve_kb("my-kb") == tmp_path / "my-kb"
    monkeypatch.setenv("KBTUI_KB", "my-kb")
    assert paths.resolve_kb(None) == tmp_path / "my-kb"
    assert paths.resolve_kb(None).is_absolute()


def test_errors_name_where_the_path_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBTUI_KB", str(tmp_path / "gone"))
    with pytest.raises(paths.KBLocationError) as raised:
        paths.resolve_kb(None)
    assert (
        str(raised.value) == f"The KB folder {str(tmp_path / 'gone')!r} (KBTUI_KB) does not exist."
    )
    with pytest.raises(paths.KBLocationError, match=r"\(--kb\) does not exist"):
        paths.resolve_kb(str(tmp_path / "also-gone"))
    assert not (tmp_path / "gone").exists() and not (tmp_path / "also-gone").exists()


def test_display_name(tmp_path: Path) -> None:
    assert paths.kb_display_name(paths.bundled_kb()) == "starter KB"
    assert paths.kb_display_name(tmp_path / "my-kb") == "my-kb"

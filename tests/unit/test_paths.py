"""Where kbtui keeps things; nothing is created just by asking."""

from __future__ import annotations

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

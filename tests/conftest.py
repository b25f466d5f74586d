"""Shared fixtures: tests never touch the real home directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_LIKE = REPO / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KBTUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KBTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KBTUI_KB", raising=False)
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.delenv("NO_COLOR")
    yield


def write_kb(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a KB folder from {relative path: text or bytes}."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root

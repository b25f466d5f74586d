"""The offline guarantee: the app, the presenter, search and export open no network
connection. Every way out of the machine is replaced by a tripwire that records the
attempt and fails; local socketpairs (asyncio's own wake-up pipe) stay allowed."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from kbtui.cli import main
from tests.conftest import write_kb

KB = {
    "distributed-organizing.md": "# Distributed organizing\n\n## Summary\nMany hands.\n\n"
    "## Body\nSee [the source](https://example.org/x) [source: moblab].\n\n"
    "## Related\n- one-to-ones\n",
    "one-to-ones.md": "# One-to-ones\n\n## Summary\nTalk, then listen.\n\n"
    "## Related\n- distributed-organizing\n",
    "sources/moblab.md": "# MobLab\n\n## Summary\nA source.\n\n## Related\n"
    "- distributed-organizing\n",
    "paths/first.md": "# First session\n\nIntro.\n\n1. distributed-organizing — ask\n"
    "2. one-to-ones\n",
}


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def blocked(*args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(f"{name}{args[1:2] or args[:1]}")
            raise OSError(f"network use is forbidden in this test: {name}")

        return blocked

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return attempts


def test_cli_commands_stay_offline(
    tmp_path: Path, tripwire: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    kb = write_kb(tmp_path / "kb", KB)
    assert main(["check", "--kb", str(kb)]) in (0, 1)
    assert main(["show", "one-to-ones", "--kb", str(kb)]) == 0
    assert main(["search", "organizing", "--kb", str(kb)]) == 0
    out = tmp_path / "handout.html"
    assert main(["export", "--path", "first", "-o", str(out), "--kb", str(kb)]) == 0
    assert out.read_text(encoding="utf-8").count("<section") >= 2
    assert tripwire == []


def test_app_and_presenter_stay_offline(tmp_path: Path, tripwire: list[str]) -> None:
    from kbtui.ui.app import KBApp
    from kbtui.ui.screens.presenter import PresenterScreen

    kb = write_kb(tmp_path / "kb", KB)

    async def drive() -> tuple[str | None, bool]:
        app = KBApp(kb, save=True)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(4):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("slash", "o", "r", "g", "enter")
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            reader = app.screen.query_one("#reader")
            opened = reader.entry.slug if reader.entry else None  # type: ignore[attr-defined]
            app.present("paths/first")
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("space", "enter", "left")
            await pilot.pause()
            presenting = isinstance(app.screen, PresenterScreen)
        return opened, presenting

    opened, presenting = asyncio.run(drive())
    assert opened == "distributed-organizing"
    assert presenting
    assert tripwire == []


def test_the_tripwire_works(tripwire: list[str]) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    assert tripwire

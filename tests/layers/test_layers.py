"""Layers: the KB model, the index and the scripting commands never import Textual,
and the TUI's first paint does not wait for Whoosh or the Markdown parser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def imported_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stdout.split())


def test_kb_index_and_cli_import_without_textual() -> None:
    modules = imported_after(
        "import kbtui.kb, kbtui.kb.graph, kbtui.kb.checks, kbtui.index.store, kbtui.cli, "
        "kbtui.cli.kb_commands, kbtui.cli.search_commands, kbtui.export, kbtui.paths, "
        "kbtui.state, kbtui.library"
    )
    assert "textual" not in modules
    assert "kbtui.index.store" in modules  # the probe really imported the layers


def test_the_watcher_and_the_editor_import_without_textual() -> None:
    modules = imported_after("import kbtui.watch, kbtui.editor")
    assert "kbtui.watch" in modules and "kbtui.editor" in modules
    assert "textual" not in modules


def test_scripting_commands_run_without_textual(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## Summary\nA. B.\n", encoding="utf-8")
    for command in (["check"], ["show", "a"], ["search", "a"], ["index"]):
        args = ", ".join(repr(a) for a in [*command, "--kb", str(tmp_path)])
        code = (
            "import contextlib, io, sys\nfrom kbtui.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main([{args}])"
        )
        assert "textual" not in imported_after(code), command


def test_check_does_not_load_whoosh(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## Summary\nA. B.\n", encoding="utf-8")
    args = ["check", "--kb", str(tmp_path)]
    code = (
        "import contextlib, io\nfrom kbtui.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({args!r})"
    )
    assert "whoosh" not in imported_after(code)


def test_tui_module_defers_whoosh_and_mistune() -> None:
    modules = imported_after("import kbtui.ui.app")
    assert "textual" in modules
    assert "whoosh" not in modules and "mistune" not in modules
    # Nor the KB model (dataclasses cost ~6 ms to create): it comes with the first entry.
    assert "kbtui.kb.model" not in modules
    assert "kbtui.ui.widgets.entry_view" not in modules


def test_the_foundation_modules_alone_never_import_textual() -> None:
    probe = (
        "import sys\nimport kbtui.kb, kbtui.cli, kbtui.cli.kb_commands, kbtui.paths\n"
        "from kbtui.kb import load_kb, check, parse_entry\n"
        "print('textual' in sys.modules, any(m.startswith('textual.') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "False"]


MINI_KB = Path(__file__).resolve().parents[1] / "fixtures" / "mini-kb"


def imported_by_command(*args: str) -> tuple[int, set[str]]:
    """Run the real entry point (kbtui/__main__.py, as `python -m kbtui ...` does) and
    list every module loaded by the time the process exits."""
    probe = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sys.modules) + '\\n'))\n"
        "runpy.run_module('kbtui', run_name='__main__', alter_sys=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    last = done.stderr.splitlines()[-1]
    assert last.startswith("MODULES "), done.stderr
    return done.returncode, set(last.split()[1:])


def test_kbtui_check_through_the_entry_point_never_imports_textual() -> None:
    for args, expected in (
        (("check",), 1),
        (("check", "--json"), 1),
        (("show", "moblab"), 0),
        (("show", "nowhere"), 2),
    ):
        code, modules = imported_by_command(*args, "--kb", str(MINI_KB))
        assert code == expected, args
        assert {"kbtui.cli", "kbtui.kb.parser", "kbtui.cli.kb_commands"} <= modules, args
        assert not {m for m in modules if m == "textual" or m.startswith("textual.")}, args
        assert not {m for m in modules if m == "whoosh" or m.startswith("whoosh.")}, args


REPO = Path(__file__).resolve().parents[2]


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    """kb imports nothing else of kbtui; index only kb and paths; the KB session,
    export, state and the scripting commands never import Textual; front ends sit on
    the session (the contracts are in pyproject.toml, checked by import-linter)."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " kept, 0 broken" in done.stdout


def test_no_module_imports_itself_round_a_cycle() -> None:
    """Not even under TYPE_CHECKING or inside a function: each room has one way in."""
    import grimp

    graph = grimp.build_graph("kbtui")
    cycles: set[tuple[str, ...]] = set()
    for start in graph.modules:
        stack = [(start, (start,))]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for imported in graph.find_modules_directly_imported_by(node):
                if imported == start:
                    cycles.add(tuple(sorted(path)))
                elif imported not in seen:
                    seen.add(imported)
                    stack.append((imported, (*path, imported)))
    assert not cycles

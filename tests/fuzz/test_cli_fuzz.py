"""Fuzzed KBs through the CLI: ``check``, ``show SLUG``, ``search WORD`` and ``export``.

Each example writes a generated hostile KB (see ``kbgen``) with a secret outside it and
runs the commands in-process through ``kbtui.cli.main``. Nothing escapes as an
exception, the exit code is one the CLI documents (0, 1 or 2), no output (stdout,
stderr, the exported files) carries a byte a terminal would act on, and the secret's
token never appears anywhere. A couple of examples run as a real subprocess too, so a
traceback printed by the interpreter would be seen.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kbtui.cli import main
from kbtui.library import Library
from tests.fuzz.kbgen import Built, build_kb, entries, fuzz, path_steps, unsafe_in

SEARCH_WORDS = ["alpha", "organising", "strike", "[b]", "\x1b[31m", "secret", "w" * 300]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_clean(built: Built, code: int, out: str, err: str, allowed: set[int]) -> None:
    assert code in allowed, (code, out, err)
    assert "Traceback" not in err, err
    for stream in (out, err):
        assert not unsafe_in(stream), (unsafe_in(stream), stream)
        assert built.token not in stream, stream


def slugs_of(root: Path) -> list[str]:
    return sorted(Library(root).load_all().entries)


@fuzz(60)
@given(generated=st.lists(entries(), min_size=1, max_size=5), steps=path_steps, data=st.data())
def test_check_show_search_export_survive_hostile_kbs(
    generated: list, steps: list[str], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        built = build_kb(Path(tmp), generated, steps)
        kb = str(built.root)

        code, out, err = run("check", "--kb", kb)
        assert_clean(built, code, out, err, {0, 1})
        code, out, err = run("check", "--kb", kb, "--json")
        assert_clean(built, code, out, err, {0, 1})

        slugs = slugs_of(built.root)
        assert not any(built.token in slug for slug in slugs)
        for slug in slugs:
            for extra in ((), ("--json",)):
                code, out, err = run("show", "--kb", kb, *extra, "--", slug)
                assert_clean(built, code, out, err, {0})
        for climb in ("leak", "deep/climb", "outside/secret", "../secret", str(built.secret)):
            code, out, err = run("show", "--kb", kb, "--", climb)
            assert_clean(built, code, out, err, {2})  # not an entry of this KB

        word = data.draw(st.sampled_from(SEARCH_WORDS), label="word")
        for extra in ((), ("--json",)):
            code, out, err = run("search", "--kb", kb, *extra, "--", word)
            assert_clean(built, code, out, err, {0, 1})

        exports = Path(tmp) / "exports"
        exports.mkdir()
        jobs = [("--path", built.path_name)] + [("--", slug) for slug in slugs[:3]]
        for number, job in enumerate(jobs):
            for form in ("html", "md"):
                target = exports / f"{number}.{form}"
                code, out, err = run(
                    "export", "--kb", kb, "--format", form, "-o", str(target), *job
                )
                # A path whose steps name no entry is refused (2), with one sentence.
                assert_clean(built, code, out, err, {0, 2} if job[0] == "--path" else {0})
                if code:
                    continue
                written = target.read_text(encoding="utf-8")
                assert built.token not in written
                assert not unsafe_in(written), (unsafe_in(written), form, job)


@fuzz(2)
@given(generated=st.lists(entries(), min_size=1, max_size=3), steps=path_steps)
def test_a_real_process_prints_no_traceback(generated: list, steps: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        built = build_kb(Path(tmp), generated, steps)
        for argv in (["check"], ["search", "--", "alpha"]):
            done = subprocess.run(
                [sys.executable, "-m", "kbtui", *argv[:1], "--kb", str(built.root), *argv[1:]],
                capture_output=True,
                timeout=120,
                check=False,
                env=dict(os.environ),
            )
            out = done.stdout.decode("utf-8")  # strict: a stray 8-bit C1 byte fails here
            err = done.stderr.decode("utf-8")
            assert_clean(built, done.returncode, out, err, {0, 1})

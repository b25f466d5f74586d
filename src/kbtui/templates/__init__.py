"""The HTML templates of the web reader and the handouts: one Jinja environment,
autoescaping everything, for both. No Textual, no web framework.

``shared/`` holds what both show (an entry), ``web/`` the reader's pages, and
``handout/`` the printable handout; the stylesheets and the one script sit beside
them and are read with :func:`asset`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE),
        autoescape=True,  # every file, whatever its name: KB text is data everywhere
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


@lru_cache(maxsize=16)
def asset(name: str) -> str:
    """The text of a stylesheet or script kept beside the templates."""
    return (HERE / name).read_text(encoding="utf-8")

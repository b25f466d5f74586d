"""``kbtui search`` and ``kbtui index`` (added with the search index)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_search_commands(commands: Any, add_kb: Callable[..., None]) -> None:
    return None

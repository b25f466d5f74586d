"""Printing helpers: one place that writes to the terminal for the scripting commands."""

from __future__ import annotations

import json
import sys
from typing import Any

from kbtui.kb.boundary import display, json_safe


def say(text: str = "") -> None:
    sys.stdout.write(display(text) + "\n")


def say_json(value: Any) -> None:
    """JSON on stdout, with DEL, C1 and bidi controls (from file names) as \\u escapes."""
    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")


def warn(text: str) -> None:
    sys.stderr.write("kbtui: " + display(text) + "\n")

"""Where advice begins: the defaults of ``kbtui check --advice``. Light to import (the
command line's help names them before anything is parsed)."""

from __future__ import annotations

THIN_WORDS = 60  # a Body shorter than this many words says little
STALE_DAYS = 730  # a check older than this (two years) is worth making again

"""What a command says when it cannot go on: one clear sentence, exit 2."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake on the command line; the message is one clear sentence."""

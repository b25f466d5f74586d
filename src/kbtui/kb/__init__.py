"""The knowledge base as data: parsing, links, backlinks and checks. No Textual here.

Names are loaded on first use, so ``import kbtui.kb.model`` (or ``.history``) stays
light: the TUI paints before the Markdown parser is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "PROBLEM_KINDS": "kbtui.kb.checks",
    "check": "kbtui.kb.checks",
    "KnowledgeBase": "kbtui.kb.graph",
    "load_kb": "kbtui.kb.graph",
    "Resolver": "kbtui.kb.links",
    "normalise_target": "kbtui.kb.links",
    "parse_entry": "kbtui.kb.parser",
    "Backlink": "kbtui.kb.model",
    "Entry": "kbtui.kb.model",
    "Link": "kbtui.kb.model",
    "LinkKind": "kbtui.kb.model",
    "PathStep": "kbtui.kb.model",
    "Problem": "kbtui.kb.model",
    "ResolvedLink": "kbtui.kb.model",
    "Section": "kbtui.kb.model",
    "SectionKey": "kbtui.kb.model",
    "SourceLine": "kbtui.kb.model",
    "Verification": "kbtui.kb.model",
}

__all__ = [
    "PROBLEM_KINDS",
    "Backlink",
    "Entry",
    "KnowledgeBase",
    "Link",
    "LinkKind",
    "PathStep",
    "Problem",
    "ResolvedLink",
    "Resolver",
    "Section",
    "SectionKey",
    "SourceLine",
    "Verification",
    "check",
    "load_kb",
    "normalise_target",
    "parse_entry",
]

if TYPE_CHECKING:
    from kbtui.kb.checks import PROBLEM_KINDS, check
    from kbtui.kb.graph import KnowledgeBase, load_kb
    from kbtui.kb.links import Resolver, normalise_target
    from kbtui.kb.model import (
        Backlink,
        Entry,
        Link,
        LinkKind,
        PathStep,
        Problem,
        ResolvedLink,
        Section,
        SectionKey,
        SourceLine,
        Verification,
    )
    from kbtui.kb.parser import parse_entry


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kbtui.kb' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

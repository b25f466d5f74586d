"""The knowledge base as data: parsing, links, backlinks and checks. No Textual here."""

from kbtui.kb.check import PROBLEM_KINDS, check
from kbtui.kb.graph import KnowledgeBase, Resolver, load_kb, normalise_target
from kbtui.kb.model import (
    Backlink,
    Entry,
    Link,
    LinkKind,
    Problem,
    ResolvedLink,
    Section,
    SectionKey,
    SourceLine,
    Verification,
)
from kbtui.kb.parser import parse_entry

__all__ = [
    "PROBLEM_KINDS",
    "Backlink",
    "Entry",
    "KnowledgeBase",
    "Link",
    "LinkKind",
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

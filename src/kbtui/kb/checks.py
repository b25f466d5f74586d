"""Everything a curator should fix in a KB, as a list of Problems."""

from __future__ import annotations

from kbtui.kb.graph import KnowledgeBase
from kbtui.kb.model import LinkKind, Problem, SectionKey

_FLAG_PROBLEMS = {
    "undecodable": "the file is not valid UTF-8; unreadable bytes were replaced",
    "binary": "the file holds NUL bytes: it looks binary, not text",
    "too-large": "the file is over 1 MiB; only its first 1 MiB was read",
    "control-characters": "the text holds control characters or escape sequences (shown as ␛)",
}

PROBLEM_KINDS = (
    "broken-link",
    "missing-summary",
    "duplicate-section",
    "empty-entry",
    "undecodable",
    "outside-link",
    "orphan",
    "duplicate-slug",
    "binary",
    "too-large",
    "control-characters",
    "unreadable",
    "empty-path",
)


def check(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = list(kb.load_problems)
    for slug, entry in kb.entries.items():
        for flag, detail in _FLAG_PROBLEMS.items():
            if flag in entry.flags:
                problems.append(Problem(slug, flag, detail))
        has_content = any(s.text.strip() for s in entry.sections)
        if "empty" in entry.flags or not has_content:
            problems.append(Problem(slug, "empty-entry", "the entry has no text"))
            continue
        if entry.type != "path" and entry.summary_missing:
            summary = entry.section(SectionKey.SUMMARY)
            if summary is None:
                detail = "no Summary section"
            elif not summary.text.strip():
                detail = "the Summary section is empty"
            else:
                detail = "the Summary is still TBD"
            problems.append(Problem(slug, "missing-summary", detail))
        if entry.type == "path" and not entry.steps:
            problems.append(Problem(slug, "empty-path", "the reading path lists no steps"))
        for name in entry.duplicate_sections:
            problems.append(Problem(slug, "duplicate-section", f"section {name!r} appears twice"))
        for resolved in kb.links_of(slug):
            link = resolved.link
            if resolved.outside:
                problems.append(
                    Problem(slug, "outside-link", f"{link.section}: {link.target!r} leads outside")
                )
            elif resolved.missing:
                where = link.section
                if link.kind is LinkKind.STEP:
                    number = next((s.number for s in entry.steps if s.target == link.target), 0)
                    where = f"step {number}"
                problems.append(
                    Problem(slug, "broken-link", f"{where}: {link.target!r} is not in this KB")
                )
        if entry.type != "path" and len(kb) > 1 and not kb.backlinks(slug):
            problems.append(Problem(slug, "orphan", "no other entry links here"))
    return sorted(problems, key=lambda p: (p.slug, p.kind, p.detail))

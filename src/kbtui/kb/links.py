"""Link targets: how a target written in an entry finds its slug. Pure Python."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SEARCH_FOLDERS = ("sources/", "case-studies/")


@dataclass(frozen=True)
class Target:
    name: str | None
    outside: str | None  # why the target is refused, when it points outside the KB


def normalise_target(raw: str) -> Target:
    text = unquote(raw.strip().strip("<>").strip())
    if _SCHEME.match(text):
        return Target(None, "a URL, not an entry in this KB")
    if text.startswith(("/", "\\", "~")):
        return Target(None, "an absolute path outside the KB")
    text = text.split("#", 1)[0].split("?", 1)[0].replace("\\", "/")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        return Target(None, "a path that climbs out of the KB with '..'")
    name = "/".join(parts).lower()
    for suffix in (".md", ".markdown"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return Target(name or None, None)


class Resolver:
    """Target -> slug: exact slug, under sources/, under case-studies/, unique file name."""

    def __init__(self, slugs: Iterable[str]) -> None:
        self._slugs = set(slugs)
        by_name: dict[str, list[str]] = defaultdict(list)
        for slug in sorted(self._slugs):
            by_name[slug.rsplit("/", 1)[-1]].append(slug)
        self._by_name = {name: found[0] for name, found in by_name.items() if len(found) == 1}
        # The same targets recur across a KB (ten links per entry, far fewer targets).
        self._resolved: dict[str, tuple[str | None, str | None]] = {}

    def resolve(self, raw: str) -> tuple[str | None, str | None]:
        """The slug ``raw`` names (or None), and why it was refused if it leads outside."""
        found = self._resolved.get(raw)
        if found is None:
            found = self._resolved[raw] = self._resolve(raw)
        return found

    def _resolve(self, raw: str) -> tuple[str | None, str | None]:
        target = normalise_target(raw)
        if target.outside is not None or target.name is None:
            return None, target.outside
        name = target.name
        if name in self._slugs:
            return name, None
        for folder in SEARCH_FOLDERS:
            if folder + name in self._slugs:
                return folder + name, None
        return self._by_name.get(name.rsplit("/", 1)[-1]), None

"""Unlinked mentions: an entry's text names another entry by its title, without a link.

Titles and text are compared word by word, case and plurals folded ("Rent strikes"
is mentioned by "a rent strike"). A title with a subtitle ("Rules for Radicals: A
Pragmatic Primer") is also found by its part before the colon, dash or bracket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import chain, compress, count, pairwise
from operator import or_

from kbtui.kb.similarity import singular

_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")
_POSSESSIVE = re.compile(r"['’]s$")
_SUBTITLE = re.compile(r"\s*(?::|\(|\s[—–-]\s)")
MIN_TITLE_CHARS = 4  # shorter titles ("MST") are found in too many words by chance

Phrase = tuple[str, ...]


def words(text: str) -> list[str]:
    """``text`` as folded words, in order."""
    return list(map(_FOLDED.__getitem__, _TOKEN.findall(text.lower())))


class _Folded(dict[str, str]):
    """token -> the word it stands for (case, possessive and plural folded), worked out
    once per token: a text is then folded in C."""

    def __missing__(self, token: str) -> str:
        word = singular(_POSSESSIVE.sub("", token))
        if len(self) < 500_000:  # a KB of made-up words cannot grow it without end
            self[token] = word
        return word


_FOLDED = _Folded()


def title_phrases(title: str) -> list[Phrase]:
    """The word sequences that name an entry titled ``title``."""
    found: list[Phrase] = []
    for text in (title, _SUBTITLE.split(title, maxsplit=1)[0]):
        phrase = tuple(words(text))
        if phrase and len(" ".join(phrase)) >= MIN_TITLE_CHARS and phrase not in found:
            found.append(phrase)
    return found


class TitleFinder:
    """Finds the entries whose titles a text names."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        # One-word titles by their word; longer ones by their first two words, longest
        # first, so a long title is matched before a shorter one inside it.
        self._single: dict[str, str] = {}
        self._multi: dict[tuple[str, str], list[tuple[Phrase, str]]] = {}
        for slug, title in sorted(titles.items()):
            for phrase in title_phrases(title):
                if len(phrase) == 1:
                    self._single.setdefault(phrase[0], slug)
                else:
                    self._multi.setdefault((phrase[0], phrase[1]), []).append((phrase, slug))
        for candidates in self._multi.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def mentioned(self, text: str) -> list[str]:
        """The slugs whose titles ``text`` names, in the order first named."""
        return [slug for slug, _ in self.mentions(words(text))]

    def mentions(self, tokens: list[str]) -> list[tuple[str, Phrase]]:
        """(slug, the words that named it) for each entry named in ``tokens``, once."""
        found: dict[str, Phrase] = {}
        free = 0  # the words before this are part of a title found already
        # Only where a title may begin is looked at: a one-word title, or the first two
        # words of a longer one (picked out in C: most words begin no title).
        singles = map(self._single.__contains__, tokens)
        doubles = map(self._multi.__contains__, pairwise(tokens))
        begins = map(or_, singles, chain(doubles, (False,)))
        for index in compress(count(), begins):
            if index < free:
                continue
            match = self._match_at(tokens, index)
            if match is not None:
                slug, phrase = match
                found.setdefault(slug, phrase)
                free = index + len(phrase)
        return list(found.items())

    def _match_at(self, tokens: list[str], index: int) -> tuple[str, Phrase] | None:
        word = tokens[index]
        if index + 1 < len(tokens):
            for phrase, slug in self._multi.get((word, tokens[index + 1]), ()):
                if tuple(tokens[index : index + len(phrase)]) == phrase:
                    return slug, phrase
        single = self._single.get(word)
        return (single, (word,)) if single is not None else None


def line_naming(lines: Iterable[tuple[int, str]], phrase: Phrase) -> int:
    """The number of the first of ``lines`` (numbered) whose words hold ``phrase``; 0."""
    size = len(phrase)
    for number, text in lines:
        found = words(text)
        if any(tuple(found[i : i + size]) == phrase for i in range(len(found) - size + 1)):
            return number
    return 0

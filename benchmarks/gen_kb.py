"""Generate a synthetic KB in the user's entry format, for benchmarks.

    python benchmarks/gen_kb.py OUT_DIR --entries 10000 [--seed 1]

Entries mix both heading styles (bare section lines and ``## `` headings), link to
each other through Related / Worked examples, cite sources, and use British and
American spellings, so parsing, linking and search see realistic text.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "organising",
    "organizing",
    "campaign",
    "volunteer",
    "leader",
    "meeting",
    "power",
    "community",
    "tenant",
    "union",
    "strike",
    "boycott",
    "petition",
    "canvass",
    "phone",
    "bank",
    "relational",
    "story",
    "narrative",
    "team",
    "snowflake",
    "ladder",
    "pyramid",
    "escalation",
    "demand",
    "target",
    "coalition",
    "ally",
    "pillar",
    "support",
    "nonviolent",
    "discipline",
    "training",
    "facilitation",
    "consensus",
    "burnout",
    "care",
    "mutual",
    "aid",
    "neighbourhood",
    "neighborhood",
    "labour",
    "labor",
    "mobilisation",
    "mobilization",
    "behaviour",
    "behavior",
    "digital",
    "security",
    "distributed",
    "network",
    "action",
    "march",
    "rally",
    "occupation",
    "assembly",
    "recruit",
    "onboarding",
    "retention",
    "turnout",
    "vote",
    "election",
    "housing",
    "rent",
    "climate",
    "school",
    "workers",
    "wages",
    "council",
    "city",
    "national",
    "local",
    "regional",
    "media",
    "framing",
    "message",
    "frame",
    "hashtag",
    "email",
    "list",
    "donor",
    "member",
    "dues",
    "chapter",
    "branch",
    "hub",
    "node",
    "base",
    "building",
    "listening",
    "conversation",
    "commitment",
    "ask",
    "follow",
    "Gézi",
    "Madríd",
    "São",
    "Paulo",
    "Zürich",
    "Kraków",
    "Montréal",
    "accountability",
    "strategy",
    "theory",
    "change",
]

SECTIONS_BARE = (
    "{title_line}Summary\n{summary}\nBody\n{body}\nUse it for\n{use}\n"
    "Worked examples\n{examples}\nRelated\n{related}\nOpen Questions\nNone yet.\n"
    "Sources & verification\n{sources}\nVerified 2026-06-23 by bench.\n"
)
SECTIONS_MD = (
    "{title_line}\n## Summary\n{summary}\n\n## Body\n{body}\n\n## Use it for\n{use}\n\n"
    "## Worked examples\n{examples}\n\n## Related\n{related}\n\n## Open Questions\nNone yet.\n\n"
    "## Sources & verification\n{sources}\nVerified 2026-06-23 by bench.\n"
)


SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "ban",
    "cor",
    "del",
    "fin",
    "gal",
    "hul",
    "jen",
    "kor",
    "lim",
    "mar",
    "nol",
    "per",
]


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    """Organising words first, then made-up words: a Zipf-like vocabulary."""
    made_up = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)
    }
    return WORDS + sorted(made_up)


def zipf_word(rng: random.Random, vocab: list[str]) -> str:
    # Rank r is drawn with probability ~ 1/r: a few words are common, most are rare.
    rank = int(len(vocab) ** rng.random()) - 1
    return vocab[min(rank, len(vocab) - 1)]


_VOCAB: list[str] = []


def sentence(rng: random.Random, words: int) -> str:
    if not _VOCAB:
        _VOCAB.extend(vocabulary(random.Random(7)))
        random.Random(11).shuffle(_VOCAB[: len(WORDS)])
    text = " ".join(zipf_word(rng, _VOCAB) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def slug_for(kind: str, number: int) -> str:
    if kind == "concept":
        return f"concept-{number:05d}"
    if kind == "case":
        return f"case-studies/case-{number:05d}"
    return f"sources/source-{number:05d}"


def generate(out: Path, entries: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    kinds = ["concept"] * 6 + ["case"] * 3 + ["source"]
    plan = [(rng.choice(kinds), i) for i in range(entries)]
    slugs = [slug_for(kind, i) for kind, i in plan]
    cases = [s for s in slugs if s.startswith("case-studies/")] or slugs
    sources = [s for s in slugs if s.startswith("sources/")] or slugs
    for (_kind, number), slug in zip(plan, slugs, strict=False):
        topic = " ".join(rng.sample(WORDS, 3))
        title = f"{topic.title()} {number}"
        body = "\n".join(
            sentence(rng, rng.randint(12, 30))
            + (f" [source: {rng.choice(sources).split('/', 1)[-1]}]" if rng.random() < 0.4 else "")
            for _ in range(rng.randint(3, 9))
        )
        template = SECTIONS_BARE if number % 2 else SECTIONS_MD
        text = template.format(
            title_line=f"# {title}\n" if number % 3 else "",
            summary=sentence(rng, rng.randint(15, 40)),
            body=body,
            use=sentence(rng, 12),
            examples="\n".join(f"- {rng.choice(cases)}" for _ in range(rng.randint(1, 4))),
            related="\n".join(
                f"- {rng.choice(slugs).split('/', 1)[-1]}" for _ in range(rng.randint(2, 8))
            ),
            sources="\n".join(
                f"- {rng.choice(sources)} — grounding: secondary"
                f" — RAW ({rng.randint(200, 9000)} chars)"
                for _ in range(rng.randint(1, 4))
            ),
        )
        path = out / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.entries, args.seed)
    print(f"wrote {args.entries} entries to {args.out}")


if __name__ == "__main__":
    main()

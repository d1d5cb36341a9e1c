"""A generalization check for the claim checker on sections it was not written from.

python scripts/verify_mutations.py [--data ../shared/data/news-ko-8class.jsonl] [--sections 세계,IT/과학]
    [--articles 60] [--seed 2]

The labelled claims (`claims-ko-dev.jsonl`) are about 경제, 정치 and 사회 articles. This script takes
articles of other sections and makes claims of them mechanically. Each full sentence is a claim that
must pass. Each sentence is then edited once per kind, and the edited claim must be caught:
- number: its first whole number raised by 3, 7 or 11;
- date: its first day moved by three days;
- polarity: its first direction word flipped (증가/감소, 상승/하락, 늘었/줄었, …);
- entity: its first name replaced by another name of the same script that the article gives elsewhere.

The containment baseline is scored beside the checker in the same run. The edits are synthetic and
simpler than an editor's (see docs/verify.md), so read the numbers as a floor on what generalizes, not as
the checker's accuracy.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

from prism.evaluate.claims import contained
from prism.nlp.korean import analyze
from prism.summarize.extractive import is_summary_worthy
from prism.verify import check
from prism.verify.checker import _actors, _kind, quantities

FLIPS = [
    ("증가", "감소"),
    ("상승", "하락"),
    ("늘었", "줄었"),
    ("늘어", "줄어"),
    ("올랐", "내렸"),
    ("확대", "축소"),
]


def edits(text: str, names: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """Return (kind, edited claim) for each kind of edit `text` allows."""
    out = []
    numbers = [q for q in quantities(text) if not q.is_date and q.value >= 2 and q.value == int(q.value)]
    if numbers:
        q = numbers[0]
        digits = re.match(r"\d[\d,]*", text[q.start : q.end])
        if digits:
            raised = str(int(digits.group(0).replace(",", "")) + rng.choice([3, 7, 11]))
            out.append(("number", text[: q.start] + raised + text[q.start + len(digits.group(0)) :]))
    day = re.search(r"(?<!\d)(\d{1,2})일", text)
    if day and int(day.group(1)) < 26:
        out.append(("date", text[: day.start()] + str(int(day.group(1)) + 3) + text[day.end(1) :]))
    for a, b in FLIPS:
        if a in text and b not in text:
            out.append(("polarity", text.replace(a, b, 1)))
            break
        if b in text and a not in text:
            out.append(("polarity", text.replace(b, a, 1)))
            break
    mine = [n for n in names if n in text]
    if mine:
        others = [n for n in names if n not in text and _kind(n) == _kind(mine[0])]
        if others:
            out.append(("entity", text.replace(mine[0], rng.choice(others), 1)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data/news-ko-8class.jsonl"))
    parser.add_argument("--sections", default="세계,IT/과학")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    wanted = set(args.sections.split(","))
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").split("\n") if line.strip()]
    chosen = [r for r in rows if r.get("category") in wanted]
    rng.shuffle(chosen)
    ours: Counter[str] = Counter()
    base: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in chosen[: args.articles]:
        analysis = analyze(row["title"], row["body"])
        names = list(dict.fromkeys(n for s in analysis.sentences for n in _actors(s) if len(n) > 1))
        for sentence in analysis.sentences:
            if not is_summary_worthy(sentence):
                continue
            total["verbatim"] += 1
            ours["verbatim"] += check(sentence.text, [analysis]).supported
            base["verbatim"] += contained(sentence.text, row["title"], row["body"])
            for kind, claim in edits(sentence.text, names, rng):
                total[kind] += 1
                ours[kind] += not check(claim, [analysis]).supported
                base[kind] += not contained(claim, row["title"], row["body"])
    print(f"{args.articles} articles of {args.sections} (seed {args.seed})")
    print("| claims | n | checker | containment |")
    print("|---|---|---|---|")
    for kind in ("verbatim", "number", "date", "entity", "polarity"):
        what = "accepted" if kind == "verbatim" else "caught"
        n = total[kind]
        if n:
            print(f"| {kind} ({what}) | {n} | {ours[kind] / n:.2f} | {base[kind] / n:.2f} |")


if __name__ == "__main__":
    main()

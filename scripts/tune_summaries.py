"""Re-tune the extractive summarizer's constants, leaving one dataset out at a time, and print them.

python scripts/tune_summaries.py [--data ../shared/data/summaries-ko-dev.jsonl] [--chars 200]

Prints each fold's chosen constants and held-out ROUGE-1, then the agreed constants to put in
`prism.summarize.extractive.Weights` (how they are agreed: `prism.evaluate.tune`). After changing them,
re-pin the gate with `python scripts/update_baselines.py summaries`.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from prism.evaluate.summaries import load_references, prepare
from prism.evaluate.tune import cross_validate
from prism.summarize.base import DEFAULT_CHARS
from prism.summarize.extractive import WEIGHTS

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data" / "summaries-ko-dev.jsonl"
    )
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--chars", type=int, default=DEFAULT_CHARS, help="character budget (0: none)")
    args = parser.parse_args()
    references, _ = load_references(args.data)
    articles = prepare(references, sentences=args.sentences)
    cv = cross_validate(articles, sentences=args.sentences, max_chars=args.chars or None)
    for name, fold in cv.folds.items():
        r1 = {kind: systems["ours"]["rouge1"] for kind, systems in fold.scores.items()}
        print(f"without {name}: {fold.chosen}\n    held-out ROUGE-1 {r1}")
    print(f"agreed: {cv.shipped}")
    if cv.shipped is not None and cv.shipped != WEIGHTS:
        changed = {k: v for k, v in dataclasses.asdict(cv.shipped).items() if getattr(WEIGHTS, k) != v}
        print(f"the shipped Weights differ: set {changed}")


if __name__ == "__main__":
    main()

"""Re-measure the evaluation gates and pin new floors (lowering one needs --allow-lower).

python scripts/update_baselines.py summaries [--data ../shared/data/summaries-ko-dev.jsonl] [--allow-lower]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from prism.evaluate import gate
from prism.evaluate.summaries import evaluate, load_references

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ROOT / "tests" / "baselines"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gate", choices=["summaries"])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data" / "summaries-ko-dev.jsonl"
    )
    parser.add_argument("--allow-lower", action="store_true", help="accept floors lower than the pinned ones")
    args = parser.parse_args()
    references, _ = load_references(args.data)
    report = evaluate(references, sentences=3)
    scores = {kind: report.scores["all"][kind]["ours"] for kind in ("extractive", "abstractive")}
    gate.update(
        BASELINES / "summaries.json", data=args.data, scores=scores, allow_lower=args.allow_lower, sentences=3
    )
    print(f"pinned {scores}")


if __name__ == "__main__":
    main()

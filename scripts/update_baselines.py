"""Re-measure the evaluation gates and pin new floors (lowering one needs --allow-lower).

python scripts/update_baselines.py summaries [--data ../shared/data/summaries-ko-dev.jsonl] [--allow-lower]
python scripts/update_baselines.py personas [--allow-lower]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from prism.evaluate import gate
from prism.evaluate.summaries import load_references, prepare
from prism.evaluate.tune import cross_validate
from prism.summarize.base import DEFAULT_CHARS

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ROOT / "tests" / "baselines"
SENTENCES = 3
FOLDS = 5  # the persona gate's folds by article


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gate", choices=["summaries", "personas"])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data" / "summaries-ko-dev.jsonl"
    )
    parser.add_argument("--allow-lower", action="store_true", help="accept floors lower than the pinned ones")
    args = parser.parse_args()
    if args.gate == "personas":
        personas(args.allow_lower)
        return
    summaries(args.data, args.allow_lower)


def summaries(data: Path, allow_lower: bool) -> None:
    """Pin ROUGE floors of our 3-sentence 핵심 요약 on held-out datasets (leave one dataset out): the
    mean over folds of scores measured with constants tuned without the scored dataset."""
    references, _ = load_references(data)
    articles = prepare(references, sentences=SENTENCES)
    cv = cross_validate(articles, sentences=SENTENCES, max_chars=DEFAULT_CHARS)
    scores = {kind: metrics["ours"] for kind, metrics in cv.mean().items()}
    gate.update(
        BASELINES / "summaries.json",
        data=data,
        scores=scores,
        allow_lower=allow_lower,
        sentences=SENTENCES,
        max_chars=DEFAULT_CHARS,
        folds="dataset",
    )
    print(f"pinned the held-out means {scores}")


def personas(allow_lower: bool) -> None:
    """Pin nDCG@6 and precision@6 floors of every persona (and the mean) held out: the mean over 5 folds
    by article of the dev judgments, the lower of the runs with and without the category field."""
    import tempfile

    from prism.evaluate.personas import evaluate_folds, judged_pool, load_judgments

    data = ROOT.parent / "shared" / "data"
    judgments, _ = load_judgments(data / "persona-judgments-dev.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        pool = judged_pool(data / "news-ko-8class.jsonl", judgments, Path(folder) / "pool.jsonl")
        scores: dict[str, dict[str, float]] = {}
        for drop in (False, True):
            summary = evaluate_folds(judgments, pool, folds=FOLDS, drop_category=drop).summary()["ours"]
            for key, metrics in summary.items():
                for metric, spread in metrics.items():
                    value = spread["mean"]
                    if value is None:
                        continue
                    kind = scores.setdefault(key, {})
                    kind[metric] = min(value, kind.get(metric, value))
    gate.update(
        BASELINES / "personas.json",
        data=data / "persona-judgments-dev.jsonl",
        scores=scores,
        allow_lower=allow_lower,
        step=0.01,
        pool_sha256=gate.sha256_of(data / "news-ko-8class.jsonl"),
        folds=FOLDS,
    )
    print(f"pinned the held-out means {scores}")


if __name__ == "__main__":
    main()

"""Would a reader type written from its description alone do as well as ours? (issue 15, item 2)

python scripts/personas_from_descriptions.py [--judgments ../shared/data/persona-judgments-dev.jsonl]
    [--pool /tmp/pool240.jsonl] [--folds 5]

For each shipped reader type, its interests are replaced by the nouns and noun phrases of its own
`description` (`prism.recommend.score.described`, weight 2; no negative terms; topics kept). Both versions
are scored held out (`prism eval personas --folds K` and `--folds category`) with the facets
(`prism.recommend.facets`) at several weights, 0 being no facets. The facet weight is then chosen by
nested cross-validation: for each held-out fold, the weight with the best mean on the other folds, scored
on that fold. Make the pool as docs/recommend.md shows.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from prism.evaluate.personas import FoldReport, evaluate_folds, load_judgments
from prism.recommend import facets
from prism.recommend.personas import Persona, load_personas
from prism.recommend.score import described

WEIGHTS = (0.0, 0.3, 0.5, 0.7)


def from_description(persona: Persona) -> Persona:
    """Return the reader type with only its description's nouns for interests."""
    interests = dict.fromkeys(described(persona.description), 2.0)
    return persona.model_copy(update={"interests": interests, "negative": {}})


def fold_means(report: FoldReport) -> list[float | None]:
    """Return each fold's nDCG@6 mean over reader types (None where nothing was judged relevant)."""
    return [fold.scores["ours"]["mean"]["ndcg"] for fold in report.folds]


def nested(by_weight: Mapping[float, list[float | None]]) -> tuple[float, list[float]]:
    """Return the nested-CV score (mean over folds of the held-out fold at the weight chosen on the others)
    and the weight chosen for each fold."""
    folds = len(next(iter(by_weight.values())))
    scores, chosen = [], []
    for held in range(folds):
        if by_weight[WEIGHTS[0]][held] is None:
            continue

        def rest(weight: float, held: int = held) -> float:
            values = [v for i, v in enumerate(by_weight[weight]) if i != held and v is not None]
            return sum(values) / len(values)

        best = max(WEIGHTS, key=rest)
        chosen.append(best)
        scores.append(float(by_weight[best][held] or 0.0))
    return sum(scores) / len(scores), chosen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--judgments", type=Path, default=Path("../shared/data/persona-judgments-dev.jsonl"))
    parser.add_argument("--pool", type=Path, default=Path("/tmp/pool240.jsonl"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    shipped = load_personas()
    versions = {
        "shipped": shipped,
        "from its description": {k: from_description(p) for k, p in shipped.items()},
    }
    judgments, _ = load_judgments(args.judgments)
    shipped_weight = facets.FACET_WEIGHT
    print(
        "| reader types | protocol | "
        + " | ".join(f"facets {w}" for w in WEIGHTS)
        + " | nested CV (weights) |"
    )
    print("|---|---|" + "---:|" * (len(WEIGHTS) + 1))
    per_type: dict[tuple[str, float], dict[str, float]] = {}
    try:
        for name, personas in versions.items():
            for protocol in (args.folds, "category"):
                by_weight: dict[float, list[float | None]] = {}
                means = []
                for weight in WEIGHTS:
                    facets.FACET_WEIGHT = weight
                    report = evaluate_folds(judgments, args.pool, folds=protocol, personas=personas)
                    by_weight[weight] = fold_means(report)
                    summary = report.summary()["ours"]
                    means.append(summary["mean"]["ndcg"]["mean"] or 0.0)
                    if protocol == args.folds:
                        per_type[(name, weight)] = {k: v["ndcg"]["mean"] or 0.0 for k, v in summary.items()}
                score, chosen = nested(by_weight)
                label = f"{protocol} folds" if protocol != "category" else "by category"
                cells = " | ".join(f"{m:.3f}" for m in means)
                print(f"| {name} | {label} | {cells} | {score:.3f} ({', '.join(map(str, chosen))}) |")
    finally:
        facets.FACET_WEIGHT = shipped_weight
    print()
    print(f"Per reader type, {args.folds} folds, nDCG@6 held out:")
    print()
    print("| reader type | shipped, no facets | shipped | description only, no facets | description only |")
    print("|---|---:|---:|---:|---:|")
    for key in [*shipped, "mean"]:
        cells = [per_type[(name, weight)][key] for name in versions for weight in (0.0, shipped_weight)]
        print(f"| {key} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")


if __name__ == "__main__":
    main()

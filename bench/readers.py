"""Benchmark: do readers' 👍/👎 make their own editions better for them?

    python bench/readers.py [--no-write]

Simulated readers over the 240 judged articles of the shared data. Each reader signs up as reader type A
and has hidden interests: A's grade-2 articles and three of another type B's grade-2 articles (what their
type alone would not give them); the rest of what A's type would show them, they do not care for. For
10 successive editions (each without the articles already shown) they give 👍 to picks they like and 👎 to
the rest. After each edition their own edition (reader type + feedback, the whole pool) is scored with
nDCG@6 against their hidden interests, beside the plain reader-type edition in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from _report import machine, publish

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
ROUNDS = 10


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
    rng = random.Random(7)
    keys = list(judgments)
    readers = []
    for a in keys:
        for b in rng.sample([k for k in keys if k != a], 2):
            hidden = {aid: 2 for aid, grade in judgments[a].items() if grade == 2}
            extra = [aid for aid, grade in judgments[b].items() if grade == 2 and aid not in hidden]
            for aid in rng.sample(extra, min(3, len(extra))):
                hidden[aid] = 2
            readers.append((a, b, hidden))
    now = datetime(2026, 11, 27, tzinfo=UTC)
    plain_scores, own_scores = [], [[] for _ in range(ROUNDS)]
    # Stricter: only articles the reader has not been shown yet, own vs plain, against what is left to like.
    fresh_own: list[list[float]] = [[] for _ in range(ROUNDS)]
    fresh_plain: list[list[float]] = [[] for _ in range(ROUNDS)]
    for persona_key, _, hidden in readers:
        persona = personas[persona_key]
        ideal = list(hidden.values())

        def grades(picks: list, hidden: dict[str, int] = hidden) -> list[int]:  # type: ignore[type-arg]
            return [hidden.get(external[p.article_id], 0) for p in picks]

        plain_scores.append(ndcg(grades(recommender.recommend(persona)), ideal))
        feedback: list[dict[str, object]] = []
        shown: set[int] = set()
        for round_ in range(ROUNDS):
            day = now - timedelta(days=ROUNDS - 1 - round_)
            vector = feedback_vector(feedback, now=day)
            edition = recommender.recommend(persona, feedback=vector, exclude=shown)
            for pick in edition:
                shown.add(pick.article_id)
                liked = hidden.get(external[pick.article_id], 0) >= 1
                feedback.append(
                    {"kind": "up" if liked else "down", "created_at": day, "terms": vectors[pick.article_id]}
                )
            profile = feedback_vector(feedback, now=day)
            own = recommender.recommend(persona, feedback=profile)
            own_scores[round_].append(ndcg(grades(own), ideal))
            left = [g for aid, g in hidden.items() if aid not in {external[s] for s in shown}]
            if left:
                unseen_own = recommender.recommend(persona, feedback=profile, exclude=shown)
                unseen_plain = recommender.recommend(persona, exclude=shown)
                fresh_own[round_].append(ndcg(grades(unseen_own), left))
                fresh_plain[round_].append(ndcg(grades(unseen_plain), left))
    plain = float(np.mean(plain_scores))
    lines = [
        "## Readers' feedback (`bench/readers.py`)",
        "",
        f"{len(readers)} simulated readers (each reader type A with two other types B) over the 240 judged "
        "articles; hidden interests = A's grade-2 articles + three of B's grade-2 ones; 👍 for liked picks, "
        f"👎 for the rest, on {ROUNDS} successive editions. Machine: {machine()}.",
        "",
        "| after edition | own edition nDCG@6 | plain reader-type edition | change "
        "| unseen only: own / plain |",
        "|---:|---:|---:|---:|---:|",
    ]
    for round_, scores in enumerate(own_scores, start=1):
        mean = float(np.mean(scores))
        fresh = (
            f"{np.mean(fresh_own[round_ - 1]):.3f} / {np.mean(fresh_plain[round_ - 1]):.3f}"
            if fresh_own[round_ - 1]
            else "–"
        )
        lines.append(f"| {round_} | {mean:.3f} | {plain:.3f} | {100 * (mean / plain - 1):+.0f}% | {fresh} |")
    mean_own = float(np.mean([np.mean(s) for s in own_scores]))
    change = 100 * (mean_own / plain - 1)
    lines += [
        "",
        f"Mean over the {ROUNDS} editions: {mean_own:.3f} vs {plain:.3f} ({change:+.0f}%). The own edition "
        "is built from the whole pool, so articles the reader already liked count; the last column keeps "
        "only articles not shown yet and scores both editions against the liked articles still unseen.",
    ]
    publish("readers", lines, write=not args.no_write)
    print(json.dumps({"plain": plain, "own": [float(np.mean(s)) for s in own_scores]}))


if __name__ == "__main__":
    main()

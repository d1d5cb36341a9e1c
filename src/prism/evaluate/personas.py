"""Score persona picks against graded judgments: nDCG@6 and precision@6, beside BM25 and random picks.

The pool is ingested into a temporary home and briefed with the whole pool as the window, exactly as
`prism brief --window all` would; the BM25 baseline is the registered "bm25" recommender (a plain keyword
query: the persona's interest terms, unweighted, exact matches, pool IDF), the random baseline averages
many seeded draws of 6 articles (the expectation of random picks, steadier than the one draw of the
registered "random" recommender).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from prism.config import get_settings
from prism.errors import UsageError
from prism.ingest.files import read_jsonl_file
from prism.recommend.base import recommenders
from prism.recommend.personas import Persona, load_personas
from prism.recommend.pool import load_pool
from prism.records import Rejection, SourceRecord

SYSTEMS = ("ours", "bm25", "random")
DEPTH = 6
RANDOM_DRAWS = 200


@dataclass(slots=True)
class PersonaReport:
    """nDCG@6 and precision@6 per system and persona ('mean' over personas)."""

    pool: int
    scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    picks: dict[str, list[str]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)

    def get(self, system: str, metric: str, persona: str = "mean") -> float:
        return self.scores[system][persona][metric]

    def as_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "scores": self.scores,
            "picks": self.picks,
            "rejected": [r.as_dict() for r in self.rejected],
        }


def load_judgments(path: Path) -> tuple[dict[str, dict[str, int]], list[Rejection]]:
    """Read `{id, <persona>: grade, …}` rows; return {persona: {article id: grade}}."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    judged: dict[str, dict[str, int]] = {}
    rejected: list[Rejection] = []
    for item in read_jsonl_file(path, name=str(path)):
        if isinstance(item, Rejection):
            rejected.append(item)
            continue
        if not isinstance(item, SourceRecord):
            continue
        row = item.fields
        try:
            if not isinstance(row.get("id"), str):
                raise ValueError("no string 'id'")
            grades = {key: value for key, value in row.items() if key != "id"}
            if not grades or any(not isinstance(g, int) or not 0 <= g <= 2 for g in grades.values()):
                raise ValueError("grades must be integers 0, 1 or 2")
        except ValueError as exc:
            rejected.append(Rejection(item.where, f"not a judgment row: {exc}"))
            continue
        for persona, grade in grades.items():
            judged.setdefault(persona, {})[row["id"]] = grade
    if not judged:
        raise UsageError(f"{path}: no judgment rows")
    return judged, rejected


def judged_pool(news: Path, judgments: Mapping[str, Mapping[str, int]], out: Path) -> Path:
    """Write the judged articles of a news file (JSON Lines) to `out`: the pool the judgments grade."""
    judged = {article for grades in judgments.values() for article in grades}
    with out.open("w", encoding="utf-8") as handle:
        for line in news.read_text(encoding="utf-8").split("\n"):
            if line.strip() and json.loads(line).get("id") in judged:
                handle.write(line + "\n")
    return out


def ndcg(grades: Sequence[int], ideal: Sequence[int], depth: int = DEPTH) -> float:
    """Return nDCG@depth with gains 2^grade − 1."""

    def dcg(values: Sequence[int]) -> float:
        return float(sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(values[:depth])))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best > 0 else 0.0


def precision(grades: Sequence[int], depth: int = DEPTH) -> float:
    """Return the share of the first `depth` picks graded 1 or 2."""
    return sum(1 for g in grades[:depth] if g >= 1) / depth


def evaluate_personas(
    judgments: Mapping[str, Mapping[str, int]],
    pool_path: Path,
    *,
    drop_category: bool = False,
    personas: Mapping[str, Persona] | None = None,
    recommender: str = "prism",
) -> PersonaReport:
    """Ingest the pool into a temporary home, brief every judged persona with the recommender called
    `recommender` ("ours"), and score it beside the baselines."""
    from prism.ingest import ingest
    from prism.pipeline import enrich_pending
    from prism.store import open_engine

    chosen = recommenders.get(recommender)  # an unknown name fails before any work
    known = personas or load_personas()
    unknown = sorted(set(judgments) - set(known))
    if unknown:
        raise UsageError(f"judged persona {', '.join(unknown)} is not a known persona ({', '.join(known)})")
    if not pool_path.exists():
        raise UsageError(f"{pool_path}: no such file")
    with tempfile.TemporaryDirectory(prefix="prism-eval-") as folder:
        home = Path(folder)
        source = pool_path
        if drop_category:
            source = home / "pool.jsonl"
            with source.open("w", encoding="utf-8") as out:
                for line in pool_path.read_text(encoding="utf-8").split("\n"):
                    if line.strip():
                        row = json.loads(line)
                        row.pop("category", None)
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        settings = get_settings(home=home)
        engine = open_engine(settings.resolved_database_url)
        try:
            ingested = ingest([str(source)], engine=engine, settings=settings)
            enrich_pending(engine, settings)
            pool = load_pool(engine)
        finally:
            engine.dispose()
    report = PersonaReport(pool=len(pool), rejected=list(ingested.rejected))
    fitted = chosen().fit(pool)
    bm25 = recommenders.get("bm25")().fit(pool)
    rng = np.random.default_rng(0)
    for system in SYSTEMS:
        report.scores[system] = {}
    for key, grades_by_id in judgments.items():
        persona = known[key]
        ideal = list(grades_by_id.values())

        def grades_of(indices: Sequence[int], grades_by_id: Mapping[str, int] = grades_by_id) -> list[int]:
            return [grades_by_id.get(pool.external_ids[i] or "", 0) for i in indices]

        ours = [pick.index for pick in fitted.recommend(persona)]
        report.picks[key] = [pool.external_ids[i] or str(pool.article_id(i)) for i in ours]
        baseline = [pick.index for pick in bm25.recommend(persona)]
        draws = [
            rng.choice(len(pool), size=min(DEPTH, len(pool)), replace=False).tolist()
            for _ in range(RANDOM_DRAWS)
        ]
        for system, runs in (("ours", [ours]), ("bm25", [baseline]), ("random", draws)):
            report.scores[system][key] = {
                "ndcg": float(np.mean([ndcg(grades_of(run), ideal) for run in runs])),
                "precision": float(np.mean([precision(grades_of(run)) for run in runs])),
            }
    for system in SYSTEMS:
        per = report.scores[system]
        report.scores[system]["mean"] = {
            metric: float(np.mean([per[k][metric] for k in judgments])) for metric in ("ndcg", "precision")
        }
    return report

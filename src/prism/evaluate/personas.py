"""Score persona picks against graded judgments: nDCG@6 and precision@6, beside BM25 and random picks.

The pool is ingested into a temporary home and briefed with the whole pool as the window, exactly as
`prism brief --window all` would; the BM25 baseline is the registered "bm25" recommender (a plain keyword
query: the persona's interest terms, unweighted, exact matches, pool IDF), the random baseline averages
many seeded draws of 6 articles (the expectation of random picks, steadier than the one draw of the
registered "random" recommender).

Held out (`evaluate_folds`): the judged articles split into folds (by a hash of the id, or by category);
each fold's editions are built from that fold's articles alone and scored against its judgments. Nothing
the recommender uses is learned from judgments when it runs: `fit(pool)` reads only the pool's articles,
and its constants and the personas' terms are fixed in code and YAML (they were chosen by hand on the dev
judgments, so on those judgments the folds measure robustness to what the pool holds, not generalization
to news never seen; only judgments of other articles measure that).
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from prism.config import get_settings
from prism.errors import UsageError
from prism.ingest.files import read_jsonl_file
from prism.ingest.validate import CATEGORY_FIELDS
from prism.recommend.base import Recommender, recommenders
from prism.recommend.personas import Persona, load_personas
from prism.recommend.pool import Pool, build_pool, load_rows
from prism.records import PoolRow, Rejection, SourceRecord

SYSTEMS = ("ours", "bm25", "random")
METRICS = ("ndcg", "precision")
DEPTH = 6
RANDOM_DRAWS = 200

FoldsSpec = int | Literal["category"]
# A score over folds: mean, std (population, over the folds that define it), min and how many folds.
Spread = dict[str, float | int | None]


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


@dataclass(slots=True)
class Fold:
    """One held-out pool: its judged articles, scores by system, persona and metric ('mean' over the
    personas it defines; None where the fold holds nothing graded 1 or 2 for the persona), and the picks of
    ours and BM25."""

    name: str
    articles: list[str]
    pool: int
    relevant: dict[str, int] = field(default_factory=dict)  # articles graded 1 or 2, per persona
    scores: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    picks: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def best_precision(self, persona: str = "mean") -> float | None:
        """Return the highest precision@6 this fold allows the persona, or the mean over personas (None:
        nothing to find)."""
        if persona == "mean":
            return _mean([self.best_precision(key) for key in self.relevant])
        found = self.relevant[persona]
        return min(found, DEPTH) / DEPTH if found else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "articles": self.articles,
            "pool": self.pool,
            "relevant": self.relevant,
            "scores": self.scores,
            "picks": self.picks,
        }


@dataclass(slots=True)
class FoldReport:
    """Held-out scores of every fold, and their spread per system, persona and metric."""

    protocol: str
    personas: list[str]
    recommender: str
    folds: list[Fold] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # judged articles the pool does not hold

    def spread(self, system: str, metric: str, persona: str = "mean") -> Spread:
        """Return mean, std, min and count over the folds where the score is defined; system "best" is
        the highest precision@6 each fold allows."""
        if system == "best":
            found = [f.best_precision(persona) for f in self.folds]
        else:
            found = [f.scores[system][persona][metric] for f in self.folds]
        values = [v for v in found if v is not None]
        if not values:
            return {"mean": None, "std": None, "min": None, "folds": 0}
        return {
            "mean": float(np.mean(values)),
            "std": float(np.std(values)),
            "min": float(np.min(values)),
            "folds": len(values),
        }

    def summary(self) -> dict[str, dict[str, dict[str, Spread]]]:
        """Return the spread of every system, persona ('mean' last) and metric, and of the best precision
        the folds allow (system "best")."""
        keys = [*self.personas, "mean"]
        summary = {
            system: {key: {metric: self.spread(system, metric, key) for metric in METRICS} for key in keys}
            for system in SYSTEMS
        }
        summary["best"] = {key: {"precision": self.spread("best", "precision", key)} for key in keys}
        return summary

    def as_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "recommender": self.recommender,
            "personas": self.personas,
            "summary": self.summary(),
            "folds": [fold.as_dict() for fold in self.folds],
            "missing": self.missing,
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


def fold_of(ids: Iterable[str], folds: int) -> dict[str, int]:
    """Assign every id to one of `folds` folds (0-based): ids ordered by the SHA-256 of the id, dealt in
    turn, so fold sizes differ by at most one and an id's fold depends on the set of ids, never on their
    order in a file."""
    ordered = sorted(set(ids), key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
    return {article: rank % folds for rank, article in enumerate(ordered)}


def evaluate_personas(
    judgments: Mapping[str, Mapping[str, int]],
    pool_path: Path,
    *,
    drop_category: bool = False,
    personas: Mapping[str, Persona] | None = None,
    recommender: str = "prism",
) -> PersonaReport:
    """Ingest the pool into a temporary home, brief every judged persona with the recommender called
    `recommender` ("ours") over the whole pool, and score it beside the baselines."""
    chosen = recommenders.get(recommender)  # an unknown name fails before any work
    known = _known_personas(judgments, personas)
    ingested = _ingest(pool_path, drop_category=drop_category)
    pool = build_pool(ingested.rows)
    report = PersonaReport(pool=len(pool), rejected=ingested.rejected)
    report.scores, picks = _score_pool(pool, judgments, known, chosen, np.random.default_rng(0))
    report.picks = picks["ours"]
    return report


def evaluate_folds(
    judgments: Mapping[str, Mapping[str, int]],
    pool_path: Path,
    *,
    folds: FoldsSpec,
    drop_category: bool = False,
    personas: Mapping[str, Persona] | None = None,
    recommender: str = "prism",
) -> FoldReport:
    """Score every judged persona on held-out pools: each fold's editions are built from that fold's
    judged articles alone and scored against that fold's judgments, beside the baselines on the same pool.

    `folds` is a number K (folds by a hash of the article id, see `fold_of`) or "category" (one pool per
    category of the pool file, ingested without its category field). The pool is ingested and analysed
    once; each fold's pool is built from the rows of its articles (`build_pool`), which is the pool those
    articles would make on their own. Pool articles nobody judged are in no fold.
    """
    chosen = recommenders.get(recommender)
    known = _known_personas(judgments, personas)
    judged = sorted({article for grades in judgments.values() for article in grades})
    by_category = folds == "category"
    if not by_category and not (isinstance(folds, int) and 2 <= folds <= len(judged)):
        raise UsageError(
            f"--folds {folds}: give a number of folds from 2 to {len(judged)} (the judged articles), "
            "or 'category'"
        )
    ingested = _ingest(pool_path, drop_category=drop_category or by_category)
    if by_category:
        without = [article for article in judged if not ingested.categories.get(article)]
        if without:
            raise UsageError(
                f"--folds category: {len(without)} judged article(s) have no category in {pool_path} "
                f"({', '.join(without[:5])}{', …' if len(without) > 5 else ''})"
            )
        names = sorted({ingested.categories[article] for article in judged})
        groups = [(name, {a for a in judged if ingested.categories[a] == name}) for name in names]
    else:
        assigned = fold_of(judged, int(folds))
        groups = [
            (f"fold {number + 1}", {a for a, f in assigned.items() if f == number})
            for number in range(int(folds))
        ]
    present = {row.external_id for row in ingested.rows}
    report = FoldReport(
        protocol="category" if by_category else f"{folds} folds",
        personas=list(judgments),
        recommender=recommender,
        rejected=ingested.rejected,
        missing=[article for article in judged if article not in present],
    )
    for number, (name, members) in enumerate(groups):
        rows = [row for row in ingested.rows if row.external_id in members]
        if not rows:
            raise UsageError(f"{name}: none of its {len(members)} judged articles is in {pool_path}")
        pool = build_pool(rows)
        held_out = {
            key: {a: g for a, g in grades.items() if a in members} for key, grades in judgments.items()
        }
        scores, picks = _score_pool(pool, held_out, known, chosen, np.random.default_rng(number))
        relevant = {key: sum(1 for g in grades.values() if g >= 1) for key, grades in held_out.items()}
        for key, found in relevant.items():
            if not found:  # nothing to find: every system scores 0
                for system in SYSTEMS:
                    scores[system][key] = {metric: None for metric in METRICS}
        fold = Fold(name=name, articles=sorted(members), pool=len(pool), relevant=relevant, picks=picks)
        for system in SYSTEMS:
            per = scores[system]
            fold.scores[system] = dict(per)
            fold.scores[system]["mean"] = {
                metric: _mean([per[k][metric] for k in judgments]) for metric in METRICS
            }
        report.folds.append(fold)
    return report


@dataclass(slots=True)
class _Ingested:
    rows: list[PoolRow]
    rejected: list[Rejection]
    categories: dict[str, str]  # id → category as the pool file gives it (read only when it is dropped)


def _known_personas(
    judgments: Mapping[str, Mapping[str, int]], personas: Mapping[str, Persona] | None
) -> Mapping[str, Persona]:
    known = personas or load_personas()
    unknown = sorted(set(judgments) - set(known))
    if unknown:
        raise UsageError(f"judged persona {', '.join(unknown)} is not a known persona ({', '.join(known)})")
    return known


def _ingest(pool_path: Path, *, drop_category: bool) -> _Ingested:
    """Ingest and analyse the pool in a temporary home; return its store rows (and categories if dropped)."""
    from prism.ingest import ingest
    from prism.pipeline import enrich_pending
    from prism.store import open_engine

    if not pool_path.exists():
        raise UsageError(f"{pool_path}: no such file")
    with tempfile.TemporaryDirectory(prefix="prism-eval-") as folder:
        home = Path(folder)
        source = pool_path
        categories: dict[str, str] = {}
        rejected: list[Rejection] = []
        where: list[str] = []
        if drop_category:
            source = home / "pool.jsonl"
            categories, rejected, where = _without_category(pool_path, source)
        settings = get_settings(home=home)
        engine = open_engine(settings.resolved_database_url)
        try:
            ingested = ingest([str(source)], engine=engine, settings=settings)
            enrich_pending(engine, settings)
            rows = load_rows(engine)
        finally:
            engine.dispose()
    for rejection in ingested.rejected:  # name the pool file's own line, not the copy's
        line = rejection.where.removeprefix(f"{source}:")
        if source != pool_path and line.isdigit() and 0 < int(line) <= len(where):
            rejection = Rejection(where[int(line) - 1], rejection.reason)
        rejected.append(rejection)
    return _Ingested(rows=rows, rejected=rejected, categories=categories)


def _without_category(pool_path: Path, out: Path) -> tuple[dict[str, str], list[Rejection], list[str]]:
    """Copy a JSON Lines pool without its category fields; return (id → category, rows that could not be
    read, where each row of the copy came from)."""
    categories: dict[str, str] = {}
    rejected: list[Rejection] = []
    where: list[str] = []
    with out.open("w", encoding="utf-8") as handle:
        for item in read_jsonl_file(pool_path, name=str(pool_path)):
            if isinstance(item, Rejection):
                rejected.append(item)
                continue
            if not isinstance(item, SourceRecord):
                continue
            row = dict(item.fields)
            category = next((row.pop(name) for name in CATEGORY_FIELDS if name in row), None)
            for name in CATEGORY_FIELDS:
                row.pop(name, None)
            if isinstance(row.get("id"), str) and isinstance(category, str) and category.strip():
                categories[row["id"]] = category.strip()
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            where.append(item.where)
    return categories, rejected, where


def _score_pool(
    pool: Pool,
    judgments: Mapping[str, Mapping[str, int]],
    known: Mapping[str, Persona],
    chosen: type[Recommender],
    rng: np.random.Generator,
) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, dict[str, list[str]]]]:
    """Brief every judged persona over `pool` with ours, BM25 and random draws; return (scores by system,
    persona and metric, with the mean over personas; picked ids by system and persona)."""
    fitted = chosen().fit(pool)
    bm25 = recommenders.get("bm25")().fit(pool)
    scores: dict[str, dict[str, dict[str, Any]]] = {system: {} for system in SYSTEMS}
    picks: dict[str, dict[str, list[str]]] = {"ours": {}, "bm25": {}}
    for key, grades_by_id in judgments.items():
        persona = known[key]
        ideal = list(grades_by_id.values())

        def grades_of(indices: Sequence[int], grades_by_id: Mapping[str, int] = grades_by_id) -> list[int]:
            return [grades_by_id.get(pool.external_ids[i] or "", 0) for i in indices]

        ours = [pick.index for pick in fitted.recommend(persona)]
        baseline = [pick.index for pick in bm25.recommend(persona)]
        for system, indices in (("ours", ours), ("bm25", baseline)):
            picks[system][key] = [pool.external_ids[i] or str(pool.article_id(i)) for i in indices]
        draws = [
            rng.choice(len(pool), size=min(DEPTH, len(pool)), replace=False).tolist()
            for _ in range(RANDOM_DRAWS)
        ]
        for system, runs in (("ours", [ours]), ("bm25", [baseline]), ("random", draws)):
            scores[system][key] = {
                "ndcg": float(np.mean([ndcg(grades_of(run), ideal) for run in runs])),
                "precision": float(np.mean([precision(grades_of(run)) for run in runs])),
            }
    for system in SYSTEMS:
        per = scores[system]
        scores[system]["mean"] = {
            metric: float(np.mean([per[k][metric] for k in judgments])) for metric in METRICS
        }
    return scores, picks


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.mean(known)) if known else None

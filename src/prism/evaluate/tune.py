"""Choose the extractive summarizer's constants on some datasets and score them on another.

`tune` is a coordinate search over `GRID` from a fixed neutral `START` (not from the shipped constants,
which have seen every dataset). Its objective is the mean of ROUGE-1 against the extractive references
and ROUGE-1 against the abstractive ones, each averaged over the articles that have that kind (one kind
alone when the other is absent), so a dataset with abstractive summaries counts as much as one without.

`cross_validate` holds out one dataset at a time: it tunes on the others only, then scores the held-out
dataset beside Lead-N and TextRank-N. `agreed` picks the constants to ship: of the settings the folds
chose, the one with the best mean objective over the folds' training sets (ties: the one chosen most
often, then the first fold's). Re-run all of it after a change to sentence cleaning
(`scripts/tune_summaries.py`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prism.evaluate.rouge import ROUGE_TYPES, mean
from prism.evaluate.summaries import REFERENCES, SYSTEMS, Prepared, means, system_rows
from prism.summarize.extractive import Weights

# Neutral: every signal alike, no length rule; the search moves from here. The lead sentence opens a 핵심
# 요약 by the product's rule (main point first), so it is fixed, not searched (tuned, it flipped by fold).
START = Weights(
    centrality=0.2,
    title=0.2,
    position=0.2,
    keyphrases=0.2,
    brevity=0.2,
    redundancy=0.5,
    lead_first=True,
    long_share=1.0,
)
_SIGNAL = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0)
GRID: dict[str, tuple[Any, ...]] = {
    "long_share": (0.4, 0.5, 0.6, 0.8, 1.0),
    "position": _SIGNAL,
    "centrality": _SIGNAL,
    "title": _SIGNAL,
    "keyphrases": _SIGNAL,
    "brevity": _SIGNAL,
    "redundancy": (0.0, 0.3, 0.6, 1.0),
}
PASSES = 3  # coordinate passes at most; the search stops early once a pass changes nothing

Scores = dict[str, dict[str, dict[str, float]]]  # [reference kind][system][metric]


def objective(
    articles: Sequence[Prepared], weights: Weights, *, sentences: int, max_chars: int | None
) -> float:
    """Return the mean over reference kinds present of our mean ROUGE-1 against that kind."""
    values: dict[str, list[float]] = {}
    for article in articles:
        for kind, metrics in article.scores(
            article.ours(weights, sentences=sentences, max_chars=max_chars)
        ).items():
            values.setdefault(kind, []).append(metrics[ROUGE_TYPES[0]])
    return mean([mean(v) for v in values.values()])


def tune(
    articles: Sequence[Prepared],
    *,
    sentences: int,
    max_chars: int | None,
    start: Weights = START,
    grid: dict[str, tuple[Any, ...]] | None = None,
) -> tuple[Weights, float]:
    """Return the constants a coordinate search finds best on `articles`, and their objective."""
    grid = GRID if grid is None else grid

    def score(weights: Weights) -> float:
        return objective(articles, weights, sentences=sentences, max_chars=max_chars)

    best, best_value = start, score(start)
    for _ in range(PASSES):
        moved = False
        for name, values in grid.items():
            for value in values:
                candidate = dataclasses.replace(best, **{name: value})
                candidate_value = score(candidate)
                if candidate_value > best_value + 1e-9:  # ties keep what we have: no drift on noise
                    best, best_value, moved = candidate, candidate_value, True
        if not moved:
            break
    return best, best_value


@dataclass(slots=True)
class Fold:
    """One held-out dataset: the constants chosen without it and its scores."""

    held_out: str
    chosen: Weights
    train_objective: float
    scores: Scores
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """Return the fold as JSON-ready data."""
        return {
            "chosen": dataclasses.asdict(self.chosen),
            "train_objective": round(self.train_objective, 2),
            "scores": self.scores,
            "counts": self.counts,
        }


@dataclass(slots=True)
class CrossValidation:
    """Leave-one-dataset-out scores: per held-out dataset, their mean, and the constants to ship."""

    sentences: int
    max_chars: int | None
    folds: dict[str, Fold] = field(default_factory=dict)
    shipped: Weights | None = None

    def mean(self) -> Scores:
        """Return each score's mean over the held-out folds that have that reference kind."""
        out: Scores = {}
        for kind in REFERENCES:
            present = [f.scores[kind] for f in self.folds.values() if kind in f.scores]
            if not present:
                continue
            out[kind] = {
                system: {m: round(mean([p[system][m] for p in present]), 2) for m in ROUGE_TYPES}
                for system in SYSTEMS
            }
        return out

    def get(self, system: str, reference: str, metric: str, fold: str = "mean") -> float:
        """Return one score, e.g. get("ours", "abstractive", "rouge1") (the mean over folds)."""
        scores = self.mean() if fold == "mean" else self.folds[fold].scores
        return scores[reference][system][metric]

    def as_dict(self) -> dict[str, Any]:
        """Return the cross-validation as JSON-ready data."""
        return {
            "sentences": self.sentences,
            "max_chars": self.max_chars,
            "folds": {name: fold.as_dict() for name, fold in self.folds.items()},
            "mean": self.mean(),
            "shipped": dataclasses.asdict(self.shipped) if self.shipped else None,
        }


Tuner = Callable[[Sequence[Prepared]], tuple[Weights, float]]


def cross_validate(
    articles: Sequence[Prepared], *, sentences: int, max_chars: int | None, tuner: Tuner | None = None
) -> CrossValidation:
    """Hold out each dataset in turn: tune on the others (`tuner`, else `tune`), score the held-out one."""

    def default(train: Sequence[Prepared]) -> tuple[Weights, float]:
        return tune(train, sentences=sentences, max_chars=max_chars)

    tuner = tuner or default
    report = CrossValidation(sentences=sentences, max_chars=max_chars)
    datasets = sorted({a.dataset for a in articles})
    for held_out in datasets:
        train = [a for a in articles if a.dataset != held_out]
        test = [a for a in articles if a.dataset == held_out]
        chosen, value = tuner(train)
        scores, counts = means(system_rows(test, chosen, sentences=sentences, max_chars=max_chars))
        report.folds[held_out] = Fold(held_out, chosen, value, scores["all"], counts["all"])
    if len(datasets) > 1:
        report.shipped = agreed(articles, report, sentences=sentences, max_chars=max_chars)
    return report


def agreed(
    articles: Sequence[Prepared], report: CrossValidation, *, sentences: int, max_chars: int | None
) -> Weights:
    """Return the fold-chosen constants with the best mean objective over the folds' training sets."""
    chosen = [fold.chosen for fold in report.folds.values()]
    often = Counter(chosen)
    trains = [[a for a in articles if a.dataset != held_out] for held_out in report.folds]

    def merit(weights: Weights) -> tuple[float, int]:
        value = mean([objective(t, weights, sentences=sentences, max_chars=max_chars) for t in trains])
        return round(value, 6), often[weights]

    return max(dict.fromkeys(chosen), key=merit)  # max keeps the first of equals: the first fold's

"""Score summaries against human references, beside Lead-N and TextRank-N computed in the same run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prism.errors import UsageError
from prism.evaluate.rouge import ROUGE_TYPES, mean, rouge
from prism.ingest.files import read_jsonl_file
from prism.nlp.korean import analyze_many
from prism.records import Rejection, SourceRecord
from prism.summarize.base import DEFAULT_CHARS
from prism.summarize.baselines import lead, textrank
from prism.summarize.extractive import WEIGHTS, Signals, Weights, choose, signals

SYSTEMS = ("ours", "lead", "textrank")
REFERENCES = ("extractive", "abstractive")


@dataclass(frozen=True, slots=True)
class Reference:
    """One article with its human summaries."""

    id: str
    dataset: str
    title: str
    body: str
    extractive: str | None
    abstractive: str | None


@dataclass(slots=True)
class SummaryReport:
    """Mean ROUGE F1 (0–100) per system, reference kind and dataset ('all' for everything)."""

    sentences: int
    max_chars: int | None = None
    scores: dict[str, dict[str, dict[str, dict[str, float]]]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)

    def get(self, system: str, reference: str, metric: str, dataset: str = "all") -> float:
        """Return one score, e.g. get("ours", "extractive", "rouge1")."""
        return self.scores[dataset][reference][system][metric]

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "sentences": self.sentences,
            "max_chars": self.max_chars,
            "scores": self.scores,
            "counts": self.counts,
            "rejected": [r.as_dict() for r in self.rejected],
        }


def load_references(path: Path) -> tuple[list[Reference], list[Rejection]]:
    """Read reference rows (`id, title, body, sentences, extractive[idx], abstractive, dataset`)."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    references: list[Reference] = []
    rejected: list[Rejection] = []
    for item in read_jsonl_file(path, name=str(path)):
        if isinstance(item, Rejection):
            rejected.append(item)
        elif isinstance(item, SourceRecord):
            try:
                references.append(_reference(dict(item.fields)))
            except (KeyError, TypeError, IndexError, ValueError) as exc:
                rejected.append(Rejection(item.where, f"not a reference row: {exc!r}"))
    return references, rejected


def _reference(row: dict[str, Any]) -> Reference:
    body = row.get("body") or "\n".join(row.get("sentences") or [])
    if not body.strip():
        raise ValueError("no body")
    sentences = row.get("sentences") or []
    indices = row.get("extractive") or []
    extractive = " ".join(sentences[int(i)] for i in indices) if indices else None
    abstractive = row.get("abstractive") or None
    if not extractive and not abstractive:
        raise ValueError("no reference summary (extractive or abstractive)")
    return Reference(
        id=str(row.get("id", "")),
        dataset=str(row.get("dataset") or "-"),
        title=str(row.get("title") or ""),
        body=body,
        extractive=extractive,
        abstractive=abstractive,
    )


@dataclass(slots=True)
class Prepared:
    """One reference article analysed once: our summarizer's signals and the baselines' picks, so any
    number of `Weights` can be scored without analysing again."""

    reference: Reference
    texts: dict[int, str]
    signals: Signals
    lead: tuple[int, ...]
    textrank: tuple[int, ...]
    _rouge: dict[tuple[int, ...], dict[str, dict[str, float]]] = field(default_factory=dict)

    @property
    def dataset(self) -> str:
        return self.reference.dataset

    def scores(self, indices: Sequence[int]) -> dict[str, dict[str, float]]:
        """Return ROUGE of the summary made of `indices` against each reference kind there is."""
        key = tuple(indices)
        if key not in self._rouge:
            text = " ".join(self.texts[i] for i in key)
            targets = {"extractive": self.reference.extractive, "abstractive": self.reference.abstractive}
            self._rouge[key] = {kind: rouge(text, target) for kind, target in targets.items() if target}
        return self._rouge[key]

    def ours(self, weights: Weights, *, sentences: int, max_chars: int | None) -> tuple[int, ...]:
        """Return the indices our summarizer picks with `weights`."""
        return choose(self.signals, weights, sentences=sentences, max_chars=max_chars).source_indices


def prepare(references: Sequence[Reference], *, sentences: int = 3) -> list[Prepared]:
    """Analyse every article once; pick the Lead-N and TextRank-N baselines."""
    analyses = analyze_many([(r.title, r.body) for r in references])
    return [
        Prepared(
            reference=reference,
            texts={s.index: s.text for s in analysis.sentences},
            signals=signals(analysis),
            lead=tuple(lead(analysis, sentences)),
            textrank=tuple(textrank(analysis, sentences)),
        )
        for reference, analysis in zip(references, analyses, strict=True)
    ]


Rows = Iterable[tuple[str, str, str, str, float]]  # (dataset, reference kind, system, metric, value)


def system_rows(
    articles: Iterable[Prepared], weights: Weights, *, sentences: int, max_chars: int | None
) -> Rows:
    """Yield a row per article, system, reference kind and metric ('all' and the article's dataset)."""
    for article in articles:
        picks = {
            "ours": article.ours(weights, sentences=sentences, max_chars=max_chars),
            "lead": article.lead,
            "textrank": article.textrank,
        }
        for system, indices in picks.items():
            for kind, metrics in article.scores(indices).items():
                for metric, value in metrics.items():
                    for dataset in ("all", article.dataset):
                        yield dataset, kind, system, metric, value


def means(rows: Rows) -> tuple[dict[str, dict[str, dict[str, dict[str, float]]]], dict[str, dict[str, int]]]:
    """Return mean scores [dataset][kind][system][metric] (rounded to 0.01) and counts [dataset][kind]."""
    collected: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for dataset, kind, system, metric, value in rows:
        collected[(dataset, kind, system, metric)].append(value)
    scores: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    counts: dict[str, dict[str, int]] = {}
    for (dataset, kind, system, metric), values in sorted(collected.items()):
        scores.setdefault(dataset, {}).setdefault(kind, {}).setdefault(system, {})[metric] = round(
            mean(values), 2
        )
        if system == "ours" and metric == ROUGE_TYPES[0]:
            counts.setdefault(dataset, {})[kind] = len(values)
    return scores, counts


def evaluate(
    references: Sequence[Reference],
    *,
    sentences: int = 3,
    max_chars: int | None = DEFAULT_CHARS,
    weights: Weights = WEIGHTS,
) -> SummaryReport:
    """Summarize every article with our summarizer and the baselines; score each against its references."""
    rows = system_rows(
        prepare(references, sentences=sentences), weights, sentences=sentences, max_chars=max_chars
    )
    scores, counts = means(rows)
    return SummaryReport(sentences=sentences, max_chars=max_chars, scores=scores, counts=counts)


def table_rows(report: SummaryReport) -> Iterable[tuple[str, str, str, int, list[float]]]:
    """Yield (dataset, reference kind, system, count, [R1, R2, RL]) rows for printing."""
    for dataset in sorted(report.scores, key=lambda name: (name != "all", name)):
        kinds = report.scores[dataset]
        for kind, systems in kinds.items():
            for system in SYSTEMS:
                metrics = systems[system]
                count = report.counts.get(dataset, {}).get(kind, 0)
                yield dataset, kind, system, count, [metrics[m] for m in ROUGE_TYPES]

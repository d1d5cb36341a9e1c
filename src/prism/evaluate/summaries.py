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
from prism.records import Analysis, Rejection, SourceRecord
from prism.summarize.baselines import lead, textrank
from prism.summarize.extractive import summarize

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


def evaluate(references: Sequence[Reference], *, sentences: int = 3) -> SummaryReport:
    """Summarize every article with our summarizer and the baselines; score each against its references."""
    analyses = analyze_many([(r.title, r.body) for r in references])
    collected: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for reference, analysis in zip(references, analyses, strict=True):
        for system, text in _candidates(analysis, sentences).items():
            for kind, target in (
                ("extractive", reference.extractive),
                ("abstractive", reference.abstractive),
            ):
                if not target:
                    continue
                for metric, value in rouge(text, target).items():
                    for dataset in ("all", reference.dataset):
                        collected[(dataset, kind, system, metric)].append(value)
    report = SummaryReport(sentences=sentences)
    for (dataset, kind, system, metric), values in sorted(collected.items()):
        report.scores.setdefault(dataset, {}).setdefault(kind, {}).setdefault(system, {})[metric] = round(
            mean(values), 2
        )
        if system == "ours" and metric == ROUGE_TYPES[0]:
            report.counts.setdefault(dataset, {})[kind] = len(values)
    return report


def _candidates(analysis: Analysis, n: int) -> dict[str, str]:
    texts = {s.index: s.text for s in analysis.sentences}
    return {
        "ours": summarize(analysis, sentences=n).text,
        "lead": " ".join(texts[i] for i in lead(analysis, n)),
        "textrank": " ".join(texts[i] for i in textrank(analysis, n)),
    }


def table_rows(report: SummaryReport) -> Iterable[tuple[str, str, str, int, list[float]]]:
    """Yield (dataset, reference kind, system, count, [R1, R2, RL]) rows for printing."""
    for dataset in sorted(report.scores, key=lambda name: (name != "all", name)):
        kinds = report.scores[dataset]
        for kind, systems in kinds.items():
            for system in SYSTEMS:
                metrics = systems[system]
                count = report.counts.get(dataset, {}).get(kind, 0)
                yield dataset, kind, system, count, [metrics[m] for m in ROUGE_TYPES]

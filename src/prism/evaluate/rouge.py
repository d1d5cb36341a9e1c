"""ROUGE-1/2/L F1 over Kiwi morphemes, and the Lead-N and TextRank-N baselines it is read beside."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

from prism.nlp.korean import Analysis, kiwi
from prism.nlp.vectors import cosine

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
# Punctuation and symbols say nothing about overlap in content.
_SKIP_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"})


class KiwiTokenizer:
    """A rouge-score tokenizer that splits Korean into Kiwi morphemes (punctuation dropped)."""

    def tokenize(self, text: str) -> list[str]:
        """Return the morphemes of `text`."""
        return list(_morphemes(text))


@cache
def _morphemes(text: str) -> tuple[str, ...]:
    return tuple(t.form for t in kiwi().tokenize(text) if t.tag not in _SKIP_TAGS)


@cache
def _scorer() -> Any:
    from rouge_score.rouge_scorer import RougeScorer  # here: only evaluation needs it

    return RougeScorer(list(ROUGE_TYPES), tokenizer=KiwiTokenizer())


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """Return ROUGE-1/2/L F1 (0–100) of a candidate against one reference."""
    scores = _scorer().score(reference, candidate)
    return {name: 100.0 * scores[name].fmeasure for name in ROUGE_TYPES}


def lead(analysis: Analysis, n: int) -> list[int]:
    """Return the indices of the first `n` sentences."""
    return [s.index for s in analysis.sentences[:n]]


def textrank(analysis: Analysis, n: int, *, damping: float = 0.85, iterations: int = 50) -> list[int]:
    """Return the indices of the `n` top TextRank sentences (cosine-weighted graph), in article order."""
    sentences = analysis.sentences
    if len(sentences) <= n:
        return [s.index for s in sentences]
    vectors = [_unit(Counter(s.terms)) for s in sentences]
    size = len(sentences)
    weights = [[cosine(vectors[i], vectors[j]) if i != j else 0.0 for j in range(size)] for i in range(size)]
    out = [sum(row) or 1.0 for row in weights]
    rank = [1.0 / size] * size
    for _ in range(iterations):
        rank = [
            (1 - damping) / size + damping * sum(weights[j][i] * rank[j] / out[j] for j in range(size))
            for i in range(size)
        ]
    top = sorted(range(size), key=lambda i: -rank[i])[:n]
    return sorted(sentences[i].index for i in top)


def _unit(counts: Counter[str]) -> dict[str, float]:
    norm = math.sqrt(sum(c * c for c in counts.values())) or 1.0
    return {t: c / norm for t, c in counts.items()}


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean (0 for no values)."""
    return sum(values) / len(values) if values else 0.0

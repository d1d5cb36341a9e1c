"""Baseline summarizers read beside ours in evaluation: the first N sentences, and TextRank-N."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Collection

from prism.nlp.vectors import cosine
from prism.records import Analysis, Summary
from prism.summarize.base import DEFAULT_SENTENCES, from_indices, summarizers


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


@summarizers.register("lead")
class Lead:
    """Lead-N: the article's first sentences (those not excluded); no character budget."""

    def summarize(
        self,
        analysis: Analysis,
        *,
        sentences: int = DEFAULT_SENTENCES,
        max_chars: int | None = None,
        exclude: Collection[int] = (),
    ) -> Summary:
        """Return the first `sentences` sentences whose index is not in `exclude`."""
        kept = [s.index for s in analysis.sentences if s.index not in exclude]
        return from_indices(analysis, kept[:sentences])


@summarizers.register("textrank")
class TextRank:
    """TextRank-N over the sentences not excluded; no character budget."""

    def summarize(
        self,
        analysis: Analysis,
        *,
        sentences: int = DEFAULT_SENTENCES,
        max_chars: int | None = None,
        exclude: Collection[int] = (),
    ) -> Summary:
        """Return the `sentences` top TextRank sentences of those not in `exclude`, in article order."""
        if exclude:
            kept = tuple(s for s in analysis.sentences if s.index not in exclude)
            analysis = dataclasses.replace(analysis, sentences=kept)
        return from_indices(analysis, textrank(analysis, sentences))

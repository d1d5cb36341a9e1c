"""ROUGE-1/2/L F1 over Kiwi morphemes."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from prism.nlp.korean import kiwi

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


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean (0 for no values)."""
    return sum(values) / len(values) if values else 0.0

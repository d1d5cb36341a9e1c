"""ROUGE-1/2/L F1 over Kiwi morphemes."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from prism.errors import ConfigError
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


def require_rouge() -> None:
    """Raise ConfigError, in one line that says what to install, when rouge-score is missing: it comes
    with the [eval] extra, not with the core."""
    try:
        import rouge_score  # noqa: F401
    except ImportError:
        raise ConfigError("ROUGE needs the rouge-score package: pip install 'ai-prism[eval]'") from None


@cache
def _scorer() -> Any:
    require_rouge()
    from rouge_score.rouge_scorer import RougeScorer  # here: only evaluation needs it

    return RougeScorer(list(ROUGE_TYPES), tokenizer=KiwiTokenizer())


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """Return ROUGE-1/2/L F1 (0–100) of a candidate against one reference."""
    scores = _scorer().score(reference, candidate)
    return {name: 100.0 * scores[name].fmeasure for name in ROUGE_TYPES}


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean (0 for no values)."""
    return sum(values) / len(values) if values else 0.0

"""Decide whether a written sentence is supported by its source articles (work in progress: containment)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prism.records import Analysis

ERRORS = ("number", "date", "entity", "polarity", "attribution", "causal", "addition")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The checker's answer for one claim."""

    supported: bool
    reason: str
    evidence: tuple[tuple[int, int], ...]  # (position of the source in `sources`, sentence index)
    error: str | None = None  # one of ERRORS when unsupported

    def as_dict(self) -> dict[str, object]:
        """Return the verdict as JSON-ready data (`evidence` as [source, sentence] pairs)."""
        return {
            "verdict": "supported" if self.supported else "unsupported",
            "reason": self.reason,
            "error": self.error,
            "evidence": [list(pair) for pair in self.evidence],
        }


_NUMBER = re.compile(r"\d[\d,.]*")


def check(claim: str, sources: Sequence[Analysis]) -> Verdict:
    """Return whether `claim` is supported by the sentences of `sources`."""
    sentences = [(n, s) for n, analysis in enumerate(sources) for s in analysis.sentences]
    text = " ".join(s.text for _, s in sentences)
    for number in _NUMBER.findall(claim):
        if number.rstrip(".,") not in text:
            return Verdict(False, f"the number {number} is not in the articles", (), "number")
    best = max(sentences, key=lambda item: len(set(item[1].terms) & set(claim.split())), default=None)
    evidence = ((best[0], best[1].index),) if best else ()
    return Verdict(True, "every number is in the articles", evidence)


def check_text(claim: str, title: str, body: str) -> Verdict:
    """Analyse one article and check `claim` against it."""
    from prism.nlp.korean import analyze

    return check(claim, [analyze(title, body)])

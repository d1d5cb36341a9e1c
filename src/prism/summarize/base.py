"""What a summarizer is: a named stage that picks an article's 핵심 요약 (core summary) from its analysis.

Summarizers are classes in one registry, built with no arguments; the pipeline picks one by name
(`PRISM_SUMMARIZER`, `--summarizer`). A summary records the index of every source sentence it rests on,
so each edition sentence can be traced to its article.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from prism.records import Analysis, Summary
from prism.registry import Registry

DEFAULT_SENTENCES = 4
DEFAULT_CHARS = 200  # a 핵심 요약's character budget (PRISM_SUMMARY_CHARS): three or four short sentences


class Summarizer(Protocol):
    """Pick up to `sentences` sentences of an article, at most `max_chars` characters in all (None: the
    summarizer's own budget), never one whose index is in `exclude` (used elsewhere in the edition)."""

    def summarize(
        self,
        analysis: Analysis,
        *,
        sentences: int = DEFAULT_SENTENCES,
        max_chars: int | None = None,
        exclude: Collection[int] = (),
    ) -> Summary: ...


summarizers: Registry[type[Summarizer]] = Registry(
    "summarizer", "핵심 요약 of one article (PRISM_SUMMARIZER, --summarizer NAME)"
)


def from_indices(analysis: Analysis, indices: Collection[int]) -> Summary:
    """Return the summary made of the sentences at `indices`, in article order."""
    chosen = [s for s in analysis.sentences if s.index in indices]
    return Summary(tuple(s.text for s in chosen), tuple(s.index for s in chosen))

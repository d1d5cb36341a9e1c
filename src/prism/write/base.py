"""What a writer is: a named stage that turns an edition's picks into its text.

Writers are classes in one registry, built with no arguments; the pipeline picks one by name
(`PRISM_WRITER`, `--writer`) and hands it the summarizer picked the same way. Every sentence a writer
puts in an edition is a `Quote` that names the article and sentence it rests on. A writer that needs
settings of its own may have a `ready(settings)` method: the pipeline calls it before any work, and its
ConfigError names what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from prism.config import Settings
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.records import Analysis, Briefing, Pick
from prism.registry import Registry
from prism.summarize.base import Summarizer


class Writer(Protocol):
    """Write editions from picks, and rewrite one when an editor swaps a pick."""

    def write(
        self,
        *,
        persona: Persona,
        date: str,
        window: str,
        picks: Sequence[Pick],
        pool: Pool,
        analyses: Mapping[str, Analysis],
        settings: Settings,
        summarizer: Summarizer,
        notices: Sequence[str] = (),
    ) -> Briefing:
        """Return the edition of `picks` (관심 first, then 참고); `analyses` are keyed by content hash."""
        ...

    def replace(
        self,
        briefing: Briefing,
        *,
        old_article_id: int,
        pick: Pick,
        pool: Pool,
        analysis: Analysis,
        settings: Settings,
        summarizer: Summarizer,
    ) -> Briefing:
        """Return `briefing` with one pick replaced by another article (an editor's swap)."""
        ...


writers: Registry[type[Writer]] = Registry(
    "writer", "the edition's text from its picks (PRISM_WRITER, --writer)"
)

"""What every edition showing an article shares: its 핵심 요약, written once per article and day.

A reader's own edition is the extractive composition (`compose`) of its picks around each article's
`Piece`: the 핵심 요약 as the writer wrote it and the claim checker let through (the extractive one when
the writer is extractive, or where the checker turned a sentence down), the extractive 핵심 요약 the
lead and sections are composed around, and what the checker turned down. Nothing of a reader is in a
piece, so a million readers' editions share one piece (and, with the `openai` writer, one model call)
per article: the batch build writes the pieces of the day's picked articles once, and an edition is
composed from them when it is read.

A writer makes pieces with a `pieces(texts, settings=…, summarizer=…)` method; a writer without one
gets the extractive pieces. Pieces are made before the article is known by id (they are keyed by its
text's content hash), so their quotes name article `PIECE` until `Piece.of` binds them to an article.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from prism import __version__
from prism.config import Settings
from prism.nlp.korean import ANALYZER_VERSION
from prism.records import Analysis, Quote, Rejected
from prism.summarize.base import Summarizer
from prism.summarize.extractive import SELECTION_VERSION
from prism.write.extractive import Taken, taken_ahead

PIECE = 0  # the article id a piece's quotes carry until it is bound to an article


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """An article's shared 핵심 요약: as shown (`summary`), the extractive one (`extractive`), and the
    written sentences the checker turned down. `final` is False for a stand-in that must not be stored
    (the model could not be asked: a later run asks again)."""

    extractive: tuple[Quote, ...]
    summary: tuple[Quote, ...]
    rejected: tuple[Rejected, ...] = ()
    final: bool = True
    ahead: tuple[Taken, ...] = ()  # what an edition takes from the article after it (`taken_ahead`)

    def of(self, article_id: int, pick_id: str) -> Piece:
        """Return the piece with its quotes and turned-down sentences bound to an article."""

        def bind(quote: Quote) -> Quote:
            sources = tuple((article_id, index) for _, index in quote.sources)
            return dataclasses.replace(quote, article_id=article_id, sources=sources)

        return dataclasses.replace(
            self,
            extractive=tuple(bind(q) for q in self.extractive),
            summary=tuple(bind(q) for q in self.summary),
            ahead=tuple((before, n, tuple(bind(q) for q in quotes)) for before, n, quotes in self.ahead),
            rejected=tuple(
                dataclasses.replace(r, where=f"picks[{pick_id}]", article_ids=(article_id,))
                for r in self.rejected
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form (without `final`: only final pieces are stored)."""
        return {
            "extractive": [q.as_dict() for q in self.extractive],
            "summary": [q.as_dict() for q in self.summary],
            "rejected": [r.as_dict() for r in self.rejected],
            "ahead": [[list(before), n, [q.as_dict() for q in quotes]] for before, n, quotes in self.ahead],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Piece:
        """Rebuild a piece stored by `as_dict`."""
        return cls(
            extractive=tuple(Quote.from_dict(q) for q in data["extractive"]),
            summary=tuple(Quote.from_dict(q) for q in data["summary"]),
            rejected=tuple(Rejected.from_dict(r) for r in data["rejected"]),
            ahead=tuple(
                (tuple(before), int(n), tuple(Quote.from_dict(q) for q in quotes))
                for before, n, quotes in data["ahead"]
            ),
        )


Text = tuple[str, Analysis]  # an article's title and analysis


@runtime_checkable
class MakesPieces(Protocol):
    def pieces(self, texts: Sequence[Text], *, settings: Settings, summarizer: Summarizer) -> list[Piece]:
        """Return each text's piece, in order."""
        ...


def extractive_summary(analysis: Analysis, settings: Settings, summarizer: Summarizer) -> tuple[Quote, ...]:
    """Return an article's extractive 핵심 요약 as a piece's quotes (as `compose` takes it first)."""
    summary = summarizer.summarize(
        analysis, sentences=settings.summary_sentences, max_chars=settings.summary_chars
    )
    return tuple(
        Quote(text=text, article_id=PIECE, index=index)
        for text, index in zip(summary.sentences, summary.source_indices, strict=True)
    )


def extractive_piece(analysis: Analysis, settings: Settings, summarizer: Summarizer) -> Piece:
    """Return an article's extractive piece: its 핵심 요약 (the one shown too), and what an edition takes
    from it after."""
    quotes = extractive_summary(analysis, settings, summarizer)
    return Piece(quotes, quotes, ahead=taken_ahead(analysis, quotes, summarizer, PIECE))


def extractive_pieces(texts: Sequence[Text], *, settings: Settings, summarizer: Summarizer) -> list[Piece]:
    """Return the extractive pieces: the 핵심 요약 shown is the extractive one."""
    return [extractive_piece(analysis, settings, summarizer) for _, analysis in texts]


def make_pieces(
    writer: object, texts: Sequence[Text], *, settings: Settings, summarizer: Summarizer
) -> list[Piece]:
    """Return each text's piece as `writer` makes them (the extractive ones for a writer that makes none)."""
    if isinstance(writer, MakesPieces):
        return writer.pieces(texts, settings=settings, summarizer=summarizer)
    return extractive_pieces(texts, settings=settings, summarizer=summarizer)


def pieces_digest(settings: Settings) -> str:
    """Return a digest of everything that shapes a piece besides its article's text."""
    prompt_version: str | None = None
    if settings.writer == "openai":
        from prism.write.llm import PROMPT_VERSION

        prompt_version = PROMPT_VERSION
    shaping = {
        "version": __version__,
        "analyzer": ANALYZER_VERSION,
        "selection": SELECTION_VERSION,
        "pieces": 2,  # what a piece holds: bump when it changes
        "prompt_version": prompt_version,
        "settings": settings.model_dump(
            include={
                "summary_sentences",
                "summary_chars",
                "summarizer",
                "writer",
                *(("llm_base_url", "llm_model") if settings.writer == "openai" else ()),
            }
        ),
    }
    return digest_of(shaping)


def digest_of(shaping: Mapping[str, Any]) -> str:
    """Return the sha256 digest of what shapes an output (its JSON, keys sorted)."""
    encoded = json.dumps(shaping, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return "sha256:" + hashlib.sha256(encoded).hexdigest()

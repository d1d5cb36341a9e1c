"""The enrich stage: analyse every stored text not analysed yet, and store what Kiwi said about it.

An analysis is keyed by content hash and analyzer version, so unchanged texts are never analysed again,
and the same text stored under two identities is analysed once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from prism.nlp import topics
from prism.nlp.keywords import keyphrases
from prism.nlp.korean import ANALYZER_VERSION, analyze_many, to_json
from prism.nlp.vectors import body_counts, tfidf
from prism.records import Analysis
from prism.store import analyses as stored
from prism.store import write_transaction

BATCH = 32  # texts per transaction: less than Kiwi reads ahead, and little left to do after it ends
TOPIC_BATCH = 128  # texts per topic-scoring pass: numpy's fixed costs spread over more texts


@dataclass(slots=True)
class EnrichReport:
    """How many texts were analysed now, and how many already were."""

    analysed: int = 0
    already: int = 0


def enrichment(content_hash: str, analysis: Analysis, prediction: topics.TopicPrediction) -> dict[str, Any]:
    """Return the stored columns for one analysed text and its predicted topic."""
    terms, counts = body_counts(analysis)
    return {
        "content_hash": content_hash,
        "analyzer": ANALYZER_VERSION,
        **to_json(analysis),
        "keyphrases": [[term, round(weight, 5)] for term, weight in keyphrases(analysis)],
        "terms": tfidf(analysis, body=terms),
        "counts": counts,
        "topic": prediction.label,
        "topic_score": round(prediction.scores[prediction.label], 5),
    }


def enrich(
    engine: Engine,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    home: Path | None = None,
    ids: tuple[int, int] | None = None,
) -> EnrichReport:
    """Analyse every stored text that has no analysis by the current analyzer (with the user dictionary
    of `home`, default the configured one); with `ids`, only the texts first stored in that id range
    [lo, hi)."""
    with engine.connect() as conn:
        todo = stored.pending(conn, analyzer=ANALYZER_VERSION, ids=ids)
        report = EnrichReport(already=stored.count(conn, analyzer=ANALYZER_VERSION))
    # One stream through Kiwi for everything pending, so its threads never wait at a batch boundary;
    # topics are scored a chunk at a time (one numpy pass), and each batch is committed in one
    # transaction.
    analyses = analyze_many(((title, body) for _, title, body in todo), workers=workers, home=home)
    for start in range(0, len(todo), TOPIC_BATCH):
        chunk = todo[start : start + TOPIC_BATCH]
        predictions: list[topics.TopicPrediction] = []
        for at in range(0, len(chunk), BATCH):
            batch = chunk[at : at + BATCH]
            done = list(itertools.islice(analyses, len(batch)))
            if not predictions:  # now, with Kiwi's threads already at work on what follows
                predictions = topics.predict_articles([(title, body) for _, title, body in chunk])
            _store(engine, batch, done, predictions[at : at + BATCH])
            report.analysed += len(batch)
            if progress:
                progress(len(batch))
    return report


def _store(
    engine: Engine,
    batch: Sequence[tuple[str, str, str]],
    analyses: Sequence[Analysis],
    predictions: Sequence[topics.TopicPrediction],
) -> None:
    """Store the analyses of one batch of pending texts with their topics, in one transaction."""
    rows = [
        enrichment(digest, analysis, prediction)
        for (digest, _, _), analysis, prediction in zip(batch, analyses, predictions, strict=True)
    ]
    with write_transaction(engine) as conn:
        stored.save(conn, rows=rows, analyzed_at=datetime.now(UTC))


def pending_count(engine: Engine) -> int:
    """Return how many stored texts wait for analysis."""
    with engine.connect() as conn:
        return len(stored.pending(conn, analyzer=ANALYZER_VERSION))

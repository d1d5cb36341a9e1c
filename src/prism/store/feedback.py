"""Keyword-only queries over readers' feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from prism.records import FEEDBACK_KINDS, Feedback, FeedbackKind
from prism.store.schema import analyses, articles, feedback


def record(conn: Connection, *, reader_id: int, article_id: int, kind: FeedbackKind, at: datetime) -> None:
    """Store one piece of feedback (kind: up, down or click)."""
    if kind not in FEEDBACK_KINDS:
        raise ValueError(f"feedback kind {kind!r} is not one of {', '.join(FEEDBACK_KINDS)}")
    conn.execute(
        feedback.insert().values(reader_id=reader_id, article_id=article_id, kind=kind, created_at=at)
    )


def version(conn: Connection, *, reader_id: int) -> tuple[int, int | None]:
    """Return what changes whenever a reader's feedback does: how many there are, and the highest id."""
    count, highest = conn.execute(
        select(func.count(), func.max(feedback.c.id)).where(feedback.c.reader_id == reader_id)
    ).one()
    return int(count), highest


def with_vectors(conn: Connection, *, reader_id: int) -> list[Feedback]:
    """Return a reader's feedback, oldest first, each with its article's TF-IDF vector (`terms`)."""
    rows = conn.execute(
        select(feedback.c.article_id, feedback.c.kind, feedback.c.created_at, analyses.c.terms)
        .join(articles, articles.c.id == feedback.c.article_id)
        .join(analyses, analyses.c.content_hash == articles.c.content_hash)
        .where(feedback.c.reader_id == reader_id)
        .order_by(feedback.c.id)
    )
    return [
        Feedback(
            article_id=int(row.article_id), kind=row.kind, created_at=row.created_at, terms=row.terms or {}
        )
        for row in rows
    ]

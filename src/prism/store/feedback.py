"""Keyword-only queries over readers' feedback."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select

from prism.records import FEEDBACK_KINDS, Feedback, FeedbackKind, NewFeedback
from prism.store.bulk import write_rows
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


def latest(conn: Connection, *, reader_id: int) -> datetime | None:
    """Return when a reader last gave feedback (None: never)."""
    query = select(feedback.c.created_at).where(feedback.c.reader_id == reader_id)
    value: datetime | None = conn.execute(query.order_by(feedback.c.created_at.desc()).limit(1)).scalar()
    return value


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


def record_many(conn: Connection, *, items: Sequence[NewFeedback]) -> int:
    """Store many pieces of feedback in one batch (COPY on PostgreSQL)."""
    rows = [(f.reader_id, f.article_id, f.kind, f.created_at) for f in items]
    return write_rows(conn, "feedback", ("reader_id", "article_id", "kind", "created_at"), rows)


def of_readers(conn: Connection, *, first: int, last: int) -> dict[int, list[NewFeedback]]:
    """Return the feedback of readers with ids in [first, last], each reader's oldest first (without the
    articles' vectors: see `vectors`)."""
    rows = conn.execute(
        select(feedback.c.reader_id, feedback.c.article_id, feedback.c.kind, feedback.c.created_at)
        .where(feedback.c.reader_id >= first, feedback.c.reader_id <= last)
        .order_by(feedback.c.reader_id, feedback.c.id)
    )
    found: dict[int, list[NewFeedback]] = {}
    for row in rows:
        found.setdefault(int(row.reader_id), []).append(
            NewFeedback(
                reader_id=int(row.reader_id), article_id=int(row.article_id), kind=row.kind,
                created_at=row.created_at,
            )
        )  # fmt: skip
    return found


def vectors(conn: Connection, *, article_ids: Collection[int]) -> dict[int, dict[str, float]]:
    """Return the TF-IDF vector (`terms`) of each article's analysis, by article id."""
    found: dict[int, dict[str, float]] = {}
    ids = sorted(article_ids)
    for start in range(0, len(ids), 10_000):
        rows = conn.execute(
            select(articles.c.id, analyses.c.terms)
            .join(analyses, analyses.c.content_hash == articles.c.content_hash)
            .where(articles.c.id.in_(ids[start : start + 10_000]))
        )
        found.update((int(row.id), dict(row.terms or {})) for row in rows)
    return found

"""Keyword-only queries over readers' bookmarks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, desc, select

from prism.records import Article
from prism.store.articles import _article
from prism.store.schema import articles, bookmarks


def add(conn: Connection, *, reader_id: int, article_id: int, at: datetime) -> bool:
    """Bookmark an article for a reader; False when it already was (nothing is written)."""
    if has(conn, reader_id=reader_id, article_id=article_id):
        return False
    conn.execute(bookmarks.insert().values(reader_id=reader_id, article_id=article_id, created_at=at))
    return True


def remove(conn: Connection, *, reader_id: int, article_id: int) -> bool:
    """Remove a reader's bookmark; False when there was none."""
    result = conn.execute(
        delete(bookmarks).where(bookmarks.c.reader_id == reader_id, bookmarks.c.article_id == article_id)
    )
    return bool(result.rowcount)


def has(conn: Connection, *, reader_id: int, article_id: int) -> bool:
    row = conn.execute(
        select(bookmarks.c.article_id).where(
            bookmarks.c.reader_id == reader_id, bookmarks.c.article_id == article_id
        )
    ).first()
    return row is not None


def of_reader(conn: Connection, *, reader_id: int, limit: int = 200) -> list[tuple[Article, datetime]]:
    """Return a reader's bookmarked articles with when each was bookmarked, newest bookmark first."""
    rows = conn.execute(
        select(articles, bookmarks.c.created_at.label("bookmarked_at"))
        .join(bookmarks, bookmarks.c.article_id == articles.c.id)
        .where(bookmarks.c.reader_id == reader_id)
        .order_by(desc(bookmarks.c.created_at), desc(bookmarks.c.article_id))
        .limit(limit)
    )
    return [(_article(row), row.bookmarked_at) for row in rows]

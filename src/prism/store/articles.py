"""Keyword-only queries over stored articles. The store is the only place that speaks SQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from prism.records import Article, NewArticle
from prism.store.schema import articles, minhash_bands

T = TypeVar("T")
# Stay under SQLite's smallest default limit of bound parameters per statement (999).
_CHUNK = 900


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class Known:
    """Identifiers of a batch that are already stored, each mapped to its article id."""

    urls: dict[str, int]
    external_ids: dict[str, int]
    content_hashes: dict[str, int]


def find_known(
    conn: Connection, *, urls: Iterable[str], external_ids: Iterable[str], content_hashes: Iterable[str]
) -> Known:
    """Return which of these identifiers are already stored."""

    def lookup(column: Any, values: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(values))):
            for value, article_id in conn.execute(select(column, articles.c.id).where(column.in_(chunk))):
                found.setdefault(value, article_id)
        return found

    return Known(
        urls=lookup(articles.c.url, urls),
        external_ids=lookup(articles.c.external_id, external_ids),
        content_hashes=lookup(articles.c.content_hash, content_hashes),
    )


def find_band_matches(conn: Connection, *, keys: Iterable[int]) -> dict[int, list[int]]:
    """Return the stored article ids sharing each of these LSH band keys."""
    matches: dict[int, list[int]] = {}
    query = select(minhash_bands.c.band_key, minhash_bands.c.article_id)
    for chunk in _chunks(sorted(set(keys))):
        for key, article_id in conn.execute(query.where(minhash_bands.c.band_key.in_(chunk))):
            matches.setdefault(key, []).append(article_id)
    return matches


def get_bodies(conn: Connection, *, ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """Return (body, canonical_of) of each of these articles."""
    found: dict[int, tuple[str, int | None]] = {}
    query = select(articles.c.id, articles.c.body, articles.c.canonical_of)
    for chunk in _chunks(sorted(set(ids))):
        for article_id, body, canonical_of in conn.execute(query.where(articles.c.id.in_(chunk))):
            found[article_id] = (body, canonical_of)
    return found


def insert_articles(conn: Connection, *, rows: Sequence[NewArticle], ingested_at: datetime) -> list[int]:
    """Insert these articles and return their new ids, in order."""
    if not rows:
        return []
    params = [
        {
            "external_id": row.external_id,
            "url": row.url,
            "title": row.title,
            "body": row.body,
            "published_at": row.published_at,
            "source": row.source,
            "category": row.category,
            "author": row.author,
            "content_hash": row.content_hash,
            "ingested_at": ingested_at,
            "origin": row.origin,
            "extra": dict(row.extra) or None,
        }
        for row in rows
    ]
    statement = insert(articles).returning(articles.c.id, sort_by_parameter_order=True)
    return [article_id for (article_id,) in conn.execute(statement, params)]


def link_canonical(conn: Connection, *, links: Sequence[tuple[int, int]]) -> None:
    """Mark each (article id, canonical id) pair: the first is a near duplicate of the second."""
    if links:
        statement = (
            update(articles)
            .where(articles.c.id == bindparam("article_id"))
            .values(canonical_of=bindparam("canonical_id"))
        )
        conn.execute(statement, [{"article_id": a, "canonical_id": c} for a, c in links])


def insert_bands(conn: Connection, *, rows: Sequence[tuple[int, int]]) -> None:
    """Store (band key, article id) rows of new articles' sketches."""
    if rows:
        conn.execute(insert(minhash_bands), [{"band_key": k, "article_id": a} for k, a in rows])


def _article(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        external_id=row.external_id,
        url=row.url,
        title=row.title,
        body=row.body,
        published_at=row.published_at,
        source=row.source,
        category=row.category,
        author=row.author,
        content_hash=row.content_hash,
        ingested_at=row.ingested_at,
        canonical_of=row.canonical_of,
        origin=row.origin,
        extra=row.extra or {},
    )


def count_articles(conn: Connection, *, canonical_only: bool = False) -> int:
    """Return how many articles are stored (only canonical ones if asked)."""
    query = select(func.count()).select_from(articles)
    if canonical_only:
        query = query.where(articles.c.canonical_of.is_(None))
    return int(conn.execute(query).scalar_one())


def list_articles(conn: Connection, *, limit: int = 20, offset: int = 0) -> list[Article]:
    """Return stored articles, newest first (by published time, then by ingest order)."""
    query = (
        select(articles)
        .order_by(articles.c.published_at.desc().nulls_last(), articles.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_article(row) for row in conn.execute(query)]


def get_article(conn: Connection, *, key: str | int) -> Article | None:
    """Return the article with this external id, else with this internal id, else None."""
    text_key = str(key).strip()
    row = conn.execute(select(articles).where(articles.c.external_id == text_key)).first()
    if row is None and text_key.lstrip("#").isdigit():
        row = conn.execute(select(articles).where(articles.c.id == int(text_key.lstrip("#")))).first()
    return _article(row) if row is not None else None

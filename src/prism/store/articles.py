"""Keyword-only queries over stored articles. The store is the only place that speaks SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, and_, func, insert, or_, select, text

from prism.records import Article, NewArticle
from prism.store.schema import articles, dump_json

T = TypeVar("T")
# Bound parameters per statement: SQLite before 3.32 allowed 999, later versions 32,766.
_CHUNK = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900


def chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    """Yield slices of `items` small enough to bind as the parameters of one statement."""
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
        for chunk in chunks(sorted(set(values))):
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
    wanted = sorted(set(keys))
    rows: list[Any] = []
    if conn.dialect.name == "postgresql":  # one array parameter instead of thousands of scalars
        query = text("SELECT band_key, article_id FROM minhash_bands WHERE band_key = ANY(:keys)")
        rows.extend(conn.execute(query, {"keys": wanted}))
    else:
        # Thousands of integer keys per batch: plain placeholders skip the ORM's per-parameter work.
        for chunk in chunks(wanted):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT band_key, article_id FROM minhash_bands WHERE band_key IN ({marks})"
            rows.extend(conn.exec_driver_sql(sql, tuple(chunk)))
    matches: dict[int, list[int]] = {}
    for key, article_id in rows:
        matches.setdefault(key, []).append(article_id)
    return matches


@dataclass(frozen=True, slots=True)
class StoredText:
    """What near-duplicate checks need of a stored article."""

    body: str
    content_hash: str
    canonical_of: int | None


def get_texts(conn: Connection, *, ids: Iterable[int]) -> dict[int, StoredText]:
    """Return body, content hash and canonical link of each of these articles."""
    found: dict[int, StoredText] = {}
    query = select(articles.c.id, articles.c.body, articles.c.content_hash, articles.c.canonical_of)
    for chunk in chunks(sorted(set(ids))):
        for article_id, body, digest, canonical_of in conn.execute(query.where(articles.c.id.in_(chunk))):
            found[article_id] = StoredText(body, digest, canonical_of)
    return found


def reserve_ids(conn: Connection, *, count: int) -> list[int]:
    """Return `count` fresh article ids; call inside a write transaction.

    Knowing ids before inserting lets one plain multi-row INSERT link near duplicates to each other.
    """
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, :n)")
        return [int(value) for (value,) in conn.execute(query, {"n": count})]
    # SQLite: the write transaction holds the database lock, so nobody else can take these ids.
    top = conn.execute(select(func.coalesce(func.max(articles.c.id), 0))).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))


_COLUMNS = (
    "id", "external_id", "url", "title", "body", "published_at", "source", "category", "author",
    "content_hash", "ingested_at", "canonical_of", "origin", "extra",
)  # fmt: skip
_SQLITE_INSERT = f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def sqlite_time(value: datetime | None) -> str | None:
    """Format a time exactly as SQLAlchemy stores UTCDateTime on SQLite (naive UTC, microseconds)."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_articles(
    conn: Connection,
    *,
    rows: Sequence[NewArticle],
    ids: Sequence[int],
    canonical_of: Sequence[int | None],
    ingested_at: datetime,
) -> None:
    """Insert articles under ids from `reserve_ids`, each linked to its canonical article (or None)."""
    sqlite = conn.dialect.name == "sqlite"
    # SQLite is ingest's hot path: plain tuples to the driver take 40% less time than SQLAlchemy's
    # per-row type processing, so times and JSON are converted here exactly as those types would.
    at: Callable[[datetime | None], object] = sqlite_time if sqlite else (lambda value: value)
    now = at(ingested_at)
    values = [
        (
            article_id, row.external_id, row.url, row.title, row.body, at(row.published_at), row.source,
            row.category, row.author, row.content_hash, now, canonical, row.origin,
            (dump_json(dict(row.extra)) if sqlite else dict(row.extra)) if row.extra else None,
        )
        for row, article_id, canonical in zip(rows, ids, canonical_of, strict=True)
    ]  # fmt: skip
    if not values:
        return
    if sqlite:
        conn.exec_driver_sql(_SQLITE_INSERT, values)
    else:
        conn.execute(insert(articles), [dict(zip(_COLUMNS, value, strict=True)) for value in values])


def insert_bands(conn: Connection, *, rows: Sequence[tuple[int, int]]) -> None:
    """Store (band key, article id) rows of new articles' sketches."""
    if not rows:
        return
    # Tens of thousands of two-integer rows: hand them to the driver's executemany directly.
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO minhash_bands (band_key, article_id) VALUES ({marker}, {marker})"
    conn.exec_driver_sql(sql, list(rows))


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


MAX_ID = 2**63 - 1  # the largest id a BIGINT column holds


def parse_id(text: str) -> int | None:
    """Return the store id `text` spells in ASCII digits (1 … MAX_ID), else None: "²" and "١" are digits
    to str.isdigit, and a 20-digit number overflows the column."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def get_article(conn: Connection, *, key: str | int) -> Article | None:
    """Return the article with this external id, else with this internal id, else None."""
    text_key = str(key).strip()
    row = conn.execute(select(articles).where(articles.c.external_id == text_key)).first()
    article_id = parse_id(text_key.lstrip("#"))
    if row is None and article_id is not None:
        row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
    return _article(row) if row is not None else None


def article_page(
    conn: Connection, *, limit: int = 20, after: tuple[datetime, int] | None = None
) -> tuple[list[Article], int]:
    """Return a page of articles, newest first (published time, else ingest time; then id), starting after
    the (time, id) `after`; and how many articles there are in all."""
    when = func.coalesce(articles.c.published_at, articles.c.ingested_at)
    query = select(articles)
    if after is not None:
        at, article_id = after
        query = query.where(or_(when < at, and_(when == at, articles.c.id < article_id)))
    rows = conn.execute(query.order_by(when.desc(), articles.c.id.desc()).limit(limit))
    return [_article(row) for row in rows], count_articles(conn)

"""Keyword-only queries over stored analyses (one per distinct article text)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Subquery, delete, func, select

from prism.records import PoolRow, StoredAnalysis
from prism.store.articles import chunks, sqlite_time
from prism.store.schema import analyses, articles, dump_json_utf8


def _firsts(analyzer: str, ids: tuple[int, int] | None) -> Subquery:
    """Each text with no analysis by `analyzer` and the lowest id it is stored under (its first identity),
    that id in [lo, hi) when `ids` is given: so id ranges split the pending texts without overlap."""
    done = select(analyses.c.content_hash).where(analyses.c.analyzer == analyzer)
    first = func.min(articles.c.id)
    query = (
        select(articles.c.content_hash, first.label("id"))
        .where(articles.c.content_hash.not_in(done))
        .group_by(articles.c.content_hash)
    )
    if ids is not None:
        query = query.having(first >= ids[0]).having(first < ids[1])
    return query.subquery()


def pending(
    conn: Connection, *, analyzer: str, ids: tuple[int, int] | None = None, limit: int | None = None
) -> list[tuple[str, str, str]]:
    """Return (content hash, title, body) of stored texts with no analysis by `analyzer`, oldest first; a
    text stored under two identities is returned once, under its first (and only in the id range [lo, hi)
    `ids` that holds that first id)."""
    firsts = _firsts(analyzer, ids)
    query = (
        select(articles.c.content_hash, articles.c.title, articles.c.body)
        .join(firsts, firsts.c.id == articles.c.id)
        .order_by(articles.c.id)
        .limit(limit)
    )
    return [(digest, title, body) for digest, title, body in conn.execute(query)]


def pending_ids(conn: Connection, *, analyzer: str) -> list[int]:
    """Return the first id of each stored text with no analysis by `analyzer`, in order: where `pending`'s
    id ranges can be cut."""
    firsts = _firsts(analyzer, None)
    return list(conn.execute(select(firsts.c.id).order_by(firsts.c.id)).scalars())


def save(conn: Connection, *, rows: Sequence[dict[str, Any]], analyzed_at: datetime) -> None:
    """Store analyses (dicts with the table's columns), replacing older ones of the same texts."""
    if not rows:
        return
    hashes = [row["content_hash"] for row in rows]
    for chunk in chunks(hashes):
        conn.execute(delete(analyses).where(analyses.c.content_hash.in_(chunk)))
    if conn.dialect.name != "sqlite":
        conn.execute(analyses.insert(), [{**row, "analyzed_at": analyzed_at} for row in rows])
        return
    # SQLite is enrichment's hot path: JSON and times converted here exactly as the column types would,
    # and plain tuples handed to the driver, skip SQLAlchemy's per-row, per-column processing. JSON goes
    # in as UTF-8 bytes that SQLite casts to TEXT: no round trip through a Python string.
    names = [column.name for column in analyses.columns]
    is_json = [isinstance(analyses.c[name].type, JSON) for name in names]
    at = sqlite_time(analyzed_at)
    values = [
        tuple(
            at
            if name == "analyzed_at"
            else dump_json_utf8(row[name])
            if json and row.get(name) is not None
            else row.get(name)
            for name, json in zip(names, is_json, strict=True)
        )
        for row in rows
    ]
    placeholders = ", ".join("CAST(? AS TEXT)" if json else "?" for json in is_json)
    conn.exec_driver_sql(f"INSERT INTO analyses ({', '.join(names)}) VALUES ({placeholders})", values)


def load(conn: Connection, *, content_hashes: Iterable[str]) -> dict[str, StoredAnalysis]:
    """Return stored analyses by content hash."""
    found: dict[str, StoredAnalysis] = {}
    for chunk in chunks(sorted(set(content_hashes))):
        for row in conn.execute(select(analyses).where(analyses.c.content_hash.in_(chunk))):
            found[row.content_hash] = StoredAnalysis(
                content_hash=row.content_hash,
                analyzer=row.analyzer,
                title_terms=row.title_terms,
                sentences=row.sentences,
                keyphrases=[(str(term), float(weight)) for term, weight in row.keyphrases],
                terms=row.terms,
                topic=row.topic,
                topic_score=row.topic_score,
                analyzed_at=row.analyzed_at,
                counts=row.counts,
            )
    return found


def count(conn: Connection, *, analyzer: str | None = None) -> int:
    """Return how many analyses are stored (by one analyzer version, if given)."""
    query = select(func.count()).select_from(analyses)
    if analyzer is not None:
        query = query.where(analyses.c.analyzer == analyzer)
    return int(conn.execute(query).scalar_one())


def pool_version(conn: Connection) -> tuple[object, ...]:
    """Return what changes whenever a pool could: the articles' count and highest id, and the analyses'
    count and latest time. A cache of pools keyed by it is never stale."""
    stored = conn.execute(select(func.count(), func.max(articles.c.id)).select_from(articles)).one()
    analysed = conn.execute(
        select(func.count(), func.max(analyses.c.analyzed_at)).select_from(analyses)
    ).one()
    return (*stored, *analysed)


def pool_rows(
    conn: Connection, *, analyzer: str, start: datetime | None = None, end: datetime | None = None
) -> Iterator[PoolRow]:
    """Yield every analysed article whose time (published, or else ingested) is in [start, end)."""
    when = func.coalesce(articles.c.published_at, articles.c.ingested_at).label("at")
    query = (
        select(
            articles.c.id,
            articles.c.external_id,
            articles.c.title,
            articles.c.url,
            articles.c.source,
            articles.c.published_at,
            articles.c.ingested_at,
            articles.c.canonical_of,
            articles.c.content_hash,
            analyses.c.topic,
            analyses.c.keyphrases,
            analyses.c.title_terms,
            analyses.c.counts,
            analyses.c.terms,
        )
        .join(analyses, analyses.c.content_hash == articles.c.content_hash)
        .where(analyses.c.analyzer == analyzer)
        .order_by(articles.c.id)
    )
    if start is not None:
        query = query.where(when >= start)
    if end is not None:
        query = query.where(when < end)
    for row in conn.execute(query):
        yield PoolRow(
            id=row.id,
            external_id=row.external_id,
            title=row.title,
            url=row.url,
            source=row.source,
            time=row.published_at or row.ingested_at,
            canonical_of=row.canonical_of,
            content_hash=row.content_hash,
            topic=row.topic,
            keyphrases=row.keyphrases,
            title_terms=row.title_terms,
            counts=row.counts or {},
            terms=row.terms,
        )

"""Readers' own editions, stored compactly (picks only) and in batches: one per (reader, date)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from prism.records import ReaderEdition, StoredPick
from prism.store.bulk import write_rows
from prism.store.schema import reader_editions

_COLUMNS = ("reader_id", "edition_date", "edition_window", "picks", "settings_digest", "created_at")
_KIND = {"interest": "i", "reference": "r"}


def _picks(picks: Sequence[StoredPick]) -> list[list[Any]]:
    return [[p.article_id, "f" if p.filler else _KIND[p.kind], p.score, p.relevance] for p in picks]


def _stored(rows: Sequence[Sequence[Any]]) -> tuple[StoredPick, ...]:
    return tuple(
        StoredPick(
            article_id=int(article_id),
            kind="interest" if kind == "i" else "reference",
            score=float(score),
            relevance=float(relevance),
            filler=kind == "f",
        )
        for article_id, kind, score, relevance in rows
    )


def save_many(conn: Connection, *, editions: Sequence[ReaderEdition]) -> int:
    """Store editions in one batch and return how many were new: a reader's edition of a date that is
    stored already is kept as it is (a rerun after a crash writes no edition twice)."""
    rows = [
        (e.reader_id, e.edition_date, e.window, _picks(e.picks), e.settings_digest, e.created_at)
        for e in editions
    ]
    return write_rows(conn, "reader_editions", _COLUMNS, rows, key=("reader_id", "edition_date"))


def built(conn: Connection, *, edition_date: str, reader_ids: Sequence[int]) -> set[int]:
    """Return which of `reader_ids` have an edition of the date already."""
    found: set[int] = set()
    for start in range(0, len(reader_ids), 10_000):  # bounded statements on any database
        chunk = list(reader_ids[start : start + 10_000])
        query = select(reader_editions.c.reader_id).where(
            reader_editions.c.edition_date == edition_date, reader_editions.c.reader_id.in_(chunk)
        )
        found.update(int(r) for r in conn.execute(query).scalars())
    return found


def picked(conn: Connection, *, edition_date: str, first: int, last: int) -> set[int]:
    """Return the articles the stored editions of a date show, for readers with ids in [first, last]."""
    query = select(reader_editions.c.picks).where(
        reader_editions.c.edition_date == edition_date, reader_editions.c.reader_id.between(first, last)
    )
    return {int(pick[0]) for (picks,) in conn.execute(query) for pick in picks}


def get(conn: Connection, *, reader_id: int, edition_date: str) -> ReaderEdition | None:
    """Return a reader's stored edition of a date."""
    row = conn.execute(
        select(reader_editions).where(
            reader_editions.c.reader_id == reader_id, reader_editions.c.edition_date == edition_date
        )
    ).first()
    if row is None:
        return None
    return ReaderEdition(
        reader_id=int(row.reader_id),
        edition_date=row.edition_date,
        window=row.edition_window,
        picks=_stored(row.picks),
        settings_digest=row.settings_digest,
        created_at=row.created_at,
    )


def count(conn: Connection, *, edition_date: str) -> int:
    """Return how many readers have an edition of the date."""
    query = select(func.count()).select_from(reader_editions)
    return int(conn.execute(query.where(reader_editions.c.edition_date == edition_date)).scalar_one())

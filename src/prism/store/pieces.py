"""Keyword-only queries over articles' shared pieces (prism.write.pieces), by content hash and digest."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import Connection, select

from prism.store.bulk import write_rows
from prism.store.schema import article_pieces
from prism.write.pieces import Piece

_COLUMNS = ("content_hash", "digest", "piece", "created_at")
_CHUNK = 10_000  # bounded statements on any database


def load(conn: Connection, *, digest: str, content_hashes: Collection[str]) -> dict[str, Piece]:
    """Return the stored pieces of the texts in `content_hashes` made with `digest`, by content hash."""
    wanted = list(content_hashes)
    found: dict[str, Piece] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(article_pieces.c.content_hash, article_pieces.c.piece).where(
            article_pieces.c.digest == digest,
            article_pieces.c.content_hash.in_(wanted[start : start + _CHUNK]),
        )
        found.update((row.content_hash, Piece.from_dict(row.piece)) for row in conn.execute(query))
    return found


def save(conn: Connection, *, digest: str, pieces: Mapping[str, Piece], at: datetime) -> int:
    """Store final pieces by content hash and return how many were new; one stored already (another
    process made it) is kept. Call inside a write transaction."""
    rows = [(h, digest, p.as_dict(), at) for h, p in pieces.items() if p.final]
    return write_rows(conn, "article_pieces", _COLUMNS, rows, key=("content_hash", "digest"))

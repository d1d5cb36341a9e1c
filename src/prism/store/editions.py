"""Stored editions: the briefing as composed, with its inputs (articles, persona, date, settings digest)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, desc, exists, func, or_, select, update

from prism.records import Briefing, Edition, EditionEdit, EditionListing, EditionStatus
from prism.store.schema import edition_edits, editions, sent_emails


def _edition(row: Row[Any]) -> Edition:
    return Edition(
        id=int(row.id),
        persona=row.persona,
        edition_date=row.edition_date,
        status=row.status,
        created_at=row.created_at,
        settings_digest=row.settings_digest,
        article_ids=tuple(int(i) for i in row.article_ids),
        briefing=Briefing.from_dict(row.briefing),
    )


def save_edition(
    conn: Connection,
    *,
    persona: str,
    edition_date: str,
    briefing: Briefing,
    article_ids: list[int],
    settings_digest: str,
    created_at: datetime,
    status: EditionStatus = "draft",
) -> int:
    """Store an edition and return its id.

    A draft takes the place of the drafts of the same persona and date that no editor has touched (it
    keeps the newest one's id), so building again does not pile them up. Published editions, and drafts
    with an editor's changes or once published, are kept as they are."""
    values = {
        "persona": persona,
        "edition_date": edition_date,
        "status": status,
        "created_at": created_at,
        "settings_digest": settings_digest,
        "article_ids": article_ids,
        "briefing": briefing.as_dict(),
    }
    if status == "draft":
        untouched = list(
            conn.execute(
                select(editions.c.id)
                .where(
                    editions.c.persona == persona,
                    editions.c.edition_date == edition_date,
                    editions.c.status == "draft",
                    ~exists().where(edition_edits.c.edition_id == editions.c.id),
                )
                .order_by(desc(editions.c.id))
            ).scalars()
        )
        if untouched:
            kept, *older = untouched
            conn.execute(update(editions).where(editions.c.id == kept).values(**values))
            if older:
                conn.execute(delete(editions).where(editions.c.id.in_(older)))
            return int(kept)
    result = conn.execute(editions.insert().values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def latest_edition(conn: Connection, *, persona: str, edition_date: str) -> Edition | None:
    """Return the newest stored edition of a persona and date."""
    row = conn.execute(
        select(editions)
        .where(editions.c.persona == persona, editions.c.edition_date == edition_date)
        .order_by(desc(editions.c.id))
        .limit(1)
    ).first()
    return _edition(row) if row else None


def published(conn: Connection, *, edition_date: str | None = None) -> list[Edition]:
    """Return the newest published edition of each persona for a date (default: the latest date that has
    any), in persona order."""
    if edition_date is None:
        edition_date = conn.execute(
            select(editions.c.edition_date)
            .where(editions.c.status == "published")
            .order_by(desc(editions.c.edition_date))
            .limit(1)
        ).scalar()
        if edition_date is None:
            return []
    rows = conn.execute(
        select(editions)
        .where(editions.c.status == "published", editions.c.edition_date == edition_date)
        .order_by(editions.c.persona, desc(editions.c.id))
    )
    newest: dict[str, Row[Any]] = {}
    for row in rows:
        newest.setdefault(row.persona, row)
    return [_edition(row) for row in newest.values()]


def published_edition(conn: Connection, *, persona: str, edition_date: str) -> Edition | None:
    """Return the newest published edition of a persona and date."""
    row = conn.execute(
        select(editions)
        .where(
            editions.c.persona == persona,
            editions.c.edition_date == edition_date,
            editions.c.status == "published",
        )
        .order_by(desc(editions.c.id))
        .limit(1)
    ).first()
    return _edition(row) if row else None


def published_dates(conn: Connection, *, persona: str) -> list[str]:
    """Return the dates with a published edition of a persona, newest first."""
    rows = conn.execute(
        select(editions.c.edition_date)
        .where(editions.c.persona == persona, editions.c.status == "published")
        .distinct()
        .order_by(desc(editions.c.edition_date))
    )
    return [row[0] for row in rows]


def get_edition(conn: Connection, *, edition_id: int) -> Edition | None:
    row = conn.execute(select(editions).where(editions.c.id == edition_id)).first()
    return _edition(row) if row else None


def list_editions(
    conn: Connection,
    *,
    status: EditionStatus | None = None,
    edition_date: str | None = None,
    limit: int = 200,
) -> list[EditionListing]:
    """Return editions (without their briefing), newest first, optionally of one status and date."""
    query = select(
        editions.c.id, editions.c.persona, editions.c.edition_date, editions.c.status, editions.c.created_at
    ).order_by(desc(editions.c.edition_date), editions.c.persona, desc(editions.c.id))
    if status is not None:
        query = query.where(editions.c.status == status)
    if edition_date is not None:
        query = query.where(editions.c.edition_date == edition_date)
    return [
        EditionListing(
            id=int(row.id),
            persona=row.persona,
            edition_date=row.edition_date,
            status=row.status,
            created_at=row.created_at,
        )
        for row in conn.execute(query.limit(limit))
    ]


def set_status(conn: Connection, *, edition_id: int, status: EditionStatus) -> bool:
    """Set an edition's status (draft or published); return False when there is no such edition."""
    result = conn.execute(update(editions).where(editions.c.id == edition_id).values(status=status))
    return bool(result.rowcount)


def replace_briefing(
    conn: Connection, *, edition_id: int, briefing: Briefing, article_ids: list[int]
) -> None:
    conn.execute(
        update(editions)
        .where(editions.c.id == edition_id)
        .values(briefing=briefing.as_dict(), article_ids=article_ids)
    )


def record_edit(
    conn: Connection, *, edition_id: int, editor_id: int | None, at: datetime, field: str, diff: str
) -> None:
    conn.execute(
        edition_edits.insert().values(
            edition_id=edition_id, editor_id=editor_id, at=at, field=field, diff=diff
        )
    )


def edits(conn: Connection, *, edition_id: int) -> list[EditionEdit]:
    rows = conn.execute(
        select(edition_edits).where(edition_edits.c.edition_id == edition_id).order_by(edition_edits.c.id)
    )
    return [
        EditionEdit(
            id=int(row.id), edition_id=int(row.edition_id), editor_id=row.editor_id, at=row.at,
            field=row.field, diff=row.diff,
        )
        for row in rows
    ]  # fmt: skip


def mark_sent(conn: Connection, *, edition_id: int, recipient: str, at: datetime) -> bool:
    """Record that an edition went to a recipient; False when it already had (nothing is written)."""
    if was_sent(conn, edition_id=edition_id, recipient=recipient):
        return False
    conn.execute(sent_emails.insert().values(edition_id=edition_id, recipient=recipient, sent_at=at))
    return True


def was_sent(conn: Connection, *, edition_id: int, recipient: str) -> bool:
    row = conn.execute(
        select(sent_emails.c.recipient).where(
            sent_emails.c.edition_id == edition_id, sent_emails.c.recipient == recipient
        )
    ).first()
    return row is not None


def changed_at(conn: Connection, *, editions_: Iterable[Edition]) -> dict[int, datetime]:
    """Return when each edition last changed: built, edited, published or unpublished."""
    changed = {e.id: e.created_at for e in editions_}
    if not changed:
        return changed
    rows = conn.execute(
        select(edition_edits.c.edition_id, func.max(edition_edits.c.at))
        .where(edition_edits.c.edition_id.in_(list(changed)))
        .group_by(edition_edits.c.edition_id)
    )
    for edition_id, at in rows:
        if at is not None:
            changed[int(edition_id)] = max(changed[int(edition_id)], at)
    return changed


def published_page(
    conn: Connection,
    *,
    edition_date: str | None = None,
    persona: str | None = None,
    limit: int = 20,
    after: tuple[str, str] | None = None,
) -> tuple[list[Edition], int]:
    """Return a page of published editions (the newest of each reader type and date), newest date first
    and then by reader type, starting after the (date, persona) `after`; and how many there are in all."""
    newest = select(func.max(editions.c.id)).where(editions.c.status == "published")
    if edition_date is not None:
        newest = newest.where(editions.c.edition_date == edition_date)
    if persona is not None:
        newest = newest.where(editions.c.persona == persona)
    newest = newest.group_by(editions.c.persona, editions.c.edition_date)
    total = conn.execute(select(func.count()).select_from(newest.subquery())).scalar_one()
    query = select(editions).where(editions.c.id.in_(newest))
    if after is not None:
        day, key = after
        query = query.where(
            or_(
                editions.c.edition_date < day,
                and_(editions.c.edition_date == day, editions.c.persona > key),
            )
        )
    rows = conn.execute(query.order_by(desc(editions.c.edition_date), editions.c.persona).limit(limit))
    return [_edition(row) for row in rows], int(total)

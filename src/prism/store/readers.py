"""Keyword-only queries over reader accounts and their sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, select, text, update

from prism.records import Account, ApiToken, Role
from prism.store.bulk import write_rows
from prism.store.schema import api_tokens, readers, sessions

NO_PASSWORD = "!"  # a password hash no password matches: an account nobody can log in to


def insert_reader(
    conn: Connection, *, email: str, password_hash: str, role: Role, persona: str | None, created_at: datetime
) -> int:
    """Store a new reader and return their id (the email must be new)."""
    result = conn.execute(
        readers.insert().values(
            email=email,
            password_hash=password_hash,
            role=role,
            persona=persona,
            profile={"interests": [], "muted": []},
            created_at=created_at,
            failed_logins=0,
            locked_until=None,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _account(row: Row[Any]) -> Account:
    return Account(
        id=int(row.id),
        email=row.email,
        password_hash=row.password_hash,
        role=row.role,
        persona=row.persona,
        profile=row.profile or {},
        created_at=row.created_at,
        failed_logins=int(row.failed_logins),
        locked_until=row.locked_until,
    )


def reader_by_email(conn: Connection, *, email: str) -> Account | None:
    row = conn.execute(select(readers).where(readers.c.email == email)).first()
    return _account(row) if row else None


def reader_by_id(conn: Connection, *, reader_id: int) -> Account | None:
    row = conn.execute(select(readers).where(readers.c.id == reader_id)).first()
    return _account(row) if row else None


def update_reader(conn: Connection, *, reader_id: int, persona: str | None, profile: dict[str, Any]) -> None:
    conn.execute(update(readers).where(readers.c.id == reader_id).values(persona=persona, profile=profile))


def insert_session(
    conn: Connection, *, token_hash: str, reader_id: int, created_at: datetime, expires_at: datetime
) -> None:
    conn.execute(
        sessions.insert().values(
            token_hash=token_hash, reader_id=reader_id, created_at=created_at, expires_at=expires_at
        )
    )


def session_reader_id(conn: Connection, *, token_hash: str, now: datetime) -> int | None:
    """Return the reader of a live session, or None."""
    row = conn.execute(
        select(sessions.c.reader_id).where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)
    ).first()
    return int(row[0]) if row else None


def delete_session(conn: Connection, *, token_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def insert_token(
    conn: Connection, *, reader_id: int, name: str, token_hash: str, created_at: datetime
) -> int:
    result = conn.execute(
        api_tokens.insert().values(
            reader_id=reader_id, name=name, token_hash=token_hash, created_at=created_at
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def tokens_of(conn: Connection, *, reader_id: int) -> list[ApiToken]:
    """Return a reader's tokens (never their hashes)."""
    rows = conn.execute(
        select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at)
        .where(api_tokens.c.reader_id == reader_id)
        .order_by(api_tokens.c.id)
    )
    return [ApiToken(id=int(row.id), name=row.name, created_at=row.created_at) for row in rows]


def token_reader_id(conn: Connection, *, token_hash: str) -> int | None:
    row = conn.execute(select(api_tokens.c.reader_id).where(api_tokens.c.token_hash == token_hash)).first()
    return int(row[0]) if row else None


def delete_token(conn: Connection, *, reader_id: int, token_id: int) -> bool:
    """Revoke one of a reader's own tokens; False when they have no such token."""
    result = conn.execute(
        delete(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.reader_id == reader_id)
    )
    return bool(result.rowcount)


def subscribers(conn: Connection, *, persona: str) -> list[str]:
    """Return the e-mail addresses of a reader type's readers who subscribed to its e-mail."""
    rows = conn.execute(select(readers.c.email, readers.c.profile).where(readers.c.persona == persona))
    return [row.email for row in rows if (row.profile or {}).get("subscribed")]


def set_subscribed(conn: Connection, *, email: str, subscribed: bool) -> bool:
    """Subscribe or unsubscribe a reader by address; False when there is no such reader."""
    row = conn.execute(select(readers.c.id, readers.c.profile).where(readers.c.email == email)).first()
    if row is None:
        return False
    conn.execute(
        update(readers)
        .where(readers.c.id == row.id)
        .values(profile={**(row.profile or {}), "subscribed": subscribed})
    )
    return True


def reserve_ids(conn: Connection, *, count: int) -> list[int]:
    """Return `count` fresh reader ids; call inside a write transaction."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence('readers', 'id')) FROM generate_series(1, :n)")
        return [int(value) for (value,) in conn.execute(query, {"n": count})]
    # SQLite: the write transaction holds the database lock, so nobody else can take these ids.
    top = conn.execute(select(func.coalesce(func.max(readers.c.id), 0))).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))


def insert_many(conn: Connection, *, accounts: Sequence[Account]) -> int:
    """Store accounts under ids from `reserve_ids` in one batch (COPY on PostgreSQL)."""
    rows = [
        (
            a.id, a.email, a.password_hash, a.role, a.persona, dict(a.profile), a.created_at, a.failed_logins,
            a.locked_until,
        )
        for a in accounts
    ]  # fmt: skip
    columns = (
        "id", "email", "password_hash", "role", "persona", "profile", "created_at", "failed_logins",
        "locked_until",
    )  # fmt: skip
    return write_rows(conn, "readers", columns, rows)


def id_range(conn: Connection) -> tuple[int, int, int]:
    """Return the lowest and highest reader id and how many readers there are (0, 0, 0 for none)."""
    low, high, count = conn.execute(
        select(func.min(readers.c.id), func.max(readers.c.id), func.count())
    ).one()
    return int(low or 0), int(high or 0), int(count)


def readers_between(conn: Connection, *, first: int, last: int) -> list[Account]:
    """Return the accounts with ids in [first, last], by id."""
    rows = conn.execute(
        select(readers).where(readers.c.id >= first, readers.c.id <= last).order_by(readers.c.id)
    )
    return [_account(row) for row in rows]


def follow_ids(conn: Connection) -> None:
    """Move PostgreSQL's id sequence past ids stored explicitly (`insert_many`), so sign-up goes on."""
    conn.execute(
        text("SELECT setval(pg_get_serial_sequence('readers', 'id'), (SELECT max(id) FROM readers))")
    )

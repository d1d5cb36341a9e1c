"""Bulk writes: many rows in one statement per batch, COPY on PostgreSQL, executemany on SQLite.

Rows come as tuples of plain values (aware datetimes, JSON-able lists and dicts); each database gets
them as its driver wants them, converted here exactly as the columns' SQLAlchemy types would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from prism.store.articles import sqlite_time
from prism.store.schema import dump_json


def _value(value: Any, sqlite: bool) -> Any:
    if isinstance(value, datetime):
        return sqlite_time(value) if sqlite else value
    if isinstance(value, list | dict | tuple):
        return dump_json(value)
    return value


def write_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    key: Sequence[str] = (),
) -> int:
    """Insert `rows` into `table` and return how many were new; with `key` (the primary key's columns),
    rows whose key is stored already are skipped, not an error. Call inside a write transaction."""
    if not rows:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    values = [tuple(_value(v, sqlite) for v in row) for row in rows]
    names = ", ".join(f'"{c}"' for c in columns)
    if sqlite:
        verb = "INSERT OR IGNORE" if key else "INSERT"
        before = conn.exec_driver_sql("SELECT total_changes()").scalar_one()
        conn.exec_driver_sql(
            f"{verb} INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", values
        )
        return int(conn.exec_driver_sql("SELECT total_changes()").scalar_one() - before)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    target = table
    if key:
        # COPY cannot skip rows: copy into a temporary table, then insert what is not there yet.
        target = f"_copy_{table}"
        cursor.execute(f"CREATE TEMPORARY TABLE {target} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
    with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    if not key:
        return len(values)
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} "
        f"ON CONFLICT ({', '.join(key)}) DO NOTHING"
    )
    inserted = int(cursor.rowcount)
    cursor.execute(f"DROP TABLE {target}")
    return inserted

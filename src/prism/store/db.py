"""Open databases (SQLite or PostgreSQL), apply migrations on first use, and run write transactions."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, NoSuchModuleError, OperationalError

from prism.errors import StoreError
from prism.store.schema import dump_json, load_json

# Bump together with a new file in migrations/versions (a test checks they agree).
HEAD_REVISION = "0012"
MIGRATIONS = Path(__file__).with_name("migrations")
# Key of the PostgreSQL advisory lock that serializes writers, as BEGIN IMMEDIATE does on SQLite.
_WRITE_LOCK_KEY = 0x5052_4953_4D00  # "PRISM"
_SQLITE_BUSY_TIMEOUT_S = 60
_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE


def redact(url: str) -> str:
    """Return `url` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _driver_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


Bind = Engine | Connection
"""What reading and writing functions accept: an engine (they check a connection out of its pool) or a
connection a caller already holds (a web request's one connection)."""


def open_engine(url: str, *, migrate: bool = True, pool_size: int | None = None) -> Engine:
    """Return an engine for `url`, creating and migrating the database on first use.

    `pool_size` fixes how many connections the engine keeps, with no overflow beyond it (the web app
    sizes it to its worker threads); by default SQLAlchemy's 5, and 10 more when busy.
    """
    sizing: dict[str, int] = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 0}
    try:
        parsed = make_url(_driver_url(url))
    except ArgumentError:
        raise StoreError(
            f"database URL {url!r} is not valid (expected sqlite:///PATH or postgresql://…)"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(parsed.render_as_string(hide_password=False), parsed.database, sizing)
        elif parsed.get_backend_name() == "postgresql":
            engine = create_engine(
                parsed, pool_pre_ping=True, json_serializer=dump_json, json_deserializer=load_json, **sizing
            )
        else:
            raise StoreError(f"database {redact(url)!r}: only SQLite and PostgreSQL are supported")
    except NoSuchModuleError as exc:
        raise StoreError(
            f"database {redact(url)!r}: driver missing ({exc}); install ai-prism[postgres]"
        ) from None
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"database {redact(url)!r}: driver missing ({exc}); install ai-prism[postgres]"
        ) from None
    if migrate:
        try:
            upgrade(engine)
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            raise StoreError(f"cannot open database {redact(url)}: {_reason(exc)}") from None
    return engine


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


def describe(engine: Engine) -> str:
    """Return how messages name an engine's database: the SQLite file, else the URL without password."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        return engine.url.database
    return engine.url.render_as_string(hide_password=True)


def database_problem(exc: BaseException) -> str | None:
    """Return the one-line reason of an error in the database itself, not in what was asked of it (the
    server is gone, the file is read-only, the disk is full), else None."""
    if isinstance(exc, DBAPIError):
        denied = getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE  # a read-only role
        if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated or denied:
            return _reason(exc) or type(exc.orig).__name__
        return None
    if isinstance(exc, sqlite3.OperationalError | sqlite3.InterfaceError):  # raised before SQLAlchemy wraps
        return str(exc)
    return None


def _sqlite_engine(url: str, database: str | None, sizing: dict[str, int]) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for database {database}: {exc.strerror}") from None
    engine = create_engine(
        url,
        connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        json_serializer=dump_json,
        json_deserializer=load_json,
        **sizing,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own transaction handling defers it oddly).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_S * 1000}")
        # In WAL mode NORMAL never corrupts; a power cut may lose the last commits, a killed process won't.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 16 MiB of page cache: a batch of articles and its LSH bands are written once, at commit.
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front, so two writers queue instead of failing on lock upgrade.
        immediate = connection.get_execution_options().get("prism_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch a database to WAL mode, waiting out other connections doing the same.

    Two processes opening a new database at once both try the switch, and SQLite answers the loser
    "database is locked" at once, without waiting for its busy timeout; so we wait here.
    """
    deadline = time.monotonic() + _SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def reading(bind: Bind) -> Iterator[Connection]:
    """Yield a connection to read with: `bind` itself when it is one, else one from the engine's pool."""
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as connection:
            yield connection


@contextmanager
def write_transaction(bind: Bind) -> Iterator[Connection]:
    """Yield a connection in a transaction that excludes other writers until it commits.

    Given a connection, the write happens on it: its read transaction ends first, because SQLite cannot
    turn a read snapshot older than the last commit into a write.
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection, _writing(connection):
            yield connection
        return
    if bind.in_transaction():
        bind.commit()
    with _writing(bind):
        yield bind


@contextmanager
def _writing(connection: Connection) -> Iterator[None]:
    connection.execution_options(prism_write=True)
    try:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(select(text(f"pg_advisory_xact_lock({_WRITE_LOCK_KEY})")))
            yield
    finally:
        connection.execution_options(prism_write=False)


def current_revision(connection: Connection) -> str | None:
    """Return the migration revision the database is at, or None for a blank database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Apply pending migrations; a no-op read when the database is already at head."""
    with engine.connect() as connection:
        if current_revision(connection) == HEAD_REVISION:
            return
    from alembic import command
    from alembic.config import Config

    with write_transaction(engine) as connection:
        if current_revision(connection) == HEAD_REVISION:  # another process migrated meanwhile
            return
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

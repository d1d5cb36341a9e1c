"""Table definitions. Migrations under `migrations/` create them; tests check the two agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and give them back aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# SQLite only aliases the rowid (fast, autoincrementing) for a column declared exactly INTEGER.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

articles = Table(
    "articles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("external_id", String(200), nullable=True, unique=True),
    Column("url", String(2000), nullable=True, unique=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("source", String(200), nullable=True),
    Column("category", String(100), nullable=True),
    Column("author", String(200), nullable=True),
    Column("content_hash", String(71), nullable=False, index=True),
    Column("ingested_at", UTCDateTime, nullable=False),
    Column("canonical_of", Id, ForeignKey("articles.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("origin", Text, nullable=True),
    Column("extra", JSON, nullable=True),
    Index("ix_articles_published_at", "published_at"),
)

# Locality-sensitive hashing bands of each article's MinHash sketch (see prism.ingest.dedup).
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band_key", BigInteger, primary_key=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    # The primary key is the only index; on SQLite a clustered (WITHOUT ROWID) table halves the writes.
    sqlite_with_rowid=False,
)

# What Kiwi said about each distinct text: keyed by content hash (and analyzer version), so an unchanged
# article is never analysed twice, however many copies of it are stored.
analyses = Table(
    "analyses",
    metadata,
    Column("content_hash", String(71), primary_key=True),
    Column("analyzer", String(40), nullable=False),
    Column("title_terms", JSON, nullable=False),
    Column("sentences", JSON, nullable=False),
    Column("keyphrases", JSON, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("topic", String(20), nullable=True),
    Column("topic_score", Float, nullable=True),
    Column("analyzed_at", UTCDateTime, nullable=False),
    # Body terms and noun phrases with their counts: what BM25 scores an article by.
    Column("counts", JSON, nullable=True),
)

# Briefings as built: the rendered record and its inputs, so an edition can be re-rendered and audited.
editions = Table(
    "editions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("persona", String(64), nullable=False),
    Column("edition_date", String(10), nullable=False),  # YYYY-MM-DD in the configured time zone
    Column("status", String(20), nullable=False),  # draft | published
    Column("created_at", UTCDateTime, nullable=False),
    Column("settings_digest", String(71), nullable=False),
    Column("article_ids", JSON, nullable=False),
    Column("briefing", JSON, nullable=False),
    Index("ix_editions_persona_date", "persona", "edition_date"),
)


# Reader accounts: a reader type and their own interests (profile), never a plain password.
readers = Table(
    "readers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # argon2id
    Column("role", String(20), nullable=False),  # reader | editor
    Column("persona", String(64), nullable=True),
    Column("profile", JSON, nullable=False),  # {"interests": [...], "muted": [...]}
    Column("created_at", UTCDateTime, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
)

# Log-in sessions: only a hash of the cookie's token is stored, so a leaked table opens no session.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("reader_id", Id, ForeignKey("readers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)


# What readers told us: "up" (👍), "down" (👎) or "click" (opened the article), per pick and time.
feedback = Table(
    "feedback",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reader_id", Id, ForeignKey("readers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


# Every change an editor makes to an edition: the field and a unified diff, by whom and when.
edition_edits = Table(
    "edition_edits",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("edition_id", Id, ForeignKey("editions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("editor_id", Id, ForeignKey("readers.id", ondelete="SET NULL"), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("field", String(100), nullable=False),
    Column("diff", Text, nullable=False),
)


# Personal access tokens for the API: like sessions, only a hash of the token is kept.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reader_id", Id, ForeignKey("readers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)


# Each (edition, recipient) is e-mailed at most once.
sent_emails = Table(
    "sent_emails",
    metadata,
    Column("edition_id", Id, ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True),
    Column("recipient", String(254), primary_key=True),
    Column("sent_at", UTCDateTime, nullable=False),
)


# What a language model answered, keyed by a digest of (model, prompt version, request): the same call is
# never made twice, whichever edition or reader type asks for it. Only answers that parsed are kept.
llm_calls = Table(
    "llm_calls",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 hex of model, prompt version and request
    Column("model", String(200), nullable=False),
    Column("prompt_version", String(40), nullable=False),
    Column("content", Text, nullable=False),  # the message content as the endpoint returned it
    Column("created_at", UTCDateTime, nullable=False),
)


# Articles a reader keeps to read again (listed on /me), newest first.
bookmarks = Table(
    "bookmarks",
    metadata,
    Column("reader_id", Id, ForeignKey("readers.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)


# Readers' own editions, one per (reader, date), built in batches for every reader: only the picks
# ([article id, kind, score, relevance], kind "i" 관심, "r" 참고, "f" 참고 filled with the day's economic
# news), since the 핵심 요약 and sections are the articles' own and the edition is rendered on demand.
reader_editions = Table(
    "reader_editions",
    metadata,
    Column("reader_id", Id, ForeignKey("readers.id", ondelete="CASCADE"), primary_key=True),
    Column("edition_date", String(10), primary_key=True),
    Column("edition_window", String(8), nullable=False),
    Column("picks", JSON, nullable=False),
    Column("settings_digest", String(71), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    sqlite_with_rowid=False,
)


# Each article text's shared 핵심 요약 (prism.write.pieces), written once per text and settings (the
# writer, summarizer, summary length and model: `digest`) and composed into every edition showing it.
article_pieces = Table(
    "article_pieces",
    metadata,
    Column("content_hash", String(71), primary_key=True),
    Column("digest", String(71), primary_key=True),
    Column("piece", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    sqlite_with_rowid=False,
)


def dump_json(value: Any) -> str:
    """Serialize a JSON column with orjson: compact, Korean as UTF-8 (not \\uXXXX escapes), and several
    times faster than the standard library on enrichment's analyses and the pool's reads."""
    return dump_json_utf8(value).decode("utf-8")


def dump_json_utf8(value: Any) -> bytes:
    """Serialize a JSON column to UTF-8 bytes, for a driver that stores them as text without decoding
    them into a Python string first (SQLite's CAST(? AS TEXT))."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def load_json(text: str | bytes) -> Any:
    """Parse a JSON column (what `dump_json` wrote, or any JSON text)."""
    return orjson.loads(text)

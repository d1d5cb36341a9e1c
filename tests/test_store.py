"""The store on SQLite and PostgreSQL: migrations, round trips, ids, concurrency primitives."""

from __future__ import annotations

import dataclasses
import importlib.util
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from prism.errors import StoreError
from prism.records import NewArticle
from prism.store import articles as queries
from prism.store import db, open_engine, write_transaction
from prism.store.schema import metadata


def new_article(n: int, **changes: object) -> NewArticle:
    fields: dict[str, object] = {
        "title": f"제목 {n}",
        "body": f"본문 {n} 한국은행이 기준금리를 결정했다.",
        "content_hash": f"sha256:{n:064x}",
        "external_id": f"ext-{n}",
        "url": f"https://news.example.com/{n}",
        "published_at": datetime(2026, 11, 21, 9, n % 60, tzinfo=UTC),
        "source": "프리즘경제",
        "category": "경제",
        "author": "김하늘",
        "extra": {"dataset": "test", "n": n},
        "origin": f"test.jsonl:{n}",
    }
    fields.update(changes)
    return NewArticle(**fields)  # type: ignore[arg-type]


def insert(conn: object, rows: list[NewArticle], canonical: list[int | None] | None = None) -> list[int]:
    ids = queries.reserve_ids(conn, count=len(rows))  # type: ignore[arg-type]
    queries.insert_articles(
        conn,  # type: ignore[arg-type]
        rows=rows,
        ids=ids,
        canonical_of=canonical or [None] * len(rows),
        ingested_at=datetime.now(UTC),
    )
    return ids


def test_migrations_match_the_tables(engine: Engine) -> None:
    """The one migration history creates exactly the tables the code declares, on both databases."""
    with engine.connect() as conn:
        assert db.current_revision(conn) == db.HEAD_REVISION
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_head_revision_constant_matches_scripts() -> None:
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == db.HEAD_REVISION


def test_article_columns(engine: Engine) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("articles")}
    assert columns == {
        "id", "external_id", "url", "title", "body", "published_at", "source", "category", "author",
        "content_hash", "ingested_at", "canonical_of", "origin", "extra",
    }  # fmt: skip


def test_opening_twice_is_a_no_op(database_url: str) -> None:
    first = open_engine(database_url)
    first.dispose()
    second = open_engine(database_url)
    with second.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    second.dispose()


def test_round_trip(engine: Engine) -> None:
    row = new_article(1, published_at=datetime(2026, 11, 21, 18, 30, tzinfo=timezone(timedelta(hours=9))))
    with write_transaction(engine) as conn:
        (article_id,) = insert(conn, [row])
    with engine.connect() as conn:
        stored = queries.get_article(conn, key="ext-1")
    assert stored is not None and stored.id == article_id
    assert stored.title == "제목 1" and stored.body == row.body
    assert stored.published_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # kept as UTC, aware
    assert stored.ingested_at.tzinfo is not None
    assert stored.extra == {"dataset": "test", "n": 1}
    assert stored.content_hash == row.content_hash and stored.origin == "test.jsonl:1"
    assert stored.display_id == "ext-1"


def test_get_article_by_internal_id(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        (article_id,) = insert(conn, [new_article(2, external_id=None)])
    with engine.connect() as conn:
        assert queries.get_article(conn, key=str(article_id)) is not None
        assert queries.get_article(conn, key=f"#{article_id}") is not None
        assert queries.get_article(conn, key="nope") is None


def test_reserved_ids_are_fresh_and_link_canonicals(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        first = insert(conn, [new_article(3), new_article(4)])
    with write_transaction(engine) as conn:
        second = insert(conn, [new_article(5), new_article(6)], canonical=[first[0], None])
    assert len(set(first + second)) == 4 and min(second) > max(first)
    with engine.connect() as conn:
        linked = queries.get_article(conn, key="ext-5")
        assert linked is not None and linked.canonical_of == first[0]
        assert queries.count_articles(conn) == 4
        assert queries.count_articles(conn, canonical_only=True) == 3


def test_unique_identities_are_enforced(engine: Engine) -> None:
    """The lock keeps writers apart; unique constraints are the backstop if anything slips."""
    with write_transaction(engine) as conn:
        insert(conn, [new_article(7)])
    with pytest.raises(IntegrityError), write_transaction(engine) as conn:
        insert(conn, [new_article(8, url="https://news.example.com/7")])
    with engine.connect() as conn:
        assert queries.count_articles(conn) == 1  # the failed transaction left nothing behind


def test_find_known_and_band_matches(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        ids = insert(conn, [new_article(9), new_article(10, url=None, external_id=None)])
        queries.insert_bands(conn, rows=[(-5, ids[0]), (2**62, ids[0]), (2**62, ids[1])])
    with engine.connect() as conn:
        known = queries.find_known(
            conn,
            urls=["https://news.example.com/9", "https://other.example.com/"],
            external_ids=["ext-9", "ext-404"],
            content_hashes=[f"sha256:{10:064x}"],
        )
        assert known.urls == {"https://news.example.com/9": ids[0]}
        assert known.external_ids == {"ext-9": ids[0]}
        assert known.content_hashes == {f"sha256:{10:064x}": ids[1]}
        matches = queries.find_band_matches(conn, keys=[-5, 2**62, 7])
        assert matches == {-5: [ids[0]], 2**62: sorted(ids)} or sorted(matches[2**62]) == sorted(ids)
        texts = queries.get_texts(conn, ids=ids)
        assert texts[ids[0]].body.startswith("본문 9") and texts[ids[0]].canonical_of is None
        assert texts[ids[1]].content_hash == f"sha256:{10:064x}"


def test_list_articles_newest_first(engine: Engine) -> None:
    rows = [new_article(11, published_at=None), new_article(12), new_article(13)]
    rows[2] = new_article(13, published_at=datetime(2026, 11, 27, tzinfo=UTC))
    with write_transaction(engine) as conn:
        insert(conn, rows)
    with engine.connect() as conn:
        listed = [a.external_id for a in queries.list_articles(conn, limit=10)]
    assert listed == ["ext-13", "ext-12", "ext-11"]  # undated last


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    engine.dispose()


def test_sqlite_database_folder_is_created(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'deep' / 'er' / 'prism.db'}")
    engine.dispose()
    assert (tmp_path / "deep" / "er" / "prism.db").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://localhost/db", "only SQLite and PostgreSQL"),
        ("not a url", "not valid"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot open database"),
    ],
)
def test_bad_database_urls(url: str, message: str) -> None:
    if url.startswith("postgresql") and importlib.util.find_spec("psycopg") is None:
        message = r"driver missing .*install ai-prism\[postgres\]"  # the core-only run
    with pytest.raises(StoreError, match=message):
        open_engine(url)


def test_unwritable_sqlite_location(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        open_engine(f"sqlite:///{blocker / 'sub' / 'prism.db'}")


def test_sqlite_fast_insert_matches_sqlalchemy(tmp_path: Path) -> None:
    """Ingest's raw SQLite insert stores exactly what SQLAlchemy's typed insert would."""
    from sqlalchemy import insert as sa_insert
    from sqlalchemy import select

    from prism.store.schema import articles

    engine = open_engine(f"sqlite:///{tmp_path / 'f.db'}")
    row = new_article(
        21, published_at=datetime(2026, 11, 21, 18, 30, 5, 123, tzinfo=timezone(timedelta(hours=9)))
    )
    when = datetime(2026, 11, 28, 1, 2, 3, 456789, tzinfo=UTC)
    with write_transaction(engine) as conn:
        queries.insert_articles(conn, rows=[row], ids=[1], canonical_of=[None], ingested_at=when)
        conn.execute(
            sa_insert(articles),
            [{"id": 2, "external_id": "sa", "url": None, "title": row.title, "body": row.body,
              "published_at": row.published_at, "content_hash": row.content_hash, "ingested_at": when,
              "extra": dict(row.extra)}],
        )  # fmt: skip
    with engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT published_at, ingested_at, extra FROM articles ORDER BY id"
        ).fetchall()
        typed = conn.execute(
            select(articles.c.published_at, articles.c.extra).order_by(articles.c.id)
        ).fetchall()
    engine.dispose()
    assert raw[0] == raw[1]
    assert typed[0] == typed[1] == (datetime(2026, 11, 21, 9, 30, 5, 123, tzinfo=UTC), dict(row.extra))


def _open_and_close(url: str) -> str:
    try:
        open_engine(url).dispose()
    except StoreError as exc:
        return str(exc)
    return ""


def test_two_processes_create_one_sqlite_database(tmp_path: Path) -> None:
    """Both switch the new file to WAL and migrate it; SQLite refuses the loser at once, so we wait."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no fork of a process that may have threads
    with context.Pool(2) as pool:
        for attempt in range(25):
            url = f"sqlite:///{tmp_path / f'race-{attempt}.db'}"
            assert pool.map(_open_and_close, [url, url]) == ["", ""]


def test_analyses_round_trip_on_both_databases(engine: Engine) -> None:
    from prism.store import analyses

    row = {
        "content_hash": "sha256:" + "ab" * 32,
        "analyzer": "test",
        "title_terms": [["금리", "인하"], ["금리"]],
        "sentences": [
            [0, 12, "금리를 내렸다.", "금리\t를\t내리다", "NNG JKO VV", ["금리"], ["금리", "내리다"], []]
        ],
        "keyphrases": [["금리", 1.0]],
        "terms": {"금리": 0.9, "내리다": 0.43589},
        "counts": {"금리": 1, "내리다": 1},
        "topic": "경제",
        "topic_score": 0.91,
    }
    at = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)
    with write_transaction(engine) as conn:
        analyses.save(conn, rows=[row], analyzed_at=at)
        analyses.save(conn, rows=[{**row, "topic": "사회"}], analyzed_at=at)  # replaces, never duplicates
    with engine.connect() as conn:
        loaded = analyses.load(conn, content_hashes=[row["content_hash"]])
        assert analyses.count(conn) == 1
    expected = {**row, "topic": "사회", "analyzed_at": at, "keyphrases": [("금리", 1.0)]}
    assert dataclasses.asdict(loaded[str(row["content_hash"])]) == expected

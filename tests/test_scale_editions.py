"""Every reader's own edition in blocks: the same picks as one reader at a time, stored once per reader
and date whatever crashes, and bad input named in one line."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from prism.accounts import as_reader
from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.errors import UsageError
from prism.ingest import ingest
from prism.pipeline import (
    edition_time,
    enrich_pending,
    prepare,
    reader_edition,
    reader_profile,
    stored_reader_edition,
)
from prism.recommend.personas import load_personas
from prism.scale import editions as scale
from prism.scale import readers as simulated
from prism.scale.executor import LocalExecutor
from prism.store import open_engine, reading
from prism.store import reader_editions as stored
from prism.store import readers as stored_readers
from prism.store.schema import article_pieces, reader_editions

DAY = date(2026, 11, 27)  # the sample corpus covers 11-21 … 11-27
T = TypeVar("T")
R = TypeVar("R")


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    scale.forget()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus, analysed, in a SQLite file (each test works on its own copy)."""
    home = tmp_path_factory.mktemp("scale-template")
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}")
    engine = open_engine(settings.resolved_database_url)
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    enrich_pending(engine, settings)
    engine.dispose()
    return home / "prism.db"


def copy_of(template: Path, home: Path) -> tuple[Settings, Engine]:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, home / "prism.db")
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}")
    return settings, open_engine(settings.resolved_database_url)


def with_readers(engine: Engine, settings: Settings, count: int, window: str = "7d", seed: int = 0) -> None:
    """Store `count` simulated readers with feedback on the articles of every day of the corpus (so a
    24h window sees feedback on articles outside its pool too)."""
    pool = prepare(engine, settings, day=DAY, window="all").pool
    simulated.store(
        engine,
        count,
        personas=load_personas(settings.home),
        articles=pool.ids.tolist(),
        now=edition_time(DAY, settings),
        seed=seed,
    )


def editions_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(reader_editions)).scalar_one())


@pytest.mark.parametrize("window", ["7d", "24h"])
def test_batch_picks_equal_one_reader_at_a_time(template: Path, home: Path, window: str) -> None:
    settings, engine = copy_of(template, home)
    with_readers(engine, settings, 240)
    report = scale.build_all(
        settings, day=DAY.isoformat(), window=window, executor=LocalExecutor(), block=100
    )
    assert report.built == report.readers == 240 and report.skipped == 0 and len(report.blocks) == 3
    fitted = prepare(engine, settings, day=DAY, window=window)
    personas = load_personas(settings.home)
    now = edition_time(DAY, settings)
    with reading(engine) as conn:
        accounts = stored_readers.readers_between(conn, first=1, last=240)
        built = [stored.get(conn, reader_id=a.id, edition_date=DAY.isoformat()) for a in accounts]
    compared = 0
    for account, edition in zip(accounts, built, strict=True):
        assert edition is not None and edition.window == fitted.window
        reader = as_reader(account)
        single = reader_edition(engine, settings, fitted, reader, personas=personas, now=now)
        assert [(p.article_id, p.kind) for p in single.picks] == [
            (p.article_id, p.kind) for p in edition.picks
        ], f"reader {reader.id}"
        if compared < 25:  # rendering a stored edition gives the very edition of one reader at a time
            assert (
                stored_reader_edition(engine, settings, fitted, reader, edition, personas=personas) == single
            )
            compared += 1
    kinds = {p.kind for e in built if e for p in e.picks}
    assert kinds == {"interest", "reference"}
    engine.dispose()


def test_an_edition_from_the_stored_pieces_equals_one_written_whole(
    template: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pieces hold what `compose` would take from each article (its 핵심 요약, the lead's sentence, a
    theme's sentences): an edition composed from them is the very edition composed from scratch, and
    reading one asks the summarizer for nothing."""
    from prism.pipeline import write_edition, write_own_edition
    from prism.summarize.extractive import Extractive

    settings, engine = copy_of(template, home)
    with_readers(engine, settings, 60)
    fitted = prepare(engine, settings, day=DAY, window="7d")
    personas = load_personas(settings.home)
    now = edition_time(DAY, settings)
    with reading(engine) as conn:
        readers = [as_reader(a) for a in stored_readers.readers_between(conn, first=1, last=60)]
    editions = []
    for reader in readers:
        persona, feedback, exclude = reader_profile(engine, settings, reader, personas=personas, now=now)
        picks = fitted.recommender.recommend(persona, feedback=feedback, exclude=exclude)
        whole = write_edition(engine, settings, fitted, persona, picks)  # the extractive writer: compose
        editions.append((persona, picks))
        assert write_own_edition(engine, settings, fitted, persona, picks, ask=True) == whole, reader.id
    calls = []
    real = Extractive.summarize

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(Extractive, "summarize", staticmethod(counted))
    for persona, picks in editions:
        write_own_edition(engine, settings, fitted, persona, picks, ask=True)
    assert calls == []
    engine.dispose()


class Crashing:
    """Runs blocks one after another and fails in the given one, as a killed worker would."""

    name = "crashing"
    workers = 1

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        for k, item in enumerate(items):
            if k == self.fail_at:
                raise RuntimeError("worker killed")
            yield fn(item)


def test_a_rerun_after_a_crash_finishes_the_job_with_one_edition_per_reader(
    template: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, engine = copy_of(template, home)
    with_readers(engine, settings, 300)
    with pytest.raises(RuntimeError):
        scale.build_all(settings, day=DAY.isoformat(), window="7d", executor=Crashing(2), block=100)
    assert editions_count(engine) == 200
    # A worker killed inside a block keeps what it stored before (batches of WRITE_EVERY readers).
    monkeypatch.setattr(scale, "WRITE_EVERY", 30)
    real = scale.BatchRecommender.recommend
    calls = {"n": 0}

    def dies_on_the_third_batch(self: scale.BatchRecommender, readers: Sequence[object], **kw: int) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(self, readers, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(scale.BatchRecommender, "recommend", dies_on_the_third_batch)
    with pytest.raises(RuntimeError):
        scale.build_all(settings, day=DAY.isoformat(), window="7d", executor=LocalExecutor(), block=100)
    assert editions_count(engine) == 260
    monkeypatch.setattr(scale.BatchRecommender, "recommend", real)
    report = scale.build_all(settings, day=DAY.isoformat(), window="7d", executor=LocalExecutor(), block=100)
    assert (report.built, report.skipped) == (40, 260)
    again = scale.build_all(settings, day=DAY.isoformat(), window="7d", executor=LocalExecutor(), block=100)
    assert (again.built, again.skipped) == (0, 300)
    assert editions_count(engine) == 300
    engine.dispose()


def test_build_and_rerun_on_both_databases(engine: Engine, settings: Settings) -> None:
    url = engine.url.render_as_string(hide_password=False)
    settings = get_settings(home=settings.home, database_url=url)
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    enrich_pending(engine, settings)
    with_readers(engine, settings, 30)
    first = scale.build_all(settings, day=DAY.isoformat(), window="7d", executor=LocalExecutor(), block=12)
    again = scale.build_all(settings, day=DAY.isoformat(), window="7d", executor=LocalExecutor(), block=12)
    assert (first.built, first.skipped, len(first.blocks)) == (30, 0, 3)
    assert (again.built, again.skipped) == (0, 30) and editions_count(engine) == 30
    # Each article the editions show has its 핵심 요약 written once, for every reader.
    assert first.pieces == first.articles > 0 and (again.articles, again.pieces) == (first.articles, 0)
    with reading(engine) as conn:
        assert conn.execute(select(func.count()).select_from(article_pieces)).scalar_one() == first.articles


def test_a_worker_with_other_settings_refuses_to_write_pieces(template: Path, home: Path) -> None:
    settings, engine = copy_of(template, home)
    spec = scale.PiecesSpec(
        settings.resolved_database_url, str(home), DAY.isoformat(), "7d", "sha256:other", (1, 2)
    )
    with pytest.raises(UsageError, match="make other 핵심 요약 than the driver's"):
        scale.pieces_block(spec)
    engine.dispose()


def test_pieces_are_stored_once_on_both_databases(engine: Engine) -> None:
    from datetime import UTC, datetime

    from prism.records import Quote
    from prism.store import pieces as stored_pieces
    from prism.store import write_transaction
    from prism.write.pieces import PIECE, Piece

    quote = Quote(text="정부가 반도체 지원을 늘린다.", article_id=PIECE, index=0)
    written = Quote(
        text="정부가 지원을 늘린다.", article_id=PIECE, index=0, kind="written", sources=((0, 0),)
    )
    piece = Piece(extractive=(quote,), summary=(written,))
    now = datetime(2026, 11, 27, tzinfo=UTC)
    with write_transaction(engine) as conn:
        assert stored_pieces.save(conn, digest="sha256:d", pieces={"sha256:a": piece}, at=now) == 1
    with write_transaction(engine) as conn:  # stored already: kept; a stand-in is never stored
        stand_in = Piece(extractive=(quote,), summary=(quote,), final=False)
        assert (
            stored_pieces.save(
                conn, digest="sha256:d", pieces={"sha256:a": piece, "sha256:b": stand_in}, at=now
            )
            == 0
        )
    with reading(engine) as conn:
        found = stored_pieces.load(conn, digest="sha256:d", content_hashes=["sha256:a", "sha256:b"])
        assert found == {"sha256:a": piece}
        assert stored_pieces.load(conn, digest="sha256:other", content_hashes=["sha256:a"]) == {}
    bound = found["sha256:a"].of(17, "prism-017")
    assert bound.summary[0].article_id == 17 and bound.summary[0].sources == ((17, 0),)


def test_editions_are_stored_once_on_both_databases(engine: Engine, settings: Settings) -> None:
    from datetime import UTC, datetime

    from prism.records import ReaderEdition, StoredPick
    from prism.store import write_transaction

    personas = load_personas()
    now = datetime(2026, 11, 27, tzinfo=UTC)
    simulated.store(engine, 50, personas=personas, now=now)
    picks = (StoredPick(7, "interest", 1.5, 0.5), StoredPick(9, "reference", 0.25, 0.125, filler=True))
    rows = [ReaderEdition(r, "2026-11-27", "24h", picks, "sha256:x", now) for r in range(1, 51)]
    with write_transaction(engine) as conn:
        assert stored.save_many(conn, editions=rows[:20]) == 20
    with write_transaction(engine) as conn:
        assert stored.save_many(conn, editions=rows) == 30  # the first 20 are kept as they were
    with reading(engine) as conn:
        assert stored.count(conn, edition_date="2026-11-27") == 50
        assert stored.get(conn, reader_id=3, edition_date="2026-11-27") == rows[2]
        assert stored.built(conn, edition_date="2026-11-27", reader_ids=[1, 2, 99]) == {1, 2}


def test_reader_editions_columns(engine: Engine) -> None:
    from sqlalchemy import inspect

    columns = {c["name"] for c in inspect(engine).get_columns("reader_editions")}
    assert columns == {
        "reader_id",
        "edition_date",
        "edition_window",
        "picks",
        "settings_digest",
        "created_at",
    }


def prism(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_the_command_builds_then_skips(template: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, engine = copy_of(template, home)
    with_readers(engine, settings, 40)
    monkeypatch.setenv("PRISM_DATABASE_URL", settings.resolved_database_url)
    code, output = prism("editions", "build", "--readers", "all", "--date", "2026-11-27", "--window", "7d")
    assert code == 0 and output.startswith("40 editions of 2026-11-27 built, 0 were built already"), output
    code, output = prism("editions", "build", "--readers", "all", "--date", "2026-11-27", "--json")
    assert code == 0 and '"built": 0' in output and '"skipped": 40' in output
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "date '2026-13-01' is not a date in the form YYYY-MM-DD"),
        (["--date", "2026-11-27", "--window", "1w"], "window '1w' is not one of"),
        (["--date", "2026-11-27", "--executor", "spark"], "executor 'spark' is not one of local, ray"),
        (["--date", "2026-11-27", "--readers", "some"], "--readers 'some': only 'all' is supported"),
        (["--date", "2026-11-27"], "no readers to build editions for"),
    ],
)
def test_bad_input_is_one_line(args: list[str], message: str, home: Path) -> None:
    full = ["editions", "build", *(["--readers", "all"] if "--readers" not in args else []), *args]
    code, output = prism(*full)
    assert code == 2 and message in output and "Traceback" not in output, output
    assert len(output.strip().splitlines()) == 1


def test_no_articles_is_one_line(settings: Settings) -> None:
    engine = open_engine(settings.resolved_database_url)
    simulated.store(engine, 5, personas=load_personas(), now=edition_time(DAY, settings))
    engine.dispose()
    code, output = prism("editions", "build", "--readers", "all", "--date", "2026-11-27")
    assert (
        code == 2 and "no analysed articles to brief from" in output and len(output.strip().splitlines()) == 1
    )


def test_ray_without_a_cluster_is_one_line(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRISM_RAY_ADDRESS", raising=False)
    code, output = prism("editions", "build", "--readers", "all", "--executor", "ray")
    installed = importlib.util.find_spec("ray") is not None
    expected = "needs a cluster address" if installed else "the ray executor needs Ray: pip install"
    assert code == 2 and expected in output and len(output.strip().splitlines()) == 1
    if installed:
        code, output = prism(
            "editions", "build", "--readers", "all", "--executor", "ray", "--ray-address", "127.0.0.1:9"
        )
        assert code == 2 and "127.0.0.1:9" in output and len(output.strip().splitlines()) == 1

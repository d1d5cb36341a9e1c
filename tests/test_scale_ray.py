"""The Ray executor on a real cluster (PRISM_TEST_RAY_ADDRESS; .ci/run starts a head and a worker node):
the same results as the local executor, and a worker killed mid-task costs nothing but its retry."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.pipeline import edition_time, enrich_pending, enrich_range, enrich_shards, prepare
from prism.recommend.personas import load_personas
from prism.scale import editions as scale
from prism.scale import readers as simulated
from prism.scale.executor import Executor, LocalExecutor
from prism.store import open_engine
from prism.store.schema import analyses, article_pieces, reader_editions
from tests.conftest import RAY_ENV
from tests.helpers import run_ingest
from tests.scale import (
    build_first_half,
    enrich_first_half,
    map_with_a_killed_worker,
    slow_first,
    stored_analyses,
)


def test_results_come_back_in_item_order_as_locally(ray_executor: Executor) -> None:
    assert ray_executor.name == "ray" and ray_executor.workers >= 2
    items = list(range(23))
    assert list(ray_executor.map(slow_first, items)) == list(LocalExecutor().map(slow_first, items))
    assert list(ray_executor.map(slow_first, [])) == []


def _fresh(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(analyses.delete())


def test_enrich_on_ray_stores_what_local_does(
    ray_executor: Executor, pg_url: str, settings: Settings
) -> None:
    engine = open_engine(pg_url)
    run_ingest(engine, settings, sample_corpus())
    runner = CliRunner()
    local = runner.invoke(app, ["enrich", "-d", pg_url, "--json"])
    assert local.exit_code == 0, local.output
    expected = stored_analyses(engine)
    _fresh(engine)
    ray = ["--executor", "ray", "--ray-address", os.environ[RAY_ENV]]
    on_ray = runner.invoke(app, ["enrich", "-d", pg_url, *ray, "--json"])
    assert on_ray.exit_code == 0, on_ray.output
    assert json.loads(on_ray.stdout) == json.loads(local.stdout) == {"analysed": 60, "already": 0}
    assert stored_analyses(engine) == expected  # row for row
    engine.dispose()


def test_a_killed_worker_is_retried_and_every_text_analysed_once(
    ray_executor: Executor, pg_url: str, settings: Settings, tmp_path: Path
) -> None:
    engine = open_engine(pg_url)
    run_ingest(engine, settings, sample_corpus())
    shards = enrich_shards(engine, settings, shards=4)
    # The second task stores half its range, then its worker process is killed; Ray runs it again.
    reports = map_with_a_killed_worker(
        ray_executor, enrich_range, shards, marker=tmp_path / "killed", victim=1, partial=enrich_first_half
    )
    with engine.connect() as conn:
        hashes = conn.execute(select(analyses.c.content_hash)).scalars().all()
    assert len(hashes) == len(set(hashes)) == 60
    texts = [len(range(s.lo, s.hi)) for s in shards]
    assert sum(r.analysed for r in reports) < 60 and reports[1].analysed < texts[1]  # the rerun did the rest
    expected = stored_analyses(engine)
    _fresh(engine)
    list(LocalExecutor().map(enrich_range, shards))
    assert stored_analyses(engine) == expected
    engine.dispose()


DAY = date(2026, 11, 27)  # the sample corpus covers 11-21 … 11-27


def _with_readers(pg_url: str, settings: Settings, count: int) -> tuple[Settings, Engine]:
    """The sample corpus, analysed, and `count` simulated readers with feedback, on PostgreSQL."""
    settings = get_settings(home=settings.home, database_url=pg_url)
    engine = open_engine(pg_url)
    run_ingest(engine, settings, sample_corpus())
    enrich_pending(engine, settings)
    pool = prepare(engine, settings, day=DAY, window="all").pool
    personas = load_personas(settings.home)
    now = edition_time(DAY, settings)
    simulated.store(engine, count, personas=personas, articles=pool.ids.tolist(), now=now)
    return settings, engine


def _stored_editions(engine: Engine) -> list[tuple[Any, ...]]:
    """Every reader's stored edition but its time, in reader order (two builds compare row for row)."""
    columns = [c for c in reader_editions.c if c.name != "created_at"]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(reader_editions.c.reader_id)).all()
    return [tuple(row) for row in rows]


def _stored_pieces(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        query = select(article_pieces.c.content_hash, article_pieces.c.digest, article_pieces.c.piece)
        return [tuple(row) for row in conn.execute(query.order_by(article_pieces.c.content_hash))]


def test_every_readers_edition_on_ray_equals_local(
    ray_executor: Executor, pg_url: str, settings: Settings
) -> None:
    """`prism editions build --readers all` for 10,000 simulated readers: on the cluster, the very
    editions the local executor stores, row for row."""
    settings, engine = _with_readers(pg_url, settings, 10_000)
    build = ["editions", "build", "--readers", "all", "--date", DAY.isoformat(), "--window", "7d"]
    runner = CliRunner()
    local = runner.invoke(app, [*build, "-d", pg_url, "--json"])
    assert local.exit_code == 0, local.output
    expected = _stored_editions(engine)
    assert len(expected) == 10_000 and len({row[0] for row in expected}) == 10_000
    pieces = _stored_pieces(engine)
    assert len(pieces) == json.loads(local.stdout)["articles"] > 0
    with engine.begin() as conn:
        conn.execute(reader_editions.delete())
        conn.execute(article_pieces.delete())
    ray = ["--executor", "ray", "--ray-address", os.environ[RAY_ENV]]
    on_ray = runner.invoke(app, [*build, "-d", pg_url, *ray, "--json"])
    assert on_ray.exit_code == 0, on_ray.output
    assert json.loads(on_ray.stdout)["built"] == json.loads(local.stdout)["built"] == 10_000
    assert json.loads(on_ray.stdout)["executor"] == "ray"
    assert _stored_editions(engine) == expected
    assert _stored_pieces(engine) == pieces  # each article's 핵심 요약, written by the cluster's workers
    engine.dispose()


def test_a_killed_worker_leaves_exactly_one_edition_per_reader(
    ray_executor: Executor, pg_url: str, settings: Settings, tmp_path: Path
) -> None:
    settings, engine = _with_readers(pg_url, settings, 600)
    specs = scale.block_specs(settings, day=DAY, window="7d", block=100)
    assert len(specs) == 6
    # The second task stores its first half of readers, then its worker process is killed; Ray runs it again.
    summaries = map_with_a_killed_worker(
        ray_executor, scale.build_block, specs, marker=tmp_path / "killed", victim=1, partial=build_first_half
    )
    assert sum(s.built for s in summaries) == 550 and summaries[1].skipped == 50  # the rerun did the rest
    stored = _stored_editions(engine)
    assert [row[0] for row in stored] == sorted({row[0] for row in stored}) and len(stored) == 600
    with engine.begin() as conn:
        conn.execute(reader_editions.delete())
    list(LocalExecutor().map(scale.build_block, specs))
    assert _stored_editions(engine) == stored  # and the same editions as without the kill
    engine.dispose()

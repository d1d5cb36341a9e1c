"""The Ray executor on a real cluster (PRISM_TEST_RAY_ADDRESS; .ci/run starts a head and a worker node):
the same results as the local executor, and a worker killed mid-task costs nothing but its retry."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings
from prism.pipeline import enrich_range, enrich_shards
from prism.scale.executor import Executor, LocalExecutor
from prism.store import open_engine
from prism.store.schema import analyses
from tests.conftest import RAY_ENV
from tests.helpers import run_ingest
from tests.scale import enrich_first_half, map_with_a_killed_worker, slow_first, stored_analyses


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

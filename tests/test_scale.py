"""Executors: the local one, choosing one by name, and enrichment sharded over id ranges."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings
from prism.errors import UsageError
from prism.nlp.korean import ANALYZER_VERSION
from prism.pipeline import enrich_pending, enrich_shards
from prism.scale.executor import LocalExecutor, get_executor
from prism.store import analyses, open_engine
from tests.helpers import free_port, run_ingest, write_jsonl
from tests.scale import slow_first, stored_analyses


def test_local_executor_maps_in_order() -> None:
    executor = get_executor("local")
    assert isinstance(executor, LocalExecutor) and (executor.name, executor.workers) == ("local", 1)
    assert list(executor.map(slow_first, [3, 1, 2])) == [(3, 9), (1, 1), (2, 4)]


def test_unknown_executor_names_the_known_ones() -> None:
    with pytest.raises(UsageError, match="executor 'spark' is not one of local, ray"):
        get_executor("spark")


def test_ray_executor_without_ray_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    monkeypatch.delitem(sys.modules, "prism.scale.ray", raising=False)
    with pytest.raises(UsageError, match=r"pip install 'ai-prism\[ray\]'"):
        get_executor("ray", address="127.0.0.1:6379")


def test_ray_executor_needs_a_reachable_cluster() -> None:
    pytest.importorskip("ray")
    with pytest.raises(UsageError, match="needs a cluster address: --ray-address or PRISM_RAY_ADDRESS"):
        get_executor("ray", address=None)
    runner = CliRunner()
    port = free_port()
    result = runner.invoke(app, ["enrich", "--executor", "ray", "--ray-address", f"127.0.0.1:{port}"])
    assert result.exit_code == 2
    refused = f"error: cannot reach the Ray cluster at 127.0.0.1:{port}: Connection refused"
    assert result.output.strip() == refused
    result = runner.invoke(app, ["enrich", "--executor", "ray"], env={"PRISM_RAY_ADDRESS": "nowhere"})
    assert (result.exit_code, result.output.strip()) == (
        2,
        "error: cannot reach the Ray cluster at nowhere: 'nowhere' is not HOST:PORT",
    )


def _with_a_text_twice(tmp_path: Path) -> Path:
    """The sample corpus, and one of its texts again under a new identity at the end."""
    rows = [
        json.loads(line)
        for part in sorted(sample_corpus().glob("*.jsonl"))
        for line in part.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    again = {**rows[0], "id": "again", "url": None}
    return write_jsonl(tmp_path / "corpus.jsonl", [*rows, again])


def test_id_ranges_split_the_pending_texts(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    run_ingest(engine, settings, _with_a_text_twice(tmp_path))
    shards = enrich_shards(engine, settings, shards=7)
    assert len(shards) == 7 and {shard.database_url for shard in shards} == {
        engine.url.render_as_string(hide_password=False)
    }
    with engine.connect() as conn:
        everything = analyses.pending(conn, analyzer=ANALYZER_VERSION)
        split = [analyses.pending(conn, analyzer=ANALYZER_VERSION, ids=(s.lo, s.hi)) for s in shards]
    assert len(everything) == 60  # the text stored twice is pending once
    assert [row for part in split for row in part] == everything
    assert [len(part) for part in split] == [8, 9, 8, 9, 8, 9, 9]
    assert all(a.hi == b.lo for a, b in itertools.pairwise(shards))


def test_sharded_enrichment_stores_what_one_stream_does(
    tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    corpus = _with_a_text_twice(tmp_path)
    reference = open_engine(f"sqlite:///{tmp_path / 'one-stream.db'}")
    run_ingest(reference, settings, corpus)
    assert enrich_pending(reference, settings).analysed == 60
    run_ingest(engine, settings, corpus)
    done: list[int] = []
    report = enrich_pending(engine, settings, executor=LocalExecutor(), shards=5, progress=done.append)
    assert (report.analysed, report.already, len(done)) == (60, 0, 5)
    assert stored_analyses(engine) == stored_analyses(reference)
    again = enrich_pending(engine, settings, executor=LocalExecutor(), shards=5)
    assert (again.analysed, again.already) == (0, 60)
    reference.dispose()


def test_enrich_command_with_shards() -> None:
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(sample_corpus())])
    result = runner.invoke(app, ["enrich", "--shard", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"analysed": 60, "already": 0}

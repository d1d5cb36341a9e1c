"""Real `prism ingest` processes: killed mid-run, and two at once on one database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from prism.store import articles as queries
from prism.store import open_engine
from tests.helpers import korean_article, write_jsonl

pytestmark = pytest.mark.slow


def ingest_process(path: Path, database_url: str, *, batch: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PRISM_INGEST_BATCH_SIZE": str(batch)}
    return subprocess.Popen(
        [sys.executable, "-m", "prism", "ingest", str(path), "--json", "-d", database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return queries.count_articles(conn)


def test_killed_process_leaves_a_consistent_database(tmp_path: Path) -> None:
    total, batch = 4000, 100
    path = write_jsonl(tmp_path / "big.jsonl", [korean_article(n, words=40) for n in range(total)])
    db = tmp_path / "crash.db"
    url = f"sqlite:///{db}"
    engine = open_engine(url)
    process = ingest_process(path, url, batch=batch)
    deadline = time.monotonic() + 60
    while count(engine) < 2 * batch and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL, "the process finished before it could be killed"
    survived = count(engine)
    assert 0 < survived < total
    assert survived % batch == 0, "a batch is stored whole or not at all"
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        bands = raw.execute("SELECT count(DISTINCT article_id) FROM minhash_bands").fetchone()[0]
    assert bands == survived  # no article without its sketch, no sketch without its article

    rerun = ingest_process(path, url, batch=batch)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    report = json.loads(out)
    assert (report["ingested"], report["duplicates"]) == (total - survived, survived)
    assert count(engine) == total
    engine.dispose()


def test_two_processes_at_once(tmp_path: Path, database_url: str) -> None:
    total = 1500
    rows = [korean_article(n, words=40) for n in range(total)]
    first = write_jsonl(tmp_path / "first.jsonl", rows)
    second = write_jsonl(tmp_path / "second.jsonl", list(reversed(rows)))  # same articles, other order
    engine = open_engine(database_url)  # migrated once, as a real deployment would be
    processes = [
        ingest_process(first, database_url, batch=50),
        ingest_process(second, database_url, batch=50),
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        reports.append(json.loads(out))
    assert sum(r["ingested"] for r in reports) == total
    assert sum(r["duplicates"] for r in reports) == total
    assert all(r["rejected"] == [] for r in reports)
    assert count(engine) == total
    with engine.connect() as conn:
        assert len({a.external_id for a in queries.list_articles(conn, limit=total + 10)}) == total
    engine.dispose()


def test_two_processes_on_a_fresh_database(tmp_path: Path) -> None:
    """Both processes find no schema; the migration lock lets exactly one create it."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    path = write_jsonl(tmp_path / "n.jsonl", [korean_article(n) for n in range(50)])
    processes = [ingest_process(path, url, batch=10) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err for _, err in outputs]
    assert sum(json.loads(out)["ingested"] for out, _ in outputs) == 50

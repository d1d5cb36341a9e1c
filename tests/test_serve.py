"""Operating `prism serve`: /healthz reads the database, one access-log line per request, a serve that cannot
start says why in one line (no banner), several workers, and a stop that lets the daily run finish."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism import schedule
from prism.cli import app as cli
from prism.config import Settings
from prism.store import open_engine
from prism.web.app import create_app
from tests.helpers import free_port, serving


def test_healthz_reads_the_database(engine: Engine, settings: Settings) -> None:
    with serving(create_app(settings, engine)) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_cannot_be_read(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    engine = open_engine(f"sqlite:///{path}")
    with serving(create_app(settings, engine)) as client:
        assert client.get("/healthz").status_code == 200
        engine.dispose()
        for name in (path, path.with_name("store.db-wal"), path.with_name("store.db-shm")):
            if name.exists():
                name.write_bytes(b"this is not a database" * 100)
        answer = client.get("/healthz")
    engine.dispose()
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "unreadable"}


def test_one_access_log_line_per_request(
    engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.INFO, logger="prism.access"),
        serving(create_app(settings, engine)) as client,
    ):
        client.get("/healthz")
        client.get("/articles/424242?token=secret")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "prism.access"]
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [
        ("GET", "/healthz", 200),
        ("GET", "/articles/424242", 404),  # the query, which may carry a token, is left out
    ]
    for line in lines:
        assert line["client"] == "127.0.0.1" and line["ms"] >= 0 and datetime.fromisoformat(line["time"])


def test_serve_on_a_busy_port_says_so_in_one_line(home: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code != 0
    assert "AI PRISM on" not in result.stdout  # no banner before a serve that fails
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot listen on 127.0.0.1:") and "in use" in line


def test_serve_with_a_placeholder_secret_in_production_says_so_in_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRISM_ENVIRONMENT", "production")
    result = CliRunner().invoke(cli, ["serve", "--port", str(free_port())])
    assert result.exit_code != 0 and "AI PRISM on" not in result.stdout
    [line] = result.stderr.strip().splitlines()
    assert "PRISM_SECRET_KEY" in line


def test_serve_with_two_workers_and_a_clean_stop(home: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "prism", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PRISM_HOME": str(home)},
    )
    try:
        deadline = time.monotonic() + 60
        answers: list[int] = []
        while len(answers) < 20 and time.monotonic() < deadline:
            try:
                answers.append(httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code)
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    assert answers == [200] * 20
    assert server.returncode == 0, err
    assert out.startswith("AI PRISM on") and "2 workers" in out
    assert out.count('"path": "/healthz"') >= 20  # the workers' access logs reach stdout


def test_stopping_the_schedule_lets_the_day_under_way_finish(
    sqlite_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, finish, finished = threading.Event(), threading.Event(), threading.Event()

    def run_day(engine: Engine, settings: Settings, day: date, **_: object) -> schedule.DayReport:
        started.set()
        finish.wait(30)
        finished.set()
        return schedule.DayReport(day=day.isoformat())

    monkeypatch.setattr(schedule, "run_day", run_day)
    monkeypatch.setattr(schedule, "next_run", lambda now, times: now)  # due at once
    stop = threading.Event()
    loop = threading.Thread(
        target=schedule.run_forever, args=(sqlite_engine, settings), kwargs={"wait": stop.wait}
    )
    loop.start()
    assert started.wait(10)
    stop.set()
    loop.join(0.5)
    assert loop.is_alive() and not finished.is_set()  # the stop waits for the day under way
    finish.set()
    loop.join(10)
    assert not loop.is_alive() and finished.is_set()

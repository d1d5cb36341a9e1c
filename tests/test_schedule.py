"""The daily run: idempotent per date, retried steps, all editions published together or none."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from prism import schedule
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.store import editions

DAY = date(2026, 11, 27)


@pytest.fixture
def corpus(engine: Engine, settings: Settings) -> Engine:
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    return engine


def statuses(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row.status for row in editions.list_editions(conn) if row.edition_date == DAY.isoformat()]


def test_a_day_runs_once(corpus: Engine, settings: Settings) -> None:
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    first = schedule.run_day(corpus, publishing, DAY, backoff_s=0)
    assert first.built == 8 and first.published == 8 and not first.skipped
    assert statuses(corpus) == ["published"] * 8
    again = schedule.run_day(corpus, publishing, DAY, backoff_s=0)
    assert again.skipped and statuses(corpus) == ["published"] * 8


def test_drafts_wait_without_auto_publish(corpus: Engine, settings: Settings) -> None:
    report = schedule.run_day(corpus, settings, DAY, backoff_s=0)
    assert report.built == 8 and report.published == 0
    assert statuses(corpus) == ["draft"] * 8


def test_a_failing_step_is_retried(
    corpus: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = schedule.enrich_pending
    calls = []

    def flaky(engine: Engine, settings: Settings) -> object:
        calls.append(1)
        if len(calls) < 3:
            raise OSError("disk hiccup")
        return real(engine, settings)

    monkeypatch.setattr(schedule, "enrich_pending", flaky)
    report = schedule.run_day(corpus, settings, DAY, backoff_s=0)
    assert len(calls) == 3 and report.built == 8


def test_a_step_that_keeps_failing_publishes_nothing(
    corpus: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)

    def broken(*args: object, **kwargs: object) -> bool:
        raise OSError("database went away")

    monkeypatch.setattr(schedule.editions, "set_status", broken)
    with pytest.raises(schedule.ScheduleError, match="publish failed 3 times: database went away"):
        schedule.run_day(corpus, publishing, DAY, backoff_s=0)
    monkeypatch.undo()
    assert statuses(corpus) == ["draft"] * 8  # never half-published


def test_next_run_picks_the_next_time() -> None:
    zone = ZoneInfo("Asia/Seoul")
    now = datetime(2026, 11, 27, 7, 30, tzinfo=zone)
    assert schedule.next_run(now, ["06:00", "18:00"]) == datetime(2026, 11, 27, 18, 0, tzinfo=zone)
    assert schedule.next_run(now, ["06:00"]) == datetime(2026, 11, 28, 6, 0, tzinfo=zone)


def test_bad_schedule_times_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from prism.errors import ConfigError

    monkeypatch.setenv("PRISM_SCHEDULE_TIMES", '["25:00"]')
    with pytest.raises(ConfigError, match="PRISM_SCHEDULE_TIMES"):
        get_settings()


def test_serve_with_schedule_runs_both(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    import time

    import httpx

    from tests.helpers import free_port

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prism",
            "serve",
            "--schedule",
            "--port",
            str(port),
            "--home",
            str(tmp_path / "h"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
            time.sleep(0.2)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "daily runs at 06:00 (Asia/Seoul)" in output and "next run at" in output

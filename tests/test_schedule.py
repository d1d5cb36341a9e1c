"""The daily run: idempotent per date, retried steps, all editions published together or none."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from prism import schedule
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.store import editions, open_engine

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


def test_the_day_builds_every_readers_own_edition_once(corpus: Engine, settings: Settings) -> None:
    from prism.pipeline import edition_time
    from prism.recommend.personas import load_personas
    from prism.scale import readers as simulated
    from prism.store import reader_editions

    first = schedule.run_day(corpus, settings, DAY, backoff_s=0)
    assert "readers" not in first.steps and first.reader_editions == 0  # no readers yet
    simulated.store(corpus, 25, personas=load_personas(), now=edition_time(DAY, settings))
    again = schedule.run_day(corpus, settings, DAY, backoff_s=0)
    assert again.skipped and again.steps == ["readers"] and again.reader_editions == 25
    with corpus.connect() as conn:
        assert reader_editions.count(conn, edition_date=DAY.isoformat()) == 25
    assert schedule.run_day(corpus, settings, DAY, backoff_s=0).reader_editions == 0


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


class FakeTime:
    """A clock and a `wait` for run_forever: waiting moves the clock on at once; each wait may act first
    (take the database away, bring it back); the waits run out, then the loop is told to stop."""

    def __init__(self, start: datetime, actions: list[Callable[[], None]]) -> None:
        self.now = start
        self.actions = actions
        self.waits: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        if not self.actions:
            return True
        self.actions.pop(0)()
        self.now += timedelta(seconds=seconds)
        return False


def forever_on(engine: Engine, settings: Settings, time: FakeTime) -> list[date]:
    """Run the loop on fake time; return the days run_day was asked for (the real run_day runs)."""
    asked: list[date] = []
    real = schedule.run_day

    def recording(engine: Engine, settings: Settings, day: date, *, backoff_s: float = 2.0) -> object:
        asked.append(day)
        return real(engine, settings, day, backoff_s=backoff_s)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schedule, "run_day", recording)
        schedule.run_forever(engine, settings, now=time.clock, wait=time.wait, retry_s=30, backoff_s=0)
    return asked


SEOUL = ZoneInfo("Asia/Seoul")


def test_a_run_missed_today_is_caught_up_once(corpus: Engine, settings: Settings) -> None:
    late = FakeTime(datetime(2026, 11, 27, 9, 0, tzinfo=SEOUL), [])  # started after 06:00: run now
    assert forever_on(corpus, settings, late) == [DAY]
    assert late.waits == [21 * 3600]  # it ran first, then waited for tomorrow's 06:00
    assert statuses(corpus) == ["draft"] * 8
    again = FakeTime(datetime(2026, 11, 27, 10, 0, tzinfo=SEOUL), [])  # a restart the same day
    assert forever_on(corpus, settings, again) == [DAY]
    assert statuses(corpus) == ["draft"] * 8  # idempotent per date: nothing built twice
    early = FakeTime(datetime(2026, 11, 27, 5, 0, tzinfo=SEOUL), [])  # before 06:00: nothing missed
    assert forever_on(corpus, settings, early) == [] and early.waits == [3600]


def test_the_loop_outlives_a_database_that_goes_away(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "db"
    away = tmp_path / "away"
    corpus = open_engine(f"sqlite:///{folder / 'prism.db'}")
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=corpus, settings=settings)

    def take_away() -> None:
        corpus.dispose()  # no pooled connection keeps the old file open
        folder.rename(away)

    def bring_back() -> None:
        away.rename(folder)

    time = FakeTime(datetime(2026, 11, 27, 5, 0, tzinfo=SEOUL), [take_away, bring_back, lambda: None])
    with caplog.at_level(logging.INFO, logger="prism.schedule"):
        asked = forever_on(corpus, settings, time)
    # 06:00 fails (no database), 30 s later the same day runs, then the next day's tick runs too.
    assert asked == [DAY, DAY, date(2026, 11, 28)]
    assert time.waits[:2] == [3600, 30]
    assert statuses(corpus) == ["draft"] * 8
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert failure.getMessage() == "2026-11-27: the daily run failed" and failure.exc_info is not None
    assert "OperationalError" in repr(failure.exc_info[1])
    assert "2026-11-27: trying again in 30 s" in caplog.messages
    corpus.dispose()


def test_pauses_double_up_to_an_hour_and_end_at_the_next_run(
    sqlite_engine: Engine, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("not a PrismError")

    monkeypatch.setattr(schedule, "load_personas", broken)
    twice = get_settings(home=home, schedule_times=["06:00", "08:30"])
    time = FakeTime(datetime(2026, 11, 27, 5, 0, tzinfo=SEOUL), [lambda: None] * 8)
    schedule.run_forever(sqlite_engine, twice, now=time.clock, wait=time.wait, retry_s=1200, backoff_s=0)
    # 05:00 → 06:00 fails; 20, 40, 60 min (the cap) later, then 60 min would pass 08:30: 30 min to it. The
    # 08:30 run takes over, and its pauses start again at 20 min.
    assert time.waits[:7] == [3600, 1200, 2400, 3600, 1800, 1200, 2400]


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
    assert "daily runs at 06:00 (Asia/Seoul)" in output
    # The loop runs: it waits for 06:00, or (started after 06:00 in Seoul) catches up today's run at once.
    assert "next run at" in output or "catching up a run missed today" in output, output

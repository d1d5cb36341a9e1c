"""The daily run: ingest the configured feeds, enrich, build drafts for every reader type, publish them all
at once (when auto-publish is on), build every registered reader's own edition and e-mail subscribers.
Idempotent per date; each step is retried and logged; editions are published together or not at all. The
loop outlives any error and catches up a run missed today."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from prism.brief.email import send_edition
from prism.config import Settings
from prism.errors import PrismError
from prism.ingest import ingest
from prism.pipeline import build_editions, enrich_pending
from prism.recommend.personas import load_personas
from prism.records import Briefing, EditionListing
from prism.store import editions, write_transaction
from prism.store import readers as stored_readers

log = logging.getLogger("prism.schedule")
T = TypeVar("T")
RETRIES = 3
RETRY_S = 60.0  # the first pause after a failed daily run; it doubles with each failure
MAX_RETRY_S = 3600.0


class ScheduleError(PrismError):
    """A step kept failing after its retries; nothing of that day was published."""


@dataclass(slots=True)
class DayReport:
    day: str
    built: int = 0
    published: int = 0
    emailed: int = 0
    reader_editions: int = 0  # readers' own editions built (prism editions build --readers all)
    skipped: bool = False
    steps: list[str] = field(default_factory=list)


def step(name: str, action: Callable[[], T], *, retries: int = RETRIES, backoff_s: float = 2.0) -> T:
    """Run a step, retrying it (with growing pauses) before giving up with a ScheduleError."""
    for attempt in range(1, retries + 1):
        try:
            result = action()
            log.info("%s: done (attempt %d)", name, attempt)
            return result
        except Exception as exc:  # a step may fail in any way: log it, retry, then give up clearly
            log.warning("%s: attempt %d of %d failed: %s", name, attempt, retries, exc)
            if attempt == retries:
                raise ScheduleError(f"{name} failed {retries} times: {exc}") from exc
            time.sleep(backoff_s * attempt)
    raise AssertionError("unreachable")


def _editions_of(engine: Engine, day: date) -> list[EditionListing]:
    with engine.connect() as conn:
        return editions.list_editions(conn, edition_date=day.isoformat(), limit=10_000)


def run_day(engine: Engine, settings: Settings, day: date, *, backoff_s: float = 2.0) -> DayReport:
    """Run the day's pipeline; a second run of the same day builds nothing, and only e-mails subscribers
    who have not had their edition yet (a send that failed before is tried again)."""
    report = DayReport(day=day.isoformat())
    personas = list(load_personas(settings.home).values())
    done = {row.persona for row in _editions_of(engine, day)}
    if {p.key for p in personas} <= done:
        report.skipped = True
        log.info("%s: editions already built", day)
    else:
        if settings.feeds:
            step(
                "ingest",
                lambda: ingest(list(settings.feeds), engine=engine, settings=settings),
                backoff_s=backoff_s,
            )
            report.steps.append("ingest")
        step("enrich", lambda: enrich_pending(engine, settings), backoff_s=backoff_s)
        report.steps.append("enrich")
        drafts = settings.model_copy(update={"auto_publish": False})  # published below, all at once
        step(
            "build",
            lambda: build_editions(
                engine, drafts, [p for p in personas if p.key not in done], day=day, window="24h"
            ),
            backoff_s=backoff_s,
        )
        report.steps.append("build")
        rows = _editions_of(engine, day)
        report.built = len(rows)
        if settings.auto_publish:

            def publish_all() -> int:
                with write_transaction(engine) as conn:
                    for row in rows:
                        editions.set_status(conn, edition_id=row.id, status="published")
                return len(rows)

            report.published = step("publish", publish_all, backoff_s=backoff_s)
            report.steps.append("publish")
    # Every reader's own edition, after the reader types' (a rerun builds only the missing ones).
    if _has_readers(engine):
        built = step("readers", lambda: _reader_editions(engine, settings, day), backoff_s=backoff_s)
        report.reader_editions = built
        report.steps.append("readers")
    if settings.auto_publish:
        report.emailed = _send_all(engine, settings, day, backoff_s=backoff_s)
    return report


def _has_readers(engine: Engine) -> bool:
    with engine.connect() as conn:
        return stored_readers.id_range(conn)[2] > 0


def _reader_editions(engine: Engine, settings: Settings, day: date) -> int:
    """Build every reader's own edition of `day` that is not built yet, and the pieces they show: on the
    Ray cluster at PRISM_RAY_ADDRESS when one is set, else in this process. Return how many were built."""
    from prism.scale.editions import build_all, forget
    from prism.scale.executor import get_executor

    if settings.recommender != "prism":
        log.info(
            "readers: their editions are built by the prism recommender only, not %s", settings.recommender
        )
        return 0
    store = settings.model_copy(update={"database_url": engine.url.render_as_string(hide_password=False)})
    executor = get_executor("ray" if settings.ray_address else "local", address=settings.ray_address)
    try:
        done = build_all(store, day=day.isoformat(), window="24h", executor=executor)
    finally:
        forget()  # the fitted pool is the day's: a long-running scheduler need not keep it
    log.info(
        "readers: %d editions of %s built (%d were built before), %d pieces written",
        done.built,
        done.day,
        done.skipped,
        done.pieces,
    )
    return done.built


def _send_all(engine: Engine, settings: Settings, day: date, *, backoff_s: float) -> int:
    """E-mail each published edition of the day to its subscribers who do not have it yet."""
    emailed = 0
    for row in _editions_of(engine, day):
        if row.status != "published":
            continue
        with engine.connect() as conn:
            full = editions.get_edition(conn, edition_id=row.id)
            recipients = stored_readers.subscribers(conn, persona=row.persona)
        if full is None or not recipients:
            continue
        briefing = full.briefing
        edition_id = full.id

        def send(
            edition_id: int = edition_id, briefing: Briefing = briefing, to: list[str] = recipients
        ) -> list[str]:
            report = send_edition(engine, settings, edition_id=edition_id, briefing=briefing, recipients=to)
            return report.sent

        emailed += len(step(f"send {row.persona}", send, backoff_s=backoff_s))
    return emailed


def _clock_times(times: list[str]) -> list[tuple[int, int]]:
    return [(int(hour), int(minute)) for hour, _, minute in (text.partition(":") for text in times)]


def next_run(now: datetime, times: list[str]) -> datetime:
    """Return the next of the daily HH:MM times after `now` (in now's time zone)."""
    candidates = []
    for hour, minute in _clock_times(times):
        at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        candidates.append(at if at > now else at + timedelta(days=1))
    return min(candidates)


def missed_today(now: datetime, times: list[str]) -> bool:
    """Return True when one of today's run times has passed: a run the service may have missed."""
    return any(
        now >= now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        for hour, minute in _clock_times(times)
    )


def _attempt(engine: Engine, settings: Settings, day: date, *, backoff_s: float) -> bool:
    """Run a day; log whatever goes wrong (a database error too) and return whether it went through."""
    try:
        report = run_day(engine, settings, day, backoff_s=backoff_s)
    except PrismError as exc:
        log.error("%s: %s", day, exc)
        return False
    except Exception:  # anything at all: one bad moment of the database must not end the schedule
        log.exception("%s: the daily run failed", day)
        return False
    log.info(
        "%s: built %d, published %d, e-mailed %d%s",
        day, report.built, report.published, report.emailed, " (built before)" if report.skipped else "",
    )  # fmt: skip
    return True


def run_forever(
    engine: Engine,
    settings: Settings,
    *,
    now: Callable[[], datetime] | None = None,
    wait: Callable[[float], bool] | None = None,
    retry_s: float = RETRY_S,
    backoff_s: float = 2.0,
) -> None:
    """Run the day at each scheduled time until `wait` (seconds → True to stop; a threading.Event's wait
    fits) says stop.

    On start a run missed today (one of its times has passed) is caught up at once: run_day is idempotent
    per date, so a day already done costs one query. A failed run, whatever the error, is logged and the
    same day is tried again after a pause that doubles each time (up to an hour, never past the next
    scheduled time, which then takes over)."""
    zone = ZoneInfo(settings.timezone)
    clock = now or (lambda: datetime.now(zone))
    pause = wait or threading.Event().wait
    started = clock()
    due: date | None = started.date() if missed_today(started, settings.schedule_times) else None
    if due is not None:
        log.info("%s: catching up a run missed today", due)
    failures = 0
    while True:
        current = clock()
        wake = next_run(current, settings.schedule_times)
        if due is None:
            log.info("next run at %s", wake.isoformat())
            if pause(max(0.0, (wake - current).total_seconds())):
                return
            due, failures = wake.date(), 0
            continue
        if _attempt(engine, settings, due, backoff_s=backoff_s):
            due = None
            continue
        failures += 1
        delay = min(retry_s * 2 ** (failures - 1), MAX_RETRY_S, (wake - current).total_seconds())
        log.warning("%s: trying again in %.0f s", due, delay)
        if pause(max(0.0, delay)):
            return
        if clock() >= wake:  # the next scheduled run is due now: it takes the place of the failed one
            due, failures = wake.date(), 0

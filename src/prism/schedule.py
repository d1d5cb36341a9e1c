"""The daily run: ingest the configured feeds, enrich, build drafts for every reader type, publish them all
at once (when auto-publish is on) and e-mail subscribers. Idempotent per date; each step is retried and
logged; editions are published together or not at all."""

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
from prism.records import Briefing
from prism.store import editions, write_transaction
from prism.store import readers as stored_readers

log = logging.getLogger("prism.schedule")
T = TypeVar("T")
RETRIES = 3


class ScheduleError(PrismError):
    """A step kept failing after its retries; nothing of that day was published."""


@dataclass(slots=True)
class DayReport:
    day: str
    built: int = 0
    published: int = 0
    emailed: int = 0
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


def run_day(engine: Engine, settings: Settings, day: date, *, backoff_s: float = 2.0) -> DayReport:
    """Run the day's pipeline; a second run of the same day changes nothing."""
    report = DayReport(day=day.isoformat())
    if settings.feeds:
        step(
            "ingest",
            lambda: ingest(list(settings.feeds), engine=engine, settings=settings),
            backoff_s=backoff_s,
        )
        report.steps.append("ingest")
    step("enrich", lambda: enrich_pending(engine, settings), backoff_s=backoff_s)
    report.steps.append("enrich")
    personas = list(load_personas(settings.home).values())
    with engine.connect() as conn:
        done = {
            row.persona
            for row in editions.list_editions(conn, limit=10_000)
            if row.edition_date == day.isoformat()
        }
    if {p.key for p in personas} <= done:
        report.skipped = True
        log.info("%s: editions already built; nothing to do", day)
        return report
    drafts = settings.model_copy(update={"auto_publish": False})  # published below, all at once
    step(
        "build",
        lambda: build_editions(
            engine, drafts, [p for p in personas if p.key not in done], day=day, window="24h"
        ),
        backoff_s=backoff_s,
    )
    report.steps.append("build")
    with engine.connect() as conn:
        rows = [
            row for row in editions.list_editions(conn, limit=10_000) if row.edition_date == day.isoformat()
        ]
    report.built = len(rows)
    if not settings.auto_publish:
        return report

    def publish_all() -> int:
        with write_transaction(engine) as conn:
            for row in rows:
                editions.set_status(conn, edition_id=row.id, status="published")
        return len(rows)

    report.published = step("publish", publish_all, backoff_s=backoff_s)
    report.steps.append("publish")
    for row in rows:
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
            return send_edition(engine, settings, edition_id=edition_id, briefing=briefing, recipients=to)[0]

        sent = step(f"send {row.persona}", send, backoff_s=backoff_s)
        report.emailed += len(sent)
    return report


def next_run(now: datetime, times: list[str]) -> datetime:
    """Return the next of the daily HH:MM times after `now` (in now's time zone)."""
    candidates = []
    for text in times:
        hour, minute = (int(part) for part in text.split(":"))
        at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        candidates.append(at if at > now else at + timedelta(days=1))
    return min(candidates)


def run_forever(engine: Engine, settings: Settings, stop: threading.Event | None = None) -> None:
    """Sleep until each scheduled time and run that day; a failed day is logged and the loop goes on.

    Setting `stop` ends the loop; a day already under way is finished first.
    """
    zone = ZoneInfo(settings.timezone)
    stop = stop or threading.Event()
    while not stop.is_set():
        wake = next_run(datetime.now(zone), settings.schedule_times)
        log.info("next run at %s", wake.isoformat())
        if stop.wait(max(0.0, (wake - datetime.now(zone)).total_seconds())):
            return
        try:
            run_day(engine, settings, wake.date())
        except PrismError as exc:
            log.error("%s: %s", wake.date(), exc)

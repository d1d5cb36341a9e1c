"""`prism schedule`: the daily run, once or at the configured times."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import Annotated

import typer

from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine
from prism.config import require_real_secret
from prism.errors import UsageError
from prism.pipeline import parse_date
from prism.schedule import run_day, run_forever


def schedule_cli(
    once: Annotated[bool, typer.Option("--once", help="Run one day now and stop.")] = False,
    day: Annotated[
        str | None, typer.Option("--date", help="The day to run with --once (default today).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="With --once: print a machine-readable report.")
    ] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Ingest feeds, enrich, build every reader type's edition, publish (if auto) and e-mail subscribers.

    Without --once it runs at each of PRISM_SCHEDULE_TIMES, catches up a run missed earlier today, and
    keeps going after any error (logged, then retried with growing pauses).
    """
    if (as_json or day) and not once:
        raise UsageError("--date and --json go with --once")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings, engine = settings_and_engine(database, home)
    try:
        require_real_secret(settings)  # it signs the unsubscribe links of what it sends
        if once:
            report = run_day(engine, settings, parse_date(day, settings))
        else:
            run_forever(engine, settings)
            return
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(asdict(report), ensure_ascii=False))
        return
    console.print(
        f"{report.day}: built {report.built}, published {report.published}, e-mailed {report.emailed}"
        + (" (already done before)" if report.skipped else "")
        + (f"; {report.reader_editions} readers' own editions built" if "readers" in report.steps else ""),
        markup=False,
    )

"""`prism schedule`: the daily run, once or at the configured times."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine
from prism.pipeline import parse_date
from prism.schedule import run_day, run_forever


def schedule_cli(
    once: Annotated[bool, typer.Option("--once", help="Run one day now and stop.")] = False,
    day: Annotated[
        str | None, typer.Option("--date", help="The day to run with --once (default today).")
    ] = None,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Ingest feeds, enrich, build every reader type's edition, publish (if auto) and e-mail subscribers."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings, engine = settings_and_engine(database, home)
    try:
        if once:
            report = run_day(engine, settings, parse_date(day, settings))
            console.print(
                f"{report.day}: built {report.built}, published {report.published}, e-mailed {report.emailed}"
                + (" (already done before)" if report.skipped else ""),
                markup=False,
            )
        else:
            run_forever(engine, settings)
    finally:
        engine.dispose()

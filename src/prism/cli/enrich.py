"""`prism enrich`: analyse stored articles that are not analysed yet."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from prism.cli.common import (
    DatabaseOption,
    HomeOption,
    JsonOption,
    console,
    err_console,
    settings_and_engine,
)
from prism.nlp.enrich import pending_count
from prism.pipeline import enrich_pending


def enrich_cli(
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=64, help="Kiwi threads.")] = 1,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Analyse pending articles: sentences, lemmas and tags, keyphrases, topic and vector."""
    settings, engine = settings_and_engine(database, home)
    try:
        total = pending_count(engine)
        if total and err_console.is_terminal and not as_json:
            columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("enrich", total=total)
                report = enrich_pending(
                    engine, settings, workers=workers, progress=lambda n: bar.advance(task, n)
                )
        else:
            report = enrich_pending(engine, settings, workers=workers)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(asdict(report)))
        return
    console.print(f"Analysed [bold]{report.analysed}[/] texts; {report.already} were analysed before.")

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
from prism.scale.executor import Executor, get_executor


def enrich_cli(
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, max=64, help="Kiwi threads (per task with --shard).")
    ] = 1,
    executor_name: Annotated[
        str, typer.Option("--executor", help="Run here (local) or as tasks on a Ray cluster (ray).")
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="The Ray cluster's HOST:PORT (default: PRISM_RAY_ADDRESS)."),
    ] = None,
    shards: Annotated[
        int | None,
        typer.Option(
            "--shard",
            min=1,
            help="Tasks over id ranges of the pending articles (default with ray: 4 per cluster CPU).",
        ),
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Analyse pending articles: sentences, lemmas and tags, keyphrases, topic and vector."""
    settings, engine = settings_and_engine(database, home, ray_address=ray_address)
    try:
        executor: Executor | None = None
        if executor_name != "local" or shards is not None:
            executor = get_executor(executor_name, address=settings.ray_address, workers=None)
        total = pending_count(engine)
        if total and err_console.is_terminal and not as_json:
            columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("enrich", total=total)
                report = enrich_pending(
                    engine,
                    settings,
                    workers=workers,
                    progress=lambda n: bar.advance(task, n),
                    executor=executor,
                    shards=shards,
                )
        else:
            report = enrich_pending(engine, settings, workers=workers, executor=executor, shards=shards)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(asdict(report)))
        return
    console.print(f"Analysed [bold]{report.analysed}[/] texts; {report.already} were analysed before.")

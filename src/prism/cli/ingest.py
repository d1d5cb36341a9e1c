"""`prism ingest`: read news from files, folders, feeds and pages into the store."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from prism.cli.common import DatabaseOption, HomeOption, console, err_console, settings_and_engine, shown
from prism.ingest import AUTO, ingest
from prism.ingest.sources import check_format, check_inputs, input_size
from prism.records import IngestReport

# Inputs smaller than this finish before a progress bar would be worth drawing.
_PROGRESS_MIN_BYTES = 512 * 1024


def ingest_cli(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH|URL...", help="Files, folders, http(s) URLs of feeds and pages; - is stdin."
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="Input format: auto (detect it), or a reader (prism plugins)."),
    ] = AUTO,
    source: Annotated[
        str | None, typer.Option(help="Source (press) name for records that carry none.")
    ] = None,
    fetch_pages: Annotated[
        bool,
        typer.Option("--fetch-pages", help="Fetch the article page for feed entries that are only teasers."),
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Allow fetching from private, loopback and link-local addresses."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable report.")] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Ingest news: JSONL, CSV, TXT, RSS/Atom and HTML, from paths or URLs."""
    check_format(fmt)
    check_inputs(inputs)
    settings, engine = settings_and_engine(database, home)
    total = sum(input_size(spec) for spec in inputs)
    try:
        if as_json or total < _PROGRESS_MIN_BYTES or not err_console.is_terminal:
            report = ingest(
                inputs, engine=engine, settings=settings, fmt=fmt, source=source,
                fetch_pages=fetch_pages, allow_private=allow_private,
            )  # fmt: skip
        else:
            columns = (TextColumn("ingesting"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("ingest", total=total)
                report = ingest(
                    inputs, engine=engine, settings=settings, fmt=fmt, source=source,
                    fetch_pages=fetch_pages, allow_private=allow_private,
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        for warning in report.warnings:
            err_console.print(f"warning: {shown(warning.where)}: {shown(warning.reason)}", soft_wrap=True)
    else:
        print_report(report)
    raise typer.Exit(report.exit_code)


def print_report(report: IngestReport) -> None:
    """Print an ingest report for people: counts, then every rejected record with its reason."""
    near = f" ({report.near_duplicates} near duplicates linked)" if report.near_duplicates else ""
    console.print(
        f"Stored [bold]{report.ingested}[/] articles{near}; skipped {report.duplicates} duplicates; "
        f"rejected {len(report.rejected)}."
    )
    # One line per record, never wrapped, so `file:line` can be copied or grepped.
    for title, rows, style in (("Rejected", report.rejected, "red"), ("Warnings", report.warnings, "yellow")):
        if rows:
            console.print(f"[bold {style}]{title}:[/]")
            for row in rows:
                console.print(f"  {shown(row.where)}  {shown(row.reason)}", soft_wrap=True)

"""`prism editions list|show|publish|unpublish`: what readers may see."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prism.brief.render import render, renderers
from prism.cli.common import (
    DatabaseOption,
    FormatOption,
    HomeOption,
    JsonOption,
    OutputOption,
    console,
    err_console,
    settings_and_engine,
    write_or_print,
)
from prism.errors import NotFoundError, UsageError
from prism.records import EDITION_STATUSES, EditionStatus
from prism.scale import READERS_PER_TASK
from prism.scale.executor import get_executor
from prism.store import editions, write_transaction

app = typer.Typer(
    help="Stored editions: list them, show one, publish or unpublish one; build every reader's own and "
    "show one.",
    no_args_is_help=True,
)


@app.command("list")
def list_cli(
    status: Annotated[str | None, typer.Option("--status", help="draft or published")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """List editions, newest date first."""
    if status is not None and status not in EDITION_STATUSES:
        raise UsageError(f"status {status!r} is not one of {', '.join(EDITION_STATUSES)}")
    _, engine = settings_and_engine(database, home)
    try:
        with engine.connect() as conn:
            rows = editions.list_editions(conn, status=status)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps([asdict(row) for row in rows], ensure_ascii=False, default=str))
        return
    table = Table(title="Editions", title_justify="left")
    for column in ("id", "date", "persona", "status"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row.id), row.edition_date, row.persona, row.status)
    console.print(table)


@app.command("show")
def show_cli(
    edition_id: Annotated[int, typer.Argument(help="The edition's id (prism editions list).")],
    fmt: FormatOption = "text",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stored record (status, inputs, briefing) as JSON.")
    ] = False,
    output: OutputOption = None,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Print a stored edition as rendered (or, with --json, its record), whatever its status."""
    renderers.get(fmt)  # an unknown format is a usage error before the database is opened
    _, engine = settings_and_engine(database, home)
    try:
        with engine.connect() as conn:
            row = editions.get_edition(conn, edition_id=edition_id)
    finally:
        engine.dispose()
    if row is None:
        raise NotFoundError(f"no edition with id {edition_id}")
    if as_json:
        record = {f.name: getattr(row, f.name) for f in fields(row) if f.name != "briefing"}
        record["briefing"] = row.briefing.as_dict()  # the stored form, provenance included
        shown = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    else:
        shown = render(row.briefing, fmt)
    write_or_print(shown, output)


@app.command("reader")
def reader_cli(
    email: Annotated[str, typer.Argument(help="The reader's e-mail address.")],
    day: Annotated[
        str | None, typer.Option("--date", help="Edition date, YYYY-MM-DD (default: today).")
    ] = None,
    fmt: FormatOption = "text",
    output: OutputOption = None,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Print a reader's own edition of a date: the one `build --readers all` stored, else built now."""
    from prism.accounts import as_reader, normalize_email
    from prism.pipeline import enrich_pending, parse_date, prepare, reader_edition, stored_reader_edition
    from prism.recommend.personas import load_personas
    from prism.store import reader_editions
    from prism.store import readers as stored_readers

    renderers.get(fmt)  # an unknown format is a usage error before the database is opened
    settings, engine = settings_and_engine(database, home)
    try:
        edition_day = parse_date(day, settings)
        enrich_pending(engine, settings)
        with engine.connect() as conn:
            account = stored_readers.reader_by_email(conn, email=normalize_email(email))
            if account is None:
                raise NotFoundError(f"no reader with e-mail {email!r}")
            stored = reader_editions.get(conn, reader_id=account.id, edition_date=edition_day.isoformat())
        reader, personas = as_reader(account), load_personas(settings.home)
        if stored is None:
            err_console.print(f"note: no stored edition of {edition_day}: built now", markup=False)
            fitted = prepare(engine, settings, day=edition_day, window="24h")
            briefing = reader_edition(engine, settings, fitted, reader, personas=personas)
        else:
            fitted = prepare(engine, settings, day=edition_day, window=stored.window)
            briefing = stored_reader_edition(engine, settings, fitted, reader, stored, personas=personas)
    finally:
        engine.dispose()
    write_or_print(render(briefing, fmt), output)


def _set(
    edition_id: int, status: EditionStatus, as_json: bool, database: str | None, home: Path | None
) -> None:
    _, engine = settings_and_engine(database, home)
    try:
        with write_transaction(engine) as conn:
            found = editions.set_status(conn, edition_id=edition_id, status=status)
            if found:  # recorded like the editor's button: a draft once published is never replaced
                editions.record_edit(
                    conn,
                    edition_id=edition_id,
                    editor_id=None,
                    at=datetime.now(UTC),
                    field="status",
                    diff=f"{'publish' if status == 'published' else 'unpublish'} (command line)",
                )
    finally:
        engine.dispose()
    if not found:
        raise NotFoundError(f"no edition with id {edition_id}")
    if as_json:
        typer.echo(json.dumps({"id": edition_id, "status": status}))
    else:
        console.print(f"edition {edition_id} is now {status}", markup=False)


@app.command("publish")
def publish_cli(
    edition_id: int, as_json: JsonOption = False, database: DatabaseOption = None, home: HomeOption = None
) -> None:
    """Publish an edition: readers see it."""
    _set(edition_id, "published", as_json, database, home)


@app.command("unpublish")
def unpublish_cli(
    edition_id: int, as_json: JsonOption = False, database: DatabaseOption = None, home: HomeOption = None
) -> None:
    """Take an edition back to draft."""
    _set(edition_id, "draft", as_json, database, home)


@app.command("build")
def build_cli(
    readers: Annotated[str, typer.Option("--readers", help="Whose editions: all (every reader).")],
    day: Annotated[
        str | None, typer.Option("--date", help="Edition date, YYYY-MM-DD (default: today).")
    ] = None,
    window: Annotated[str, typer.Option("--window", help="24h, 3d, 7d or all.")] = "24h",
    executor: Annotated[str, typer.Option("--executor", help="local (this process) or ray.")] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="The Ray cluster's HOST:PORT (default: PRISM_RAY_ADDRESS)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Tasks at a time on Ray (default: one per cluster CPU)."),
    ] = None,
    block: Annotated[int, typer.Option("--block", min=1, help="Readers per task.")] = READERS_PER_TASK,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Build and store every reader's own edition of a date, then each shown article's 핵심 요약 (once
    per article for every reader); a rerun builds only the missing ones."""
    from prism.pipeline import enrich_pending, parse_date
    from prism.scale.editions import build_all

    if readers != "all":
        raise UsageError(f"--readers {readers!r}: only 'all' is supported")
    settings, engine = settings_and_engine(database, home, ray_address=ray_address)
    try:
        date = parse_date(day, settings).isoformat()
        enrich_pending(engine, settings)  # what was ingested since (`prism enrich` first, for an archive)
    finally:
        engine.dispose()
    chosen = get_executor(executor, address=settings.ray_address, workers=workers)
    report = build_all(settings, day=date, window=window, executor=chosen, block=block)
    if as_json:
        summary = {k: v for k, v in asdict(report).items() if k != "blocks"}
        typer.echo(json.dumps({**summary, "per_second": round(report.per_second, 1)}))
        return
    console.print(
        f"{report.built:,} editions of {report.day} built, {report.skipped:,} were built already "
        f"({report.readers:,} readers, {report.seconds:.1f} s, {report.per_second:,.0f}/s, "
        f"{report.executor}); the {report.articles:,} articles they show have their 핵심 요약, "
        f"{report.pieces:,} written now ({report.pieces_seconds:.1f} s)",
        markup=False,
    )

"""`prism editions list|publish|unpublish`: what readers may see."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine
from prism.errors import NotFoundError, UsageError
from prism.records import EDITION_STATUSES, EditionStatus
from prism.store import editions, write_transaction

app = typer.Typer(help="Stored editions: list them, publish or unpublish one.", no_args_is_help=True)


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


def _set(edition_id: int, status: EditionStatus, database: str | None, home: object) -> None:
    _, engine = settings_and_engine(database, home)  # type: ignore[arg-type]
    try:
        with write_transaction(engine) as conn:
            found = editions.set_status(conn, edition_id=edition_id, status=status)
    finally:
        engine.dispose()
    if not found:
        raise NotFoundError(f"no edition with id {edition_id}")
    console.print(f"edition {edition_id} is now {status}", markup=False)


@app.command("publish")
def publish_cli(edition_id: int, database: DatabaseOption = None, home: HomeOption = None) -> None:
    """Publish an edition: readers see it."""
    _set(edition_id, "published", database, home)


@app.command("unpublish")
def unpublish_cli(edition_id: int, database: DatabaseOption = None, home: HomeOption = None) -> None:
    """Take an edition back to draft."""
    _set(edition_id, "draft", database, home)

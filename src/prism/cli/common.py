"""Shared options and consoles for the CLI commands."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:  # the store and settings load SQLAlchemy and pydantic: only commands that use them pay
    from sqlalchemy import Engine

    from prism.config import Settings

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", "-d", help="Database URL (default: PRISM_DATABASE_URL, else SQLite in PRISM_HOME)."
    ),
]
HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Home folder for data and settings (default: PRISM_HOME or ~/.prism)."),
]


def complete_persona(incomplete: str) -> list[str]:
    """Shell completion for --persona: the reader type keys (packaged and PRISM_HOME's) that fit."""
    from prism.config import get_settings
    from prism.errors import PrismError
    from prism.recommend.personas import load_personas

    try:
        keys = load_personas(get_settings().home)
    except PrismError:  # a broken setting or persona file: no suggestions, never a traceback mid-typing
        return []
    return [key for key in keys if key.startswith(incomplete)]


JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable report.")]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="text, md, html, json, or a plugin's format.")
]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]


SummarizerOption = Annotated[
    str | None,
    typer.Option("--summarizer", help="Summarizer by name (default: PRISM_SUMMARIZER, else extractive)."),
]
WriterOption = Annotated[
    str | None, typer.Option("--writer", help="Writer by name (default: PRISM_WRITER, else extractive).")
]
RecommenderOption = Annotated[
    str | None,
    typer.Option("--recommender", help="Recommender by name (default: PRISM_RECOMMENDER, else prism)."),
]


def settings_and_engine(
    database: str | None, home: Path | None = None, **overrides: object
) -> tuple[Settings, Engine]:
    """Return settings (with CLI flags on top; None leaves a setting alone) and an engine on the migrated
    database."""
    from prism.config import get_settings
    from prism.store import open_engine

    settings = get_settings(database_url=database, home=home, **overrides)
    return settings, open_engine(settings.resolved_database_url)


# Control characters other than newline and tab: shown as \x1b, never sent raw (ESC would drive the terminal).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(value: str) -> str:
    """Return text from data (titles, file names, reasons) safe to print: markup escaped, control
    characters made visible."""
    if not value.isprintable():
        value = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
    return escape(value)


def fail(message: str, code: int) -> NoReturn:
    """Print `error: message` on one line of stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {shown(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code) from None


def database_problem(exc: BaseException) -> str | None:
    """Return one line for an error of the database itself (not of a command's input), else None."""
    if "sqlalchemy" not in sys.modules:  # nothing opened a database: do not load SQLAlchemy to say so
        return None
    from prism.store.db import database_problem as problem

    reason = problem(exc)
    return None if reason is None else f"database error: {reason}"


def write_or_print(text: str, output: Path | None) -> None:
    """Write `text` to `output` (making its folder) and say so, or print it as it is."""
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", markup=False)
    else:
        typer.echo(text, nl=False)

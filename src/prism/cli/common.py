"""Shared options and consoles for the CLI commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

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


def write_or_print(text: str, output: Path | None) -> None:
    """Write `text` to `output` (making its folder) and say so, or print it as it is."""
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", markup=False)
    else:
        typer.echo(text, nl=False)

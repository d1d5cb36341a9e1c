"""`prism brief`: the edition for a reader type (or all of them) and a date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prism.brief.render import render, renderers
from prism.cli.common import (
    DatabaseOption,
    FormatOption,
    HomeOption,
    RecommenderOption,
    SummarizerOption,
    WriterOption,
    complete_persona,
    console,
    err_console,
    settings_and_engine,
    write_or_print,
)
from prism.errors import UsageError
from prism.pipeline import WINDOWS, build_editions, parse_date
from prism.recommend.personas import get_persona, load_personas


def brief_cli(
    persona: Annotated[
        str | None,
        typer.Option(
            "--persona", "-p", help="Reader type key (prism personas list).", autocompletion=complete_persona
        ),
    ] = None,
    all_personas: Annotated[bool, typer.Option("--all", help="One edition per reader type.")] = False,
    day: Annotated[
        str | None, typer.Option("--date", help="Edition date, YYYY-MM-DD (default: today).")
    ] = None,
    window: Annotated[
        str, typer.Option("--window", help="Articles of the last 24h, 3d, 7d, or all.")
    ] = "24h",
    fmt: FormatOption = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (or folder with --all).")
    ] = None,
    summarizer: SummarizerOption = None,
    writer: WriterOption = None,
    recommender: RecommenderOption = None,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Build, store and print (or write) the edition: 6 stories, 핵심 요약, lead, sections, keywords."""
    shape = renderers.get(fmt)
    if window not in WINDOWS:
        raise UsageError(f"window {window!r} is not one of {', '.join(WINDOWS)}")
    if all_personas == (persona is not None):
        raise UsageError("give either --persona KEY or --all")
    settings, engine = settings_and_engine(
        database, home, summarizer=summarizer, writer=writer, recommender=recommender
    )
    try:
        edition_day = parse_date(day, settings)
        homed = settings.home
        chosen = list(load_personas(homed).values()) if all_personas else [get_persona(persona or "", homed)]
        briefings = build_editions(engine, settings, chosen, day=edition_day, window=window)
    finally:
        engine.dispose()
    for notice in briefings[0].notices:
        err_console.print(f"note: {notice}", markup=False)
    if all_personas:
        folder = output or Path("editions")
        folder.mkdir(parents=True, exist_ok=True)
        for briefing in briefings:
            path = folder / f"{briefing.date}-{briefing.persona}.{shape.suffix}"
            path.write_text(render(briefing, fmt), encoding="utf-8")
            console.print(f"wrote {path}", markup=False)
        return
    write_or_print(render(briefings[0], fmt), output)

"""`prism personas list|show`: the reader types editions are made for."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from prism.cli.common import HomeOption, console
from prism.recommend.personas import get_persona, load_personas

app = typer.Typer(
    help="Reader types (personas): packaged ones and those in $PRISM_HOME/personas.", no_args_is_help=True
)


@app.command("list")
def list_cli(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every persona: key, Korean name and strongest interests."""
    personas = load_personas(home)
    if as_json:
        typer.echo(json.dumps([p.model_dump() for p in personas.values()], ensure_ascii=False))
        return
    table = Table(title="Personas", title_justify="left")
    for column in ("key", "name", "strongest interests"):
        table.add_column(column, overflow="fold")
    for persona in personas.values():
        strongest = sorted(persona.interests.items(), key=lambda item: -item[1])[:6]
        table.add_row(persona.key, escape(persona.name), escape(", ".join(term for term, _ in strongest)))
    console.print(table)


@app.command("show")
def show_cli(
    key: Annotated[str, typer.Argument(help="Persona key, e.g. startup-founder.")],
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one persona in full."""
    persona = get_persona(key, home)
    if as_json:
        typer.echo(json.dumps(persona.model_dump(), ensure_ascii=False))
        return
    console.print(f"[bold]{escape(persona.name)}[/] ({persona.key})")
    console.print(escape(persona.description))
    console.print("interests: " + escape(", ".join(f"{t} {w:g}" for t, w in persona.interests.items())))
    if persona.negative:
        console.print("negative: " + escape(", ".join(f"{t} {w:g}" for t, w in persona.negative.items())))
    if persona.topics:
        console.print("topics: " + escape(", ".join(f"{t} {w:g}" for t, w in persona.topics.items())))

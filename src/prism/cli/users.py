"""`prism users create`: accounts from the command line (editors, mostly)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from prism.accounts import AccountError, sign_up
from prism.cli.common import DatabaseOption, HomeOption, JsonOption, console, settings_and_engine
from prism.errors import UsageError

app = typer.Typer(help="Reader and editor accounts.", no_args_is_help=True)


@app.command("create")
def create_cli(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    editor: Annotated[bool, typer.Option("--editor", help="May review, edit and publish editions.")] = False,
    persona: Annotated[str | None, typer.Option("--persona", help="Reader type key.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Create an account; the password is asked for (or read from stdin), never given as an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    _, engine = settings_and_engine(database, home)
    try:
        reader = sign_up(
            engine, email=email, password=password, persona=persona, role="editor" if editor else "reader"
        )
    except AccountError as exc:
        raise UsageError(str(exc)) from None
    finally:
        engine.dispose()
    if as_json:
        record = {"id": reader.id, "email": reader.email, "role": reader.role, "persona": reader.persona}
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    console.print(f"created {reader.role} {reader.email} (id {reader.id})", markup=False)

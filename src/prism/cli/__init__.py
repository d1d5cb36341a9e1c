"""The `prism` command: thin wrappers that parse, call the library and print."""

from __future__ import annotations

import sys

import typer

from prism.cli import articles, demo, ingest
from prism.cli.common import err_console
from prism.errors import PrismError, UsageError

app = typer.Typer(
    name="prism",
    help="AI PRISM: personalized Korean economic news briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest.ingest_cli)
app.add_typer(articles.app, name="articles")
app.command("demo")(demo.demo_cli)


def main() -> None:
    """Run the CLI; a user's mistake prints one line, never a traceback."""
    try:
        app()
    except PrismError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2 if isinstance(exc, UsageError) else 1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)

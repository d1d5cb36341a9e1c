"""The `prism` command: thin wrappers that parse, call the library and print."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from prism.cli import (
    articles,
    brief,
    demo,
    editions,
    enrich,
    ingest,
    personas,
    plugins,
    schedule,
    send,
    serve,
    users,
)
from prism.cli import eval as eval_cli
from prism.cli import summarize as summarize_cli
from prism.cli.common import err_console
from prism.errors import NotFoundError, PrismError, UsageError


class _Group(TyperGroup):
    """Turn errors a user can act on into one line on stderr and an exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        try:
            return super().invoke(ctx)
        except PrismError as exc:  # SendError too: the SMTP server's answer, in one line
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2 if isinstance(exc, UsageError | NotFoundError) else 1) from None


app = typer.Typer(
    name="prism",
    cls=_Group,
    help="AI PRISM: personalized Korean economic news briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest.ingest_cli)
app.add_typer(articles.app, name="articles")
app.command("demo")(demo.demo_cli)
app.command("enrich")(enrich.enrich_cli)
app.command("summarize")(summarize_cli.summarize_cli)
app.add_typer(personas.app, name="personas")
app.command("brief")(brief.brief_cli)
app.command("serve")(serve.serve_cli)
app.add_typer(users.app, name="users")
app.add_typer(editions.app, name="editions")
app.command("send")(send.send_cli)
app.command("schedule")(schedule.schedule_cli)
app.add_typer(eval_cli.app, name="eval")
app.command("plugins")(plugins.plugins_cli)


def main() -> None:
    """Run the `prism` command."""
    app(prog_name="prism")

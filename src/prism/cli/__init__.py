"""The `prism` command: thin wrappers that parse, call the library and print.

Each command lives in its own module, imported only when that command runs (or its own `--help` is asked
for), so `prism --help` and `prism --version` never load the database, NLP or web stack.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from prism.cli.examples import with_examples
from prism.errors import NotFoundError, PrismError, UsageError

# Adding a command is one line: name → ("module:attribute", the short help `prism --help` lists).
# The attribute is a command function or a `typer.Typer` of subcommands; `prism NAME --help` shows its
# full help. Nothing here may import a command module: that is what keeps `prism --help` fast.
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("prism.cli.ingest:ingest_cli", "Read news from files, folders, feeds and pages."),
    "articles": ("prism.cli.articles:app", "List and show stored articles."),
    "demo": ("prism.cli.demo:demo_cli", "Sample corpus → editions for every reader type."),
    "enrich": ("prism.cli.enrich:enrich_cli", "Analyse pending articles."),
    "summarize": ("prism.cli.summarize:summarize_cli", "핵심 요약 for rows of JSON Lines."),
    "personas": ("prism.cli.personas:app", "Reader types (personas)."),
    "brief": ("prism.cli.brief:brief_cli", "Build and print the edition for a reader type."),
    "serve": ("prism.cli.serve:serve_cli", "Serve the web app on the store."),
    "users": ("prism.cli.users:app", "Reader and editor accounts."),
    "editions": ("prism.cli.editions:app", "List, publish or unpublish stored editions."),
    "send": ("prism.cli.send:send_cli", "E-mail a published edition."),
    "schedule": ("prism.cli.schedule:schedule_cli", "The daily run, once or at the configured times."),
    "verify": ("prism.cli.verify:verify_cli", "Check written sentences against their articles."),
    "eval": ("prism.cli.eval:app", "Measure quality against human references."),
    "plugins": ("prism.cli.plugins:plugins_cli", "Installed plugins and every registered stage."),
}


def load_command(name: str, target: str) -> Any:  # typer vendors click; its Command type is private
    """Import `module:attribute` and return it as the click command called `name`."""
    module, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        command: Any = typer.main.get_group(found)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    command.help = with_examples(command.help, name)
    for sub_name, sub in getattr(command, "commands", {}).items():
        sub.help = with_examples(sub.help, f"{name} {sub_name}")
    return command


class LazyCommand(TyperCommand):
    """A name and a help line in the listing; the real command is imported when it is parsed."""

    def __init__(self, name: str, target: str, help: str) -> None:
        super().__init__(name=name, help=help, short_help=help, add_help_option=False)
        self.target = target
        self._loaded: Any = None

    def load(self) -> Any:
        """Return the real command, importing its module the first time."""
        if self._loaded is None:
            self._loaded = load_command(self.name or "", self.target)
        return self._loaded

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # The group parses the subcommand through this call; the context it returns belongs to the real
        # command, so the real command is what runs (or prints its help).
        return self.load().make_context(info_name, args, parent=parent, **extra)


class _Group(TyperGroup):
    """List `COMMANDS` lazily; turn errors a user can act on into one line on stderr and an exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, (target, help_line) in COMMANDS.items():
            self.commands[name] = LazyCommand(name, target, help_line)

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        from prism.cli.common import fail

        try:
            return super().invoke(ctx)
        except PrismError as exc:  # SendError too: the SMTP server's answer, in one line
            fail(str(exc), 2 if isinstance(exc, UsageError | NotFoundError) else 1)
        except Exception as exc:
            from prism.cli.common import database_problem

            problem = database_problem(exc)  # the server went away, the file is read-only, the disk full
            if problem is None:
                raise
            fail(problem, 1)


def version() -> str:
    """Return the installed distribution's version, else the source tree's."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("ai-prism")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from prism import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"prism {version()}")
        raise typer.Exit()


app = typer.Typer(
    name="prism",
    cls=_Group,
    help="AI PRISM: personalized Korean economic news briefings.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    pass


def main() -> None:
    """Run the `prism` command."""
    app(prog_name="prism")

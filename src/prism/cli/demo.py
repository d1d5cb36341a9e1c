"""`prism demo`: a fresh home, the sample corpus ingested, and a look at what was stored."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table

from prism.cli.common import console
from prism.cli.ingest import print_report
from prism.config import get_settings
from prism.errors import UsageError
from prism.ingest import ingest
from prism.store import articles as queries
from prism.store import open_engine

_MARKER = ".prism-demo-home"


def sample_corpus() -> Path:
    """Return the folder of the packaged sample corpus."""
    return Path(str(files("prism") / "data" / "sample"))


def fresh_home(home: Path) -> Path:
    """Empty `home` for the demo; refuse a non-empty folder the demo did not make."""
    if home.exists() and any(home.iterdir()):
        if not (home / _MARKER).exists():
            raise UsageError(f"{home} is not empty and was not made by `prism demo`; choose another --home")
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / _MARKER).write_text("made by `prism demo`; emptied on every demo run\n", encoding="utf-8")
    return home


def demo_cli(
    home: Annotated[Path, typer.Option("--home", help="Home folder for the demo (emptied first).")] = Path(
        "prism-demo/home"
    ),
) -> None:
    """Run the demo: ingest the sample corpus into a fresh home and show what was stored."""
    home = fresh_home(home.expanduser().resolve())
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}")
    engine = open_engine(settings.resolved_database_url)
    corpus = sample_corpus()
    console.rule("[bold]AI PRISM demo")
    console.print(f"home: {home}\nsample corpus: {corpus} (fictional articles written for this project)\n")
    report = ingest([str(path) for path in sorted(corpus.glob("*.jsonl"))], engine=engine, settings=settings)
    print_report(report)
    with engine.connect() as conn:
        stored = queries.list_articles(conn, limit=1000)
    engine.dispose()
    kst = ZoneInfo("Asia/Seoul")
    by_id = {article.id: article for article in stored}
    table = Table(title="Stored articles, newest first", title_justify="left")
    for column in ("id", "published (KST)", "source", "title"):
        table.add_column(column, overflow="fold" if column == "title" else "ellipsis")
    for article in stored:
        when = article.published_at.astimezone(kst).strftime("%m-%d %H:%M") if article.published_at else "-"
        title = escape(article.title)
        if article.canonical_of:
            title += f" [yellow](near duplicate of {by_id[article.canonical_of].display_id})[/]"
        table.add_row(escape(article.display_id), when, escape(article.source or "-"), title)
    console.print(table)
    days = Counter(a.published_at.astimezone(kst).strftime("%m-%d") for a in stored if a.published_at)
    sources = Counter(a.source or "-" for a in stored)
    console.print("By day:    " + " · ".join(f"{day} {n}" for day, n in sorted(days.items())))
    console.print("By source: " + " · ".join(f"{escape(name)} {n}" for name, n in sources.most_common()))
    for article in stored:
        if article.canonical_of:
            original = by_id[article.canonical_of]
            console.print(
                f"Near duplicate: [bold]{article.display_id}[/] ({escape(article.source or '-')}) repeats "
                f"[bold]{original.display_id}[/] ({escape(original.source or '-')}); "
                "later stages use only the first."
            )
    command = _command_name()
    console.print(
        f"\nNext: [bold]{command} articles show prism-031 --home {home}[/]  ·  "
        f"[bold]{command} articles list --json --home {home}[/]"
    )


def _command_name() -> str:
    """Return how the user can call `prism` again: a relative .venv path if that is what ran."""
    script = Path(sys.argv[0])
    if script.name == "prism" and script.parent.name == "bin":
        try:
            return str(script.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(script)
    return "prism"

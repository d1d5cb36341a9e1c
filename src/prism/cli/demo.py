"""`prism demo`: a fresh home, the sample corpus ingested, and a look at what was stored."""

from __future__ import annotations

import shutil
from datetime import tzinfo
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
    console.print(f"home: {home}\nsample corpus: {corpus}\n")
    report = ingest([str(path) for path in sorted(corpus.glob("*.jsonl"))], engine=engine, settings=settings)
    print_report(report)
    with engine.connect() as conn:
        stored = queries.list_articles(conn, limit=1000)
    engine.dispose()
    by_id = {article.id: article for article in stored}
    table = Table(title="Stored articles, newest first", title_justify="left")
    for column in ("id", "published (KST)", "source", "title"):
        table.add_column(column, overflow="fold" if column == "title" else "ellipsis")
    for article in stored:
        when = (
            article.published_at.astimezone(_kst()).strftime("%m-%d %H:%M") if article.published_at else "-"
        )
        title = escape(article.title)
        if article.canonical_of:
            title += f" [yellow](near duplicate of {by_id[article.canonical_of].display_id})[/]"
        table.add_row(escape(article.display_id), when, escape(article.source or "-"), title)
    console.print(table)
    console.print(
        f"\nTry: [bold]PRISM_HOME={home} prism articles show prism-031[/]  ·  "
        f"[bold]PRISM_HOME={home} prism articles list --json[/]"
    )


def _kst() -> tzinfo:
    return ZoneInfo("Asia/Seoul")

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

from prism.brief.render import index_html, render
from prism.cli.common import console, shown
from prism.cli.ingest import print_report
from prism.config import get_settings
from prism.errors import UsageError
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.records import Article
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
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML editions.")] = Path("prism-demo"),
) -> None:
    """Run the demo: the sample corpus into a fresh home, an edition for every reader type, HTML pages."""
    home = fresh_home(home.expanduser().resolve())
    # The demo's editions are published at once, so `prism serve` shows them without an editor.
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}", auto_publish=True)
    engine = open_engine(settings.resolved_database_url)
    corpus = sample_corpus()
    console.rule("[bold]AI PRISM demo")
    console.print(f"home: {home}\nsample corpus: {corpus} (fictional articles written for this project)\n")
    try:
        report = ingest(
            [str(path) for path in sorted(corpus.glob("*.jsonl"))], engine=engine, settings=settings
        )
        print_report(report)
        with engine.connect() as conn:
            stored = queries.list_articles(conn, limit=1000)
        _describe(stored)
        kst = ZoneInfo(settings.timezone)
        latest = max(a.published_at for a in stored if a.published_at).astimezone(kst).date()
        console.print(f"\nAnalysing {len(stored)} articles and building editions for {latest} (last 7 days)…")
        personas = list(load_personas(home).values())
        briefings = build_editions(engine, settings, personas, day=latest, window="7d")
    finally:
        engine.dispose()
    founder = next((b for b in briefings if b.persona == "startup-founder"), briefings[0])
    console.rule(f"[bold]{shown(founder.persona_name)}")
    typer.echo(render(founder, "text"), nl=False)
    console.rule()
    out = out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for briefing in briefings:
        name = f"{briefing.date}-{briefing.persona}.html"
        (out / name).write_text(render(briefing, "html"), encoding="utf-8")
        pages.append((briefing, name))
    (out / "index.html").write_text(index_html(pages), encoding="utf-8")
    console.print(f"HTML editions for {len(pages)} reader types: [bold]{out / 'index.html'}[/]")
    command = _command_name()
    console.print(
        f"Web app on the demo data: [bold]{command} serve --home {home}[/] then open http://127.0.0.1:8000/",
        soft_wrap=True,
    )
    console.print(
        f"Next: [bold]{command} brief --persona retail-investor --date {latest} --window 7d --home {home}[/]"
        f"  ·  [bold]{command} personas list[/]",
        soft_wrap=True,
    )


def _describe(stored: list[Article]) -> None:
    """Print what the sample corpus holds: days, sources, near duplicates."""
    by_id = {article.id: article for article in stored}
    kst = ZoneInfo("Asia/Seoul")
    days = Counter(a.published_at.astimezone(kst).strftime("%m-%d") for a in stored if a.published_at)
    sources = Counter(a.source or "-" for a in stored)
    console.print("By day:    " + " · ".join(f"{day} {n}" for day, n in sorted(days.items())))
    console.print("By source: " + " · ".join(f"{shown(name)} {n}" for name, n in sources.most_common()))
    for article in stored:
        if article.canonical_of:
            original = by_id[article.canonical_of]
            console.print(
                f"Near duplicate: [bold]{article.display_id}[/] ({shown(article.source or '-')}) repeats "
                f"[bold]{original.display_id}[/] ({shown(original.source or '-')}): "
                f"near duplicate of {original.display_id}, kept in one story.",
                soft_wrap=True,
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

"""`prism articles list|show`: look at what is stored."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine, shown
from prism.errors import NotFoundError
from prism.records import Article
from prism.store import articles as queries

app = typer.Typer(help="List and show stored articles.", no_args_is_help=True)


def article_json(article: Article, *, with_body: bool = False) -> dict[str, Any]:
    """Return an article as JSON-ready data; `id` is the external id when there is one."""
    data: dict[str, Any] = {
        "id": article.display_id,
        "internal_id": article.id,
        "external_id": article.external_id,
        "title": article.title,
        "url": article.url,
        "published": article.published_at.isoformat() if article.published_at else None,
        "source": article.source,
        "category": article.category,
        "author": article.author,
        "content_hash": article.content_hash,
        "ingested_at": article.ingested_at.isoformat(),
        "canonical_of": article.canonical_of,
    }
    if with_body:
        data["body"] = article.body
        data["extra"] = dict(article.extra)
        data["origin"] = article.origin
    return data


@app.command("list")
def list_cli(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many articles to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """List stored articles, newest first."""
    _, engine = settings_and_engine(database, home)
    with engine.connect() as conn:
        rows = queries.list_articles(conn, limit=limit)
        total = queries.count_articles(conn)
    engine.dispose()
    if as_json:
        for article in rows:
            typer.echo(json.dumps(article_json(article), ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} of {total} articles", title_justify="left")
    for column in ("id", "published", "source", "title"):
        table.add_column(
            column, overflow="fold" if column == "title" else "ellipsis", no_wrap=column != "title"
        )
    for article in rows:
        published = (
            article.published_at.astimezone().strftime("%Y-%m-%d %H:%M") if article.published_at else "-"
        )
        mark = f" [dim](≈ #{article.canonical_of})[/]" if article.canonical_of else ""
        table.add_row(
            shown(article.display_id), published, shown(article.source or "-"), shown(article.title) + mark
        )
    console.print(table)


@app.command("show")
def show_cli(
    key: Annotated[str, typer.Argument(help="External id given at ingest, or internal id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Show one article by its external or internal id."""
    _, engine = settings_and_engine(database, home)
    with engine.connect() as conn:
        article = queries.get_article(conn, key=key)
    engine.dispose()
    if article is None:
        raise NotFoundError(f"no article with id {key!r}")
    if as_json:
        typer.echo(json.dumps(article_json(article, with_body=True), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{shown(article.title)}[/]")
    meta = [
        f"id {article.display_id} (#{article.id})",
        article.source or "",
        article.published_at.astimezone().strftime("%Y-%m-%d %H:%M %Z") if article.published_at else "",
        article.author or "",
        article.category or "",
    ]
    console.print(shown(" · ".join(part for part in meta if part)), style="dim")
    if article.url:
        console.print(shown(article.url), style="blue", soft_wrap=True)
    if article.canonical_of:
        console.print(f"near duplicate of #{article.canonical_of}", style="yellow")
    console.print()
    console.print(shown(article.body), soft_wrap=True)

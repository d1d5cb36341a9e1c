"""`prism verify`: check written sentences against the articles they are about."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.markup import escape

from prism.cli.common import err_console
from prism.errors import UsageError


def verify_cli(
    source: Annotated[
        str,
        typer.Argument(
            metavar="IN.jsonl",
            help="Rows {id, claim, title, body}, or {id, claim, article_id} with --articles; - reads stdin.",
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Rows {id, verdict, reason, error, evidence}; - is stdout.")
    ] = "-",
    articles: Annotated[
        Path | None,
        typer.Option("--articles", help="Rows {id, title, body} that claims name by article_id."),
    ] = None,
) -> None:
    """Check each claim against its article: supported or unsupported, why, and the source sentences
    (indices into the article's sentences) it rests on."""
    from prism.nlp.korean import analyze
    from prism.verify import check

    library = _articles(articles) if articles else {}
    analyses: dict[tuple[str, str], Any] = {}
    written = rejected = 0
    handle: IO[str] = sys.stdout if output == "-" else _open_output(output)
    try:
        for where, row in _rows(source):
            problem, title, body = _article_of(row, library)
            if problem:
                err_console.print(f"rejected: {escape(where)}: {escape(problem)}", soft_wrap=True)
                rejected += 1
                continue
            key = (title, body)
            if key not in analyses:
                analyses[key] = analyze(title, body)
            verdict = check(row["claim"], [analyses[key]])
            record = {
                "id": row.get("id", where),
                "verdict": "supported" if verdict.supported else "unsupported",
                "reason": verdict.reason,
                "error": verdict.error,
                "evidence": [index for _, index in verdict.evidence],
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    finally:
        if handle is not sys.stdout:
            handle.close()
    if rejected and not written:
        raise typer.Exit(1)


def _open_output(path: str) -> IO[str]:
    try:
        return Path(path).open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror})") from exc


def _rows(source: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (where, row) for each JSON object of the file (or stdin); a bad line is reported and skipped."""
    from prism.ingest.files import parse_jsonl, read_jsonl_file
    from prism.records import Rejection, SourceRecord

    if source == "-":
        items = parse_jsonl(sys.stdin.buffer.read(), name="stdin")
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"{source}: no such file")
        items = read_jsonl_file(path, name=source)
    for item in items:
        if isinstance(item, SourceRecord):
            yield item.where, dict(item.fields)
        elif isinstance(item, Rejection):
            err_console.print(f"rejected: {escape(item.where)}: {escape(item.reason)}", soft_wrap=True)


def _articles(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    found: dict[str, dict[str, Any]] = {}
    for where, row in _rows(str(path)):
        if row.get("id") is None or not isinstance(row.get("body"), str):
            err_console.print(f"rejected: {escape(where)}: an article needs an id and a body", soft_wrap=True)
            continue
        found[str(row["id"])] = row
    return found


def _article_of(row: dict[str, Any], library: dict[str, dict[str, Any]]) -> tuple[str | None, str, str]:
    """Return (problem, title, body) for a claim row."""
    claim = row.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        return "missing claim", "", ""
    if isinstance(row.get("body"), str) and row["body"].strip():
        return None, str(row.get("title") or ""), row["body"]
    article_id = row.get("article_id")
    if article_id is None:
        return "needs a body, or an article_id with --articles", "", ""
    article = library.get(str(article_id))
    if article is None:
        return f"article {article_id} is not in --articles", "", ""
    return None, str(article.get("title") or ""), article["body"]

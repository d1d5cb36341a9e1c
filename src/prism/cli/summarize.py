"""`prism summarize`: extractive 핵심 요약 for rows of JSON Lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from prism.cli.common import SummarizerOption, err_console, shown
from prism.config import get_settings
from prism.errors import UsageError
from prism.ingest.files import BODY_FIELDS, TITLE_FIELDS, parse_jsonl, read_jsonl_file
from prism.ingest.normalize import clean_text
from prism.nlp.korean import analyze_many
from prism.records import Rejection, SourceRecord
from prism.summarize.base import DEFAULT_SENTENCES, summarizers


def summarize_cli(
    source: Annotated[
        str, typer.Argument(metavar="IN.jsonl", help="Rows of {id, title?, body}; - reads stdin.")
    ],
    sentences: Annotated[
        int, typer.Option("--sentences", "-n", min=1, max=20, help="Sentences per summary.")
    ] = DEFAULT_SENTENCES,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    summarizer: SummarizerOption = None,
) -> None:
    """Summarize articles: each output row is {id, summary, sentences, source_indices}."""
    chosen = summarizers.get(summarizer or get_settings().summarizer)()
    if source == "-":
        items = parse_jsonl(sys.stdin.buffer.read(), name="<stdin>")
    elif Path(source).exists():
        items = read_jsonl_file(Path(source), name=source)
    else:
        raise UsageError(f"{source}: no such file")
    rows: list[tuple[Any, str, str]] = []
    rejected: list[Rejection] = []
    for item in items:
        if isinstance(item, SourceRecord):
            try:
                rows.append(_row(item))
            except ValueError as exc:
                rejected.append(Rejection(item.where, str(exc)))
        elif isinstance(item, Rejection):
            rejected.append(item)
    analyses = analyze_many([(title, body) for _, title, body in rows])
    handle = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for (row_id, _, _), analysis in zip(rows, analyses, strict=True):
            summary = chosen.summarize(analysis, sentences=sentences)
            record = {
                "id": row_id,
                "summary": summary.text,
                "sentences": list(summary.sentences),
                "source_indices": list(summary.source_indices),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            handle.close()
    for rejection in rejected:
        err_console.print(f"rejected: {shown(rejection.where)}: {shown(rejection.reason)}", soft_wrap=True)
    if rejected and not rows:
        raise typer.Exit(1)


def _row(record: SourceRecord) -> tuple[Any, str, str]:
    fields = {str(k).strip().lower(): v for k, v in record.fields.items()}
    body = next((fields[name] for name in BODY_FIELDS if fields.get(name)), None)
    if not isinstance(body, str) or not clean_text(body):
        raise ValueError("missing body (expected a 'body', 'text' or 'content' field)")
    title = next((fields[name] for name in TITLE_FIELDS if fields.get(name)), "")
    return fields.get("id"), str(title or ""), clean_text(body)

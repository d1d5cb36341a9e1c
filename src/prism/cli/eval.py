"""`prism eval …`: quality against references, beside baselines computed in the same run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prism.cli.common import console, err_console
from prism.evaluate.summaries import evaluate, load_references, table_rows

app = typer.Typer(help="Measure quality against human references.", no_args_is_help=True)


@app.command("summaries")
def summaries_cli(
    data: Annotated[
        Path, typer.Argument(metavar="DATA.jsonl", help="Rows with body, sentences, extractive, abstractive.")
    ],
    sentences: Annotated[
        int, typer.Option("--sentences", "-n", min=1, max=10, help="Sentences per summary.")
    ] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """ROUGE-1/2/L F1 over Kiwi morphemes: ours beside Lead-N and TextRank-N, overall and per dataset."""
    references, rejected = load_references(data)
    for rejection in rejected:
        err_console.print(f"rejected: {rejection.where}: {rejection.reason}", soft_wrap=True, markup=False)
    report = evaluate(references, sentences=sentences)
    report.rejected = rejected
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table(
        title=f"ROUGE F1 (x100), {sentences} sentences, {len(references)} articles", title_justify="left"
    )
    for column in ("dataset", "reference", "system", "n", "ROUGE-1", "ROUGE-2", "ROUGE-L"):
        table.add_column(column, justify="right" if column.startswith(("ROUGE", "n")) else "left")
    for dataset, kind, system, count, values in table_rows(report):
        style = "bold" if system == "ours" else None
        table.add_row(dataset, kind, system, str(count), *(f"{v:.1f}" for v in values), style=style)
    console.print(table)

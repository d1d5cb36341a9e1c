"""`prism eval …`: quality against references, beside baselines computed in the same run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from prism.cli.common import RecommenderOption, console, err_console
from prism.errors import UsageError
from prism.evaluate.personas import (
    SYSTEMS,
    FoldReport,
    FoldsSpec,
    Spread,
    evaluate_folds,
    evaluate_personas,
    load_judgments,
)
from prism.evaluate.rouge import require_rouge
from prism.evaluate.summaries import SYSTEMS as SYSTEMS_SUMMARIES
from prism.evaluate.summaries import evaluate, load_references, prepare, table_rows
from prism.evaluate.tune import CrossValidation, cross_validate
from prism.summarize.base import DEFAULT_CHARS

app = typer.Typer(help="Measure quality against human references.", no_args_is_help=True)


@app.command("summaries")
def summaries_cli(
    data: Annotated[
        Path, typer.Argument(metavar="DATA.jsonl", help="Rows with body, sentences, extractive, abstractive.")
    ],
    sentences: Annotated[
        int, typer.Option("--sentences", "-n", min=1, max=10, help="Sentences per summary.")
    ] = 3,
    max_chars: Annotated[
        int, typer.Option("--chars", min=0, help="Our summary's character budget (0: none, 150 a sentence).")
    ] = DEFAULT_CHARS,
    folds: Annotated[
        str | None,
        typer.Option(
            "--folds",
            help="'dataset': leave one dataset out; tune our constants on the others, score it.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """ROUGE-1/2/L F1 over Kiwi morphemes: ours beside Lead-N and TextRank-N, overall and per dataset."""
    if folds not in (None, "dataset"):
        raise typer.BadParameter(f"{folds!r}: the only folds are 'dataset'", param_hint="--folds")
    require_rouge()  # before any article is analysed
    references, rejected = load_references(data)
    for rejection in rejected:
        err_console.print(f"rejected: {rejection.where}: {rejection.reason}", soft_wrap=True, markup=False)
    budget = max_chars or None
    if folds:
        articles = prepare(references, sentences=sentences)
        cv = cross_validate(articles, sentences=sentences, max_chars=budget)
        if as_json:
            typer.echo(
                json.dumps(cv.as_dict() | {"rejected": [r.as_dict() for r in rejected]}, ensure_ascii=False)
            )
        else:
            _print_folds(cv, len(references))
        return
    report = evaluate(references, sentences=sentences, max_chars=budget)
    report.rejected = rejected
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = _rouge_table(f"ROUGE F1 (x100), {sentences} sentences, {len(references)} articles", "dataset")
    for dataset, kind, system, count, values in table_rows(report):
        style = "bold" if system == "ours" else None
        table.add_row(dataset, kind, system, str(count), *(f"{v:.1f}" for v in values), style=style)
    console.print(table)


def _rouge_table(title: str, first: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in (first, "reference", "system", "n", "ROUGE-1", "ROUGE-2", "ROUGE-L"):
        table.add_column(column, justify="right" if column.startswith(("ROUGE", "n")) else "left")
    return table


def _print_folds(cv: CrossValidation, articles: int) -> None:
    title = f"Held-out ROUGE F1 (x100), {cv.sentences} sentences, {articles} articles, each tuned without it"
    table = _rouge_table(title, "held out")
    rows = [(name, fold.scores, fold.counts) for name, fold in cv.folds.items()]
    for name, scores, counts in [*rows, ("mean", cv.mean(), {})]:
        for kind, systems in scores.items():
            for system in SYSTEMS_SUMMARIES:
                metrics = systems[system]
                values = [f"{metrics[m]:.1f}" for m in ("rouge1", "rouge2", "rougeL")]
                style = "bold" if system == "ours" else None
                table.add_row(name, kind, system, str(counts.get(kind, "")), *values, style=style)
    console.print(table)
    for name, fold in cv.folds.items():
        console.print(f"chosen without {name}: {fold.chosen}", soft_wrap=True, markup=False)
    console.print(f"agreed (ship these): {cv.shipped}", soft_wrap=True, markup=False)


@app.command("personas")
def personas_cli(
    judgments: Annotated[
        Path, typer.Argument(metavar="JUDGMENTS.jsonl", help="Rows {id, <persona>: 0|1|2, …}.")
    ],
    pool: Annotated[
        Path, typer.Argument(metavar="POOL.jsonl", help="The judged articles, as ingest reads them.")
    ],
    drop_category: Annotated[
        bool, typer.Option("--drop-category", help="Ingest the pool without its category field.")
    ] = False,
    folds: Annotated[
        str | None,
        typer.Option(
            "--folds",
            metavar="K|category",
            help="Held out: K folds by article id, or 'category' (one category's articles a time, "
            "ingested without the field); each fold's editions use its articles only.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    recommender: RecommenderOption = None,
) -> None:
    """nDCG@6 and precision@6 of every judged persona's picks, beside BM25 queries and random picks."""
    spec = _folds_spec(folds)
    judged, rejected = load_judgments(judgments)
    for rejection in rejected:
        err_console.print(f"rejected: {rejection.where}: {rejection.reason}", soft_wrap=True, markup=False)
    if spec is not None:
        cv = evaluate_folds(
            judged, pool, folds=spec, drop_category=drop_category, recommender=recommender or "prism"
        )
        cv.rejected = rejected + cv.rejected
        if as_json:
            typer.echo(json.dumps(cv.as_dict(), ensure_ascii=False))
        else:
            _print_persona_folds(cv)
        return
    report = evaluate_personas(judged, pool, drop_category=drop_category, recommender=recommender or "prism")
    report.rejected = rejected + report.rejected
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table(
        title=f"Persona picks, pool of {report.pool} articles (nDCG@6 / precision@6)", title_justify="left"
    )
    table.add_column("persona")
    for system in SYSTEMS:
        table.add_column(system, justify="right")
    for key in [*judged, "mean"]:
        cells = [f"{report.get(s, 'ndcg', key):.3f} / {report.get(s, 'precision', key):.2f}" for s in SYSTEMS]
        table.add_row(key, *cells, style="bold" if key == "mean" else None)
    console.print(table)


def _folds_spec(folds: str | None) -> FoldsSpec | None:
    """Read --folds: None, 'category' or a whole number (checked against the judgments later)."""
    if folds is None:
        return None
    if folds == "category":
        return "category"
    if not folds.strip().isdigit():
        raise UsageError(f"--folds {folds!r}: give a number of folds (2 or more) or 'category'")
    return int(folds)


def _spread_cell(spread: Spread, digits: int) -> str:
    mean, std = spread["mean"], spread["std"]
    return "–" if mean is None or std is None else f"{mean:.{digits}f} ± {std:.{digits}f}"


def _print_persona_folds(cv: FoldReport) -> None:
    how = "leave one category out" if cv.protocol == "category" else cv.protocol
    table = Table(
        title=f"Held-out persona picks ({how}): nDCG@6 / precision@6, mean ± std over folds, (min nDCG@6)",
        title_justify="left",
    )
    for column in ("persona", *SYSTEMS, "best P@6", "folds"):
        table.add_column(column, justify="left" if column == "persona" else "right")
    for key in [*cv.personas, "mean"]:
        cells = []
        for system in SYSTEMS:
            ndcg, prec = cv.spread(system, "ndcg", key), cv.spread(system, "precision", key)
            low = f" ({ndcg['min']:.3f})" if ndcg["min"] is not None else ""
            cells.append(f"{_spread_cell(ndcg, 3)} / {_spread_cell(prec, 2)}{low}")
        ceiling = cv.spread("best", "precision", key)["mean"]
        best = "–" if ceiling is None else f"{ceiling:.2f}"
        count = str(cv.spread("ours", "ndcg", key)["folds"])
        table.add_row(key, *cells, best, count, style="bold" if key == "mean" else None)
    console.print(table)
    table = Table(title="Ours nDCG@6 per held-out fold (–: nothing graded 1+ to find)", title_justify="left")
    table.add_column("persona")
    for fold in cv.folds:
        table.add_column(fold.name, justify="right")
    rows = [(key, "ours", key) for key in cv.personas]
    rows += [("mean", "ours", "mean"), ("bm25 mean", "bm25", "mean"), ("random mean", "random", "mean")]
    for label, system, key in rows:
        values = [fold.scores[system][key]["ndcg"] for fold in cv.folds]
        table.add_row(
            label,
            *("–" if v is None else f"{v:.3f}" for v in values),
            style="bold" if label == "mean" else None,
        )
    table.add_row("pool", *(str(fold.pool) for fold in cv.folds))
    console.print(table)
    if cv.missing:
        console.print(
            f"{len(cv.missing)} judged article(s) not in the pool: scored as never picked", markup=False
        )


@app.command("editions")
def editions_cli(
    pool: Annotated[Path, typer.Argument(metavar="POOL.jsonl", help="Articles, as ingest reads them.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Defects a reader trips on in every reader type's edition built from POOL: bylines, dangling
    references, broken quotes, spoken register, fragments, particle starts, "A · B" headings, one story
    told twice."""
    from prism.evaluate.editions import KINDS, evaluate_editions

    report = evaluate_editions(pool)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    total = report.total
    title = f"Edition defects: {total.editions} editions, {total.sentences} sentences, {report.pool} articles"
    table = Table(title=title, title_justify="left")
    for column in ("defect", "count", "share"):
        table.add_column(column, justify="left" if column == "defect" else "right")
    for kind in [*KINDS, "any"]:
        count = total.defects[kind]
        table.add_row(
            kind,
            str(count),
            f"{count / max(total.sentences, 1):.1%}",
            style="bold" if kind == "any" else None,
        )
    table.add_row("keyword_pair_heading", str(total.keyword_pair_headings), f"of {total.headings} headings")
    table.add_row("story_twice", str(total.story_twice), f"of {total.editions} editions")
    console.print(table)
    table = Table(title="Per reader type (sentences with any defect)", title_justify="left")
    for column in ("reader type", "sentences", "any", "A · B", "twice"):
        table.add_column(column, justify="left" if column == "reader type" else "right")
    for key, tally in report.personas.items():
        table.add_row(
            key,
            str(tally.sentences),
            str(tally.defects["any"]),
            f"{tally.keyword_pair_headings}/{tally.headings}",
            f"{tally.story_twice_pairs} pairs",
        )
    console.print(table)
    mean = total.as_dict()
    chars, sentences = mean["summary_mean_chars"], mean["summary_mean_sentences"]
    console.print(f"핵심 요약: {chars} characters, {sentences} sentences on average", markup=False)
    for kind in KINDS:
        for finding in report.examples(kind):
            console.print(
                f"{kind} ({finding.persona}, {finding.block}): {finding.kinds[kind]}\n    {finding.text}",
                soft_wrap=True,
                markup=False,
            )
    for persona, heading in report.headings[:3]:
        console.print(f"keyword_pair_heading ({persona}): ■ {heading}", markup=False)
    for persona, first, second, why in report.stories[:3]:
        console.print(f"story_twice ({persona}): {first} / {second} ({why})", soft_wrap=True, markup=False)


@app.command("claims")
def claims_cli(
    data: Annotated[
        Path,
        typer.Argument(
            metavar="CLAIMS.jsonl", help="Rows {id, article_id, claim, label, error, title, body}."
        ),
    ],
    folds: Annotated[
        int,
        typer.Option(
            "--folds",
            min=0,
            max=20,
            help="Folds by article: thresholds tuned on the others (0: shipped ones).",
        ),
    ] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The claim checker: catch rate on unsupported claims, acceptance of supported ones, per error type,
    beside the containment baseline (every number and name of the claim is in the article)."""
    from prism.evaluate.claims import cross_validate, load_claims, measure, reason_examples, score
    from prism.verify.checker import ERRORS, SETTINGS

    claims, rejected = load_claims(data)
    for rejection in rejected:
        err_console.print(f"rejected: {rejection.where}: {rejection.reason}", soft_wrap=True, markup=False)
    if not claims:
        raise typer.Exit(1)
    measured = measure(claims)
    if folds >= 2:
        cv = cross_validate(measured, folds)
        ours, baseline, shipped = cv.pooled, cv.baseline, cv.shipped
        report: dict[str, Any] = cv.as_dict()
    else:
        ours, baseline = score(measured, SETTINGS)
        shipped = SETTINGS
        report = {"held_out": ours.as_dict(), "baseline": baseline.as_dict()}
    report["examples"] = reason_examples(measured, shipped)
    report["rejected"] = [r.as_dict() for r in rejected]
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    how = f"held-out, {folds} folds by article" if folds >= 2 else "shipped thresholds, no folds"
    table = Table(title=f"Claim checker, {len(claims)} claims ({how})", title_justify="left")
    for column in ("", "ours", "baseline (containment)"):
        table.add_column(column, justify="left" if not column else "right")
    table.add_row(
        "caught (unsupported flagged)",
        _rate(ours.caught, ours.unsupported),
        _rate(baseline.caught, baseline.unsupported),
    )
    table.add_row(
        "accepted (supported passed)",
        _rate(ours.accepted, ours.supported),
        _rate(baseline.accepted, baseline.supported),
    )
    for error in sorted(ours.by_error, key=lambda e: ERRORS.index(e) if e in ERRORS else len(ERRORS)):
        mine, theirs = ours.by_error[error], baseline.by_error.get(error, [0, 0])
        table.add_row(f"  caught: {error}", _rate(*mine), _rate(*theirs))
    console.print(table)
    if folds >= 2:
        for fold in cv.folds:
            console.print(
                f"fold {fold.number} ({fold.articles} articles): caught {fold.ours.catch:.2f}, "
                f"accepted {fold.ours.acceptance:.2f} with {fold.chosen}",
                soft_wrap=True,
                markup=False,
            )
        console.print(f"chosen on all claims (ship these): {shipped}", soft_wrap=True, markup=False)


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "–"

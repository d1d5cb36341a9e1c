"""The persona gate: picks held out on the dev judgments (5 folds by article) must stay at or above pinned
nDCG@6 / precision@6 floors, and every reader type at 0.6 or more (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prism.cli import app
from prism.evaluate import gate
from prism.evaluate.personas import (
    FoldReport,
    evaluate_folds,
    judged_pool,
    load_judgments,
    ndcg,
    precision,
)
from tests.conftest import NEWS_8CLASS, SHARED

BASELINE = Path(__file__).with_name("baselines") / "personas.json"
JUDGMENTS = SHARED / "data" / "persona-judgments-dev.jsonl"


@pytest.fixture(scope="module", params=[False, True], ids=["with-category", "without-category"])
def held_out(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> FoldReport:
    """The dev judgments scored held out: 5 folds by article, as the baseline was pinned."""
    if not (JUDGMENTS.exists() and NEWS_8CLASS.exists()):
        pytest.skip("the shared judgments or articles are absent (../shared not here)")
    judgments, rejected = load_judgments(JUDGMENTS)
    assert rejected == []
    pool = judged_pool(NEWS_8CLASS, judgments, tmp_path_factory.mktemp("pool") / "pool.jsonl")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    return evaluate_folds(judgments, pool, folds=baseline["folds"], drop_category=request.param)


def _means(report: FoldReport, system: str) -> dict[str, dict[str, float]]:
    return {
        key: {metric: spread["mean"] for metric, spread in metrics.items() if spread["mean"] is not None}
        for key, metrics in report.summary()[system].items()
    }


def test_baseline_pins_this_data() -> None:
    if not JUDGMENTS.exists():
        pytest.skip(f"{JUDGMENTS} is absent")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["sha256"] == gate.sha256_of(JUDGMENTS)
    assert baseline["pool_sha256"] == gate.sha256_of(NEWS_8CLASS)


def test_held_out_picks_stay_above_their_floors(held_out: FoldReport) -> None:
    assert sum(len(fold.articles) for fold in held_out.folds) == 240
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert gate.failures(baseline, _means(held_out, "ours")) == []


def test_issue_bar_every_reader_type_held_out(held_out: FoldReport) -> None:
    """Issue 15: every reader type at nDCG@6 0.6 or more on held-out folds."""
    for key, metrics in _means(held_out, "ours").items():
        assert metrics["ndcg"] >= 0.6, key


def test_ours_beats_both_baselines_held_out(held_out: FoldReport) -> None:
    ours, bm25, random = (_means(held_out, system)["mean"]["ndcg"] for system in ("ours", "bm25", "random"))
    assert ours > bm25 > random
    assert random < 0.15


@pytest.mark.parametrize(
    ("grades", "ideal", "expected"),
    [
        ([2, 1, 0, 0, 0, 0], [2, 1, 0], 1.0),
        ([0, 0, 0, 0, 0, 0], [2, 1], 0.0),
        ([1, 2], [2, 1], (1 + 3 / 1.5849625007211563) / (3 + 1 / 1.5849625007211563)),
    ],
)
def test_ndcg(grades: list[int], ideal: list[int], expected: float) -> None:
    assert ndcg(grades, ideal) == pytest.approx(expected)


def test_precision_counts_grade_one_and_up() -> None:
    assert precision([2, 1, 0, 0, 1, 0]) == pytest.approx(0.5)


def test_eval_command_reports_bad_rows_and_unknown_personas(tmp_path: Path) -> None:
    judgments = tmp_path / "j.jsonl"
    judgments.write_text('{"id": "a", "retiree": 2}\nnot json\n{"id": "b", "retiree": 7}\n', encoding="utf-8")
    pool = tmp_path / "pool.jsonl"
    rows = [
        {
            "id": "a",
            "title": "국민연금 수령액 오른다",
            "body": "국민연금 수령액이 내년부터 오른다고 밝혔다.\n\n노후 준비에 도움이 된다고 설명했다.",
        },
        {
            "id": "b",
            "title": "야구 결승전",
            "body": "프로야구 결승전에서 홈팀이 이겼다고 밝혔다.\n\n관중이 가득 찼다고 전했다.",
        },
    ]
    pool.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "personas", str(judgments), str(pool), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["where"] for r in data["rejected"]] == [f"{judgments}:2", f"{judgments}:3"]
    assert data["picks"]["retiree"][0] == "a"
    with_bm25 = CliRunner().invoke(
        app, ["eval", "personas", str(judgments), str(pool), "--json", "--recommender", "bm25"]
    )
    assert with_bm25.exit_code == 0, with_bm25.output
    scores = json.loads(with_bm25.stdout)["scores"]
    assert scores["ours"] == scores["bm25"]  # "ours" is the recommender asked for
    nope = CliRunner().invoke(app, ["eval", "personas", str(judgments), str(pool), "--recommender", "nope"])
    assert nope.exit_code == 2 and "recommender 'nope' is not one of prism, bm25, random" in nope.stderr
    unknown = tmp_path / "u.jsonl"
    unknown.write_text('{"id": "a", "astronaut": 1}\n', encoding="utf-8")
    bad = CliRunner().invoke(app, ["eval", "personas", str(unknown), str(pool)])
    assert bad.exit_code == 2 and "astronaut" in bad.stderr

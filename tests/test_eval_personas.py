"""The persona gate: picks on the dev judgments must stay at or above pinned nDCG@6 / precision@6 floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prism.cli import app
from prism.evaluate import gate
from prism.evaluate.personas import (
    evaluate_personas,
    judged_pool,
    load_judgments,
    ndcg,
    precision,
)
from tests.conftest import NEWS_8CLASS, SHARED

BASELINE = Path(__file__).with_name("baselines") / "personas.json"
JUDGMENTS = SHARED / "data" / "persona-judgments-dev.jsonl"


@pytest.fixture(scope="module", params=[False, True], ids=["with-category", "without-category"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not (JUDGMENTS.exists() and NEWS_8CLASS.exists()):
        pytest.skip("the shared judgments or articles are absent (../shared not here)")
    judgments, rejected = load_judgments(JUDGMENTS)
    assert rejected == []
    pool = judged_pool(NEWS_8CLASS, judgments, tmp_path_factory.mktemp("pool") / "pool.jsonl")
    return evaluate_personas(judgments, pool, drop_category=request.param)


def test_baseline_pins_this_data() -> None:
    if not JUDGMENTS.exists():
        pytest.skip(f"{JUDGMENTS} is absent")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["sha256"] == gate.sha256_of(JUDGMENTS)
    assert baseline["pool_sha256"] == gate.sha256_of(NEWS_8CLASS)


def test_picks_stay_above_their_floors(report) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert report.pool == 240
    assert gate.failures(baseline, report.scores["ours"]) == []


def test_ours_beats_both_baselines_in_the_same_run(report) -> None:  # type: ignore[no-untyped-def]
    assert report.get("ours", "ndcg") > report.get("bm25", "ndcg") > report.get("random", "ndcg")
    assert report.get("random", "ndcg") < 0.1


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


def test_issue_minimums(report) -> None:  # type: ignore[no-untyped-def]
    """Mean nDCG@6 >= 0.85 and every persona >= 0.6, with and without the category field."""
    assert report.get("ours", "ndcg") >= 0.85
    for key, metrics in report.scores["ours"].items():
        assert metrics["ndcg"] >= 0.6, key

"""The summary quality gate: ROUGE on the shared dev set must stay at or above the pinned floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prism.evaluate import gate
from prism.evaluate.summaries import evaluate, load_references
from tests.conftest import SHARED

BASELINE = Path(__file__).with_name("baselines") / "summaries.json"
DATA = SHARED / "data" / "summaries-ko-dev.jsonl"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    if not DATA.exists():
        pytest.skip(f"{DATA} is absent (../shared not here): the summary gate needs the shared dev set")
    references, rejected = load_references(DATA)
    assert rejected == []
    return evaluate(references, sentences=3)


def test_baseline_pins_this_data() -> None:
    if not DATA.exists():
        pytest.skip(f"{DATA} is absent")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["sha256"] == gate.sha256_of(DATA), (
        "the dev data changed: re-measure with `python scripts/update_baselines.py summaries`"
    )


def test_summaries_stay_above_their_floors(report) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    scores = {kind: report.scores["all"][kind]["ours"] for kind in ("extractive", "abstractive")}
    assert gate.failures(baseline, scores) == []


def test_issue_minimums_and_baselines(report) -> None:  # type: ignore[no-untyped-def]
    """ROUGE-1 >= 64 (extractive) and >= 44 (abstractive); ROUGE-2 and ROUGE-L above TextRank-3 on both."""
    assert report.get("ours", "extractive", "rouge1") >= 64
    assert report.get("ours", "abstractive", "rouge1") >= 44
    for kind in ("extractive", "abstractive"):
        for metric in ("rouge2", "rougeL"):
            assert report.get("ours", kind, metric) > report.get("textrank", kind, metric)


def test_lowering_a_floor_needs_the_flag(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    pinned = tmp_path / "baseline.json"
    gate.update(pinned, data=data, scores={"extractive": {"rouge1": 66.4}}, allow_lower=False)
    assert json.loads(pinned.read_text())["floors"] == {"extractive": {"rouge1": 66.0}}
    with pytest.raises(gate.GateError, match="allow-lower"):
        gate.update(pinned, data=data, scores={"extractive": {"rouge1": 60.2}}, allow_lower=False)
    gate.update(
        pinned, data=data, scores={"extractive": {"rouge1": 67.9}}, allow_lower=False
    )  # raising is fine
    gate.update(pinned, data=data, scores={"extractive": {"rouge1": 60.2}}, allow_lower=True)
    assert json.loads(pinned.read_text())["floors"] == {"extractive": {"rouge1": 60.0}}


def test_eval_command_reports_bad_rows_and_scores(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from prism.cli import app

    sentences = [
        "한국은행이 기준금리를 연 2.25%로 내렸다.",
        "시장은 추가 인하를 점친다.",
        "은행들은 예금금리를 낮췄다.",
    ]
    good = {
        "id": "g",
        "dataset": "mini",
        "title": "기준금리 인하",
        "sentences": sentences,
        "body": "\n".join(sentences),
        "extractive": [0, 2],
        "abstractive": "한국은행이 기준금리를 내렸고 은행은 예금금리를 낮췄다.",
    }
    data = tmp_path / "refs.jsonl"
    data.write_text(
        json.dumps(good, ensure_ascii=False) + '\n{"id": "x", "body": "참고 요약이 없다."}\n', "utf-8"
    )
    result = CliRunner().invoke(app, ["eval", "summaries", str(data), "--sentences", "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["all"] == {"abstractive": 1, "extractive": 1}
    assert [r["where"] for r in report["rejected"]] == [f"{data}:2"]
    assert 0 < report["scores"]["mini"]["extractive"]["ours"]["rouge1"] <= 100
    missing = CliRunner().invoke(app, ["eval", "summaries", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr

"""The summary quality gate: ROUGE on held-out datasets must stay at or above the pinned floors.

Floors are cross-validated: each dataset of the shared dev set is scored with constants tuned on the
other datasets only (`prism.evaluate.tune`), never on the data being scored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from prism.evaluate import gate
from prism.evaluate.summaries import load_references, prepare
from prism.evaluate.tune import CrossValidation, cross_validate
from prism.summarize.base import DEFAULT_CHARS
from prism.summarize.extractive import WEIGHTS
from tests.conftest import SHARED

BASELINE = Path(__file__).with_name("baselines") / "summaries.json"
EVAL_EXTRA = "ROUGE comes with ai-prism[eval]; the core-only run (make test-core) has none"
DATA = SHARED / "data" / "summaries-ko-dev.jsonl"


@pytest.fixture(scope="module")
def folds() -> CrossValidation:
    pytest.importorskip("rouge_score", reason=EVAL_EXTRA)
    if not DATA.exists():
        pytest.skip(f"{DATA} is absent (../shared not here): the summary gate needs the shared dev set")
    references, rejected = load_references(DATA)
    assert rejected == []
    return cross_validate(prepare(references, sentences=3), sentences=3, max_chars=DEFAULT_CHARS)


def test_baseline_pins_this_data() -> None:
    if not DATA.exists():
        pytest.skip(f"{DATA} is absent")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline["sha256"] == gate.sha256_of(DATA), (
        "the dev data changed: re-measure with `python scripts/update_baselines.py summaries`"
    )
    assert (baseline["sentences"], baseline["max_chars"], baseline["folds"]) == (3, DEFAULT_CHARS, "dataset")


def test_held_out_summaries_stay_above_their_floors(folds: CrossValidation) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    scores = {kind: systems["ours"] for kind, systems in folds.mean().items()}
    assert gate.failures(baseline, scores) == []


def test_held_out_summaries_beat_the_baselines(folds: CrossValidation) -> None:
    """The issue's goal, on the mean over held-out datasets: ours >= Lead-3 against the abstractive
    references and >= TextRank-3 against the extractive ones, on ROUGE-1, -2 and -L.

    Not reached per fold: held out alone, sci-news (R1 51.3 vs TextRank 56.6) and Dacon (59.0 vs 61.0)
    stay below TextRank-3 against their extractive references within the 200-character budget.
    """
    for metric in ("rouge1", "rouge2", "rougeL"):
        assert folds.get("ours", "abstractive", metric) >= folds.get("lead", "abstractive", metric)
        assert folds.get("ours", "extractive", metric) >= folds.get("textrank", "extractive", metric)


def test_the_shipped_constants_are_the_folds_agreement(folds: CrossValidation) -> None:
    assert folds.shipped == WEIGHTS, (
        f"the folds now agree on {folds.shipped}: run scripts/tune_summaries.py, set Weights, re-pin"
    )


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
    pytest.importorskip("rouge_score", reason=EVAL_EXTRA)
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


def test_without_the_eval_extra_one_line_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from prism.cli import app

    monkeypatch.setitem(sys.modules, "rouge_score", None)  # `import rouge_score` now fails, as uninstalled
    data = tmp_path / "refs.jsonl"
    data.write_text('{"id": "a", "body": "본문이다."}\n', "utf-8")
    result = CliRunner().invoke(app, ["eval", "summaries", str(data)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == "error: ROUGE needs the rouge-score package: pip install 'ai-prism[eval]'\n"

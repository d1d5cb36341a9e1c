"""Held-out persona evaluation (`prism eval personas … --folds K|category`): folds by article, by category."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prism.cli import app
from prism.evaluate.personas import (
    METRICS,
    SYSTEMS,
    FoldReport,
    evaluate_folds,
    evaluate_personas,
    fold_of,
    judged_pool,
    load_judgments,
)
from tests.conftest import NEWS_8CLASS, SHARED
from tests.helpers import korean_article, write_jsonl

JUDGMENTS = SHARED / "data" / "persona-judgments-dev.jsonl"
CATEGORIES = ("경제", "사회", "세계")
PERSONAS = ("retiree", "retail-investor")


def _grades(n: int) -> dict[str, int]:
    """Deterministic grades that give every category something to find for both personas."""
    return {"retiree": (n // 3) % 3, "retail-investor": (n // 3 + 1) % 3}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A pool of 24 articles we wrote, 8 per category, and judgments of every one for two personas."""
    folder = tmp_path_factory.mktemp("small")
    articles = [korean_article(n) | {"category": CATEGORIES[n % 3]} for n in range(24)]
    pool = write_jsonl(folder / "pool.jsonl", articles)
    judgments = write_jsonl(
        folder / "j.jsonl", [{"id": a["id"]} | _grades(n) for n, a in enumerate(articles)]
    )
    return judgments, pool


@pytest.fixture(scope="module")
def by_hash(small: tuple[Path, Path]) -> FoldReport:
    judgments, _ = load_judgments(small[0])
    return evaluate_folds(judgments, small[1], folds=3)


@pytest.fixture(scope="module")
def by_category(small: tuple[Path, Path]) -> FoldReport:
    judgments, _ = load_judgments(small[0])
    return evaluate_folds(judgments, small[1], folds="category")


@pytest.mark.parametrize("folds", [2, 5, 7])
def test_fold_split_is_even_stable_and_a_partition(folds: int) -> None:
    ids = [f"kn-{n:04d}" for n in range(240)]
    assigned = fold_of(ids, folds)
    assert set(assigned) == set(ids)
    sizes = [list(assigned.values()).count(f) for f in range(folds)]
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == len(ids)
    shuffled = ids[:]
    random.Random(3).shuffle(shuffled)
    assert fold_of(shuffled + ids[:10], folds) == assigned  # file order and repeats do not matter


def test_every_judged_article_is_in_exactly_one_fold(by_hash: FoldReport, small: tuple[Path, Path]) -> None:
    judgments, _ = load_judgments(small[0])
    judged = {a for grades in judgments.values() for a in grades}
    members = [a for fold in by_hash.folds for a in fold.articles]
    assert sorted(members) == sorted(judged)
    assert [len(fold.articles) for fold in by_hash.folds] == [8, 8, 8]
    assert by_hash.missing == []


@pytest.mark.parametrize("report", ["by_hash", "by_category"])
def test_no_fold_picks_outside_its_own_articles(report: str, request: pytest.FixtureRequest) -> None:
    cv: FoldReport = request.getfixturevalue(report)
    for fold in cv.folds:
        assert fold.pool == len(fold.articles)
        for system in ("ours", "bm25"):
            for persona in PERSONAS:
                picks = fold.picks[system][persona]
                assert picks and set(picks) <= set(fold.articles), (fold.name, system, persona)


def test_a_fold_scores_as_if_its_articles_were_ingested_alone(
    by_hash: FoldReport, small: tuple[Path, Path], tmp_path: Path
) -> None:
    """Restricting one store's rows to a fold gives the pool the fold makes on its own: same picks and
    scores for ours and BM25 (whose IDF comes from the pool)."""
    fold = by_hash.folds[1]
    rows = [json.loads(line) for line in small[1].read_text(encoding="utf-8").split("\n") if line]
    alone = write_jsonl(tmp_path / "alone.jsonl", [r for r in rows if r["id"] in fold.articles])
    judgments, _ = load_judgments(small[0])
    held_out = {
        key: {a: g for a, g in grades.items() if a in fold.articles} for key, grades in judgments.items()
    }
    report = evaluate_personas(held_out, alone)
    assert report.picks == fold.picks["ours"]
    for system in ("ours", "bm25"):
        for persona in PERSONAS:
            assert report.scores[system][persona] == fold.scores[system][persona]


def test_leave_one_category_out_covers_every_category(by_category: FoldReport) -> None:
    assert by_category.protocol == "category"
    assert [fold.name for fold in by_category.folds] == sorted(CATEGORIES)
    for fold in by_category.folds:
        number = {int(a.removeprefix("t-")) % 3 for a in fold.articles}
        assert [CATEGORIES[n] for n in number] == [fold.name]


def test_a_persona_with_nothing_to_find_in_a_fold_is_left_out_of_its_spread(tmp_path: Path) -> None:
    articles = [korean_article(n) | {"category": CATEGORIES[n % 2]} for n in range(12)]
    pool = write_jsonl(tmp_path / "pool.jsonl", articles)
    # retiree finds something only in 경제 (even n); 사회 has nothing graded 1+ for them.
    rows = [{"id": a["id"], "retiree": 2 if n % 2 == 0 and n % 4 == 0 else 0} for n, a in enumerate(articles)]
    judgments, _ = load_judgments(write_jsonl(tmp_path / "j.jsonl", rows))
    cv = evaluate_folds(judgments, pool, folds="category")
    by_name = {fold.name: fold for fold in cv.folds}
    assert by_name["사회"].scores["ours"]["retiree"] == {metric: None for metric in METRICS}
    assert by_name["사회"].scores["ours"]["mean"]["ndcg"] is None
    assert by_name["경제"].scores["ours"]["retiree"]["ndcg"] is not None
    assert cv.spread("ours", "ndcg", "retiree")["folds"] == 1


def test_cli_json_carries_the_summary_and_every_fold(small: tuple[Path, Path]) -> None:
    judgments, pool = small
    result = CliRunner().invoke(
        app, ["eval", "personas", str(judgments), str(pool), "--folds", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["protocol"] == "2 folds" and data["personas"] == list(PERSONAS)
    assert set(data) == {"protocol", "recommender", "personas", "summary", "folds", "missing", "rejected"}
    for system in SYSTEMS:
        for key in [*PERSONAS, "mean"]:
            for metric in METRICS:
                assert set(data["summary"][system][key][metric]) == {"mean", "std", "min", "folds"}
    assert set(data["summary"]) == {*SYSTEMS, "best"}
    assert 0 < data["summary"]["best"]["mean"]["precision"]["mean"] <= 1
    assert len(data["folds"]) == 2
    fold = data["folds"][0]
    assert set(fold) == {"name", "articles", "pool", "relevant", "scores", "picks"}
    assert set(fold["scores"]) == set(SYSTEMS) and set(fold["picks"]) == {"ours", "bm25"}
    table = CliRunner().invoke(app, ["eval", "personas", str(judgments), str(pool), "--folds", "category"])
    assert table.exit_code == 0, table.output
    assert "leave one category out" in table.stdout and all(c in table.stdout for c in CATEGORIES)


def _error(args: list[str]) -> str:
    result = CliRunner().invoke(app, ["eval", "personas", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


def test_bad_input_is_one_line_each(small: tuple[Path, Path], tmp_path: Path) -> None:
    judgments, pool = str(small[0]), str(small[1])
    assert "nope.jsonl: no such file" in _error([str(tmp_path / "nope.jsonl"), pool, "--folds", "5"])
    assert "gone.jsonl: no such file" in _error([judgments, str(tmp_path / "gone.jsonl"), "--folds", "5"])
    assert "give a number of folds from 2 to 24" in _error([judgments, pool, "--folds", "1"])
    assert "give a number of folds from 2 to 24" in _error([judgments, pool, "--folds", "25"])
    assert "'abc'" in _error([judgments, pool, "--folds", "abc"])
    unknown = write_jsonl(tmp_path / "u.jsonl", [{"id": "t-0000", "astronaut": 1}])
    assert "astronaut" in _error([str(unknown), pool, "--folds", "2"])
    rows = [json.loads(line) for line in small[1].read_text(encoding="utf-8").split("\n") if line]
    plain = write_jsonl(
        tmp_path / "plain.jsonl", [{k: v for k, v in r.items() if k != "category"} for r in rows]
    )
    message = _error([judgments, str(plain), "--folds", "category"])
    assert "24 judged article(s) have no category" in message and "t-0000" in message


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, int]], Path]:
    if not (JUDGMENTS.exists() and NEWS_8CLASS.exists()):
        pytest.skip("the shared judgments or articles are absent (../shared not here)")
    judgments, _ = load_judgments(JUDGMENTS)
    return judgments, judged_pool(NEWS_8CLASS, judgments, tmp_path_factory.mktemp("pool") / "pool.jsonl")


def test_shared_five_folds_of_48(shared: tuple[dict[str, dict[str, int]], Path]) -> None:
    cv = evaluate_folds(shared[0], shared[1], folds=5)
    assert [fold.pool for fold in cv.folds] == [48] * 5
    assert sorted(a for fold in cv.folds for a in fold.articles) == sorted(shared[0]["retiree"])
    for fold in cv.folds:
        for picks in fold.picks["ours"].values():
            assert set(picks) <= set(fold.articles)
    assert cv.spread("ours", "ndcg")["mean"] > cv.spread("random", "ndcg")["mean"]


def test_shared_leave_one_category_out(shared: tuple[dict[str, dict[str, int]], Path]) -> None:
    cv = evaluate_folds(shared[0], shared[1], folds="category")
    assert len(cv.folds) == 8 and [fold.pool for fold in cv.folds] == [30] * 8
    rows = [json.loads(line) for line in shared[1].read_text(encoding="utf-8").split("\n") if line]
    assert {fold.name for fold in cv.folds} == {row["category"] for row in rows}


def test_rows_dropped_from_a_category_less_copy_are_named_by_the_pool_file(tmp_path: Path) -> None:
    articles = [korean_article(n) | {"category": CATEGORIES[n % 2]} for n in range(8)]
    pool = tmp_path / "pool.jsonl"
    lines = [json.dumps(a, ensure_ascii=False) for a in articles]
    lines[5] = json.dumps({k: v for k, v in articles[5].items() if k != "body"}, ensure_ascii=False)
    pool.write_text("\n".join([*lines[:2], "not json", *lines[2:]]) + "\n", encoding="utf-8")
    rows = [{"id": a["id"]} | _grades(n) for n, a in enumerate(articles)]
    judgments, _ = load_judgments(write_jsonl(tmp_path / "j.jsonl", rows))
    cv = evaluate_folds(judgments, pool, folds="category")
    assert [r.where for r in cv.rejected] == [f"{pool}:3", f"{pool}:7"]
    assert "body" in cv.rejected[1].reason
    assert cv.missing == [articles[5]["id"]]

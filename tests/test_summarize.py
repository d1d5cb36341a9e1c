"""The extractive summarizer: properties on real-shaped articles, and the `prism summarize` command."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from prism.cli import app
from prism.config import Settings
from prism.evaluate.summaries import Prepared, Reference, prepare
from prism.evaluate.tune import cross_validate, tune
from prism.nlp.clean import clean_for_analysis
from prism.nlp.korean import analyze, analyze_many
from prism.summarize.base import DEFAULT_CHARS
from prism.summarize.extractive import WEIGHTS, Weights, lead_sentence, summarize, summarize_text


@cache
def sample_articles() -> list[dict[str, str]]:
    rows = []
    for name in ("articles-a.jsonl", "articles-b.jsonl"):
        text = (files("prism") / "data" / "sample" / name).read_text(encoding="utf-8")
        rows += [json.loads(line) for line in text.splitlines()]
    return rows


def check(title: str, body: str, n: int, max_chars: int | None = None) -> None:
    summary = summarize(analyze(title, body), sentences=n, max_chars=max_chars)
    indices = summary.source_indices
    assert len(indices) == len(summary.sentences) <= n
    assert list(indices) == sorted(set(indices)), "article order, never a sentence twice"
    cleaned = clean_for_analysis(body).text
    for sentence in summary.sentences:
        assert sentence in cleaned, "every sentence is the article's own, verbatim"
        assert "@" not in sentence and "사진=" not in sentence and "ⓒ" not in sentence
    if max_chars is not None and len(summary.sentences) > 1:
        assert len(summary.text) <= max_chars


@pytest.mark.parametrize("n", [1, 3, 4, 6])
def test_properties_on_the_sample_corpus(n: int) -> None:
    for article in sample_articles():
        check(article["title"], article["body"], n)


def test_a_budget_is_kept() -> None:
    for article in sample_articles()[:20]:
        check(article["title"], article["body"], 4, max_chars=200)


_sentences = st.sampled_from(
    [
        "한국은행이 기준금리를 연 2.25%로 0.25%포인트 내렸다.",
        "코스피는 2,650.32로 마감해 1.2% 올랐다.",
        "정부는 소상공인 정책자금 1조 원을 추가로 풀기로 했다.",
        "시장에서는 추가 인하 가능성에 무게를 두고 있다.",
        '"경기 하방 위험이 커졌다."',  # a bare quote: never picked
        "홍길동 기자 hong@example.com",  # a byline: never picked
        "서울 여의도 증권가 전경. /사진=한빛일보",  # a caption: never picked
        "▶ 관련기사 금리 인하에 대출 이자 줄어든다",
        "금리 인하 결정",  # a headline-style fragment: never picked
        "은행권은 예금금리를 곧 내릴 것으로 보인다.",
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_sentences, min_size=0, max_size=12), st.integers(min_value=1, max_value=5))
def test_properties_on_generated_articles(lines: list[str], n: int) -> None:
    body = "\n".join(lines) or "."
    check("금리 인하", body, n)
    summary = summarize_text("금리 인하", body, sentences=n)
    assert all(s not in {'"경기 하방 위험이 커졌다."', "금리 인하 결정"} for s in summary.sentences)


def test_short_articles_give_what_they_have() -> None:
    summary = summarize_text("제목", "한국은행이 기준금리를 내렸다고 발표했다.", sentences=4)
    assert summary.sentences == ("한국은행이 기준금리를 내렸다고 발표했다.",)
    assert summarize_text("제목", "금리 인하", sentences=4).sentences == ()


def test_batch_and_single_analysis_agree() -> None:
    articles = sample_articles()[:5]
    together = list(analyze_many([(a["title"], a["body"]) for a in articles]))
    for article, analysis in zip(articles, together, strict=True):
        assert analysis == analyze(article["title"], article["body"])


def test_summarize_command(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "title": sample_articles()[0]["title"], "body": sample_articles()[0]["body"]},
        {"id": 7, "text": sample_articles()[1]["body"]},
        {"id": "no-body", "title": "제목만"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["summarize", str(source), "--sentences", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["id"] for w in written] == ["a", 7]
    for row in written:
        assert row["summary"] == " ".join(row["sentences"]) and 1 <= len(row["sentences"]) <= 3
        assert len(row["source_indices"]) == len(row["sentences"])
    assert f"{source}:3: missing body" in result.stderr and f"{source}:4: malformed JSON" in result.stderr


def test_summarize_command_errors(tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["summarize", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["summarize", str(bad)]).exit_code == 1


# Lead first: the summary opens with the article's first full sentence, never a deck (부제, subtitle),
# a byline or a headline-style fragment; the rest follow in reading order within the character budget.
DECK = "ha당 조사료 400만원…작물별 차등 지원"  # a deck: no sentence-final ending (종결어미)
LEAD = "전라남도가 쌀 과잉문제를 해결하기 위해 올해부터 쌀 생산조정제를 적극 추진키로 했다."
REST = [
    "쌀 생산조정제는 벼 대신 사료작물이나 콩을 심으면 소득차를 보전해주는 제도다.",
    "전남도는 올해 1만 ha의 논에 타작물 재배를 유도할 계획이다.",
    "지원 단가는 조사료 400만원, 일반작물 340만원, 콩 280만원이다.",
    "신청은 2월 28일까지 농지 소재지 읍면동사무소에서 받는다.",
    "도 관계자는 쌀값 안정을 위해 농가의 적극적인 참여를 당부했다.",
]
LONG = (
    "전남도는 쌀 생산조정제가 정착하면 쌀 과잉 생산 구조가 개선되고 쌀값이 안정되는 한편, "
    "사료작물과 콩 등 자급률이 낮은 작물의 생산이 늘어 농가 소득이 다변화되고 "
    "논 이용 효율도 높아질 것으로 기대한다고 밝혔다."
)


@pytest.mark.parametrize(
    ("lines", "n", "max_chars", "exclude_lead"),
    [
        ([DECK, LEAD, *REST], 3, 200, False),  # the deck is not the lead
        (["홍길동 기자 hong@example.com", LEAD, *REST], 3, 200, False),  # nor is a byline
        ([LEAD, *REST], 4, 200, False),
        ([LEAD, *REST], 4, 120, False),  # a tighter budget: fewer sentences
        ([LEAD, *REST], 4, None, False),  # no budget given: the summarizer's own
        ([DECK, LEAD, *REST], 3, 200, True),  # the lead is used elsewhere: the best of the rest
        ([DECK, LEAD, LONG, *REST], 3, 200, False),
    ],
)
def test_the_lead_comes_first(lines: list[str], n: int, max_chars: int | None, exclude_lead: bool) -> None:
    analysis = analyze("쌀 생산조정제 신청하세요", "\n".join(lines))
    lead = lead_sentence(analysis)
    assert lead is not None and lead.text == LEAD
    exclude = {lead.index} if exclude_lead else set()
    summary = summarize(analysis, sentences=n, max_chars=max_chars, exclude=exclude)
    assert 1 <= len(summary.sentences) <= n
    assert list(summary.source_indices) == sorted(summary.source_indices), "reading order"
    assert (summary.sentences[0] == LEAD) is not exclude_lead
    assert DECK not in summary.sentences
    if max_chars is not None:
        assert len(summary.text) <= max_chars
    if max_chars == 200 and not exclude_lead:
        assert len(summary.sentences) >= 2, "a short lead leaves room for more"


def test_a_lead_longer_than_the_budget_is_kept_alone() -> None:
    analysis = analyze("쌀 생산조정제", "\n".join([LONG, *REST]))
    assert summarize(analysis, sentences=3, max_chars=100).sentences == (LONG,)


def test_a_long_sentence_crowds_out_nothing_under_the_length_rule() -> None:
    analysis = analyze("쌀 생산조정제 기대 효과", "\n".join([LEAD, LONG, *REST]))
    greedy = Weights(centrality=1.0, title=0, position=0, keyphrases=0, brevity=0, long_share=1.0)
    assert LONG in summarize(analysis, sentences=3, max_chars=200, weights=greedy).sentences
    assert len(LONG) > 0.5 * 200
    ruled = dataclasses.replace(greedy, long_share=0.5)  # half of 200 characters
    summary = summarize(analysis, sentences=3, max_chars=200, weights=ruled)
    assert LONG not in summary.sentences and summary.sentences[0] == LEAD


def test_weights_change_the_choice_not_the_default_path() -> None:
    analysis = analyze("쌀 생산조정제", "\n".join([DECK, LEAD, *REST]))
    assert summarize(analysis, sentences=3) == summarize(analysis, sentences=3, weights=WEIGHTS)
    unforced = dataclasses.replace(WEIGHTS, lead_first=False, position=0.0, centrality=0.0, title=1.0)
    assert summarize(analysis, sentences=1, weights=unforced).sentences != (LEAD,)


# Leave-one-dataset-out: each held-out dataset is scored with constants chosen on the others only.
FOLD_TITLE = "반도체 수출 급증"
FOLD_BODY = [
    "정부는 올해 하반기 경제정책 방향을 어제 발표했다.",
    "반도체 수출이 지난달 역대 최대로 급증했다.",
    "전문가들은 내수 회복이 더디다고 지적했다.",
]


def fold_references() -> list[Reference]:
    """Two datasets that want opposite constants: one's summary is the lead, the other's the title-like."""
    return [
        Reference(f"{name}-{i}", name, FOLD_TITLE, "\n".join(FOLD_BODY), FOLD_BODY[wanted], None)
        for name, wanted in (("lead-set", 0), ("title-set", 1))
        for i in range(2)
    ]


def test_the_tuner_never_sees_the_held_out_dataset() -> None:
    pytest.importorskip("rouge_score", reason="ROUGE comes with ai-prism[eval]")
    articles = prepare(fold_references(), sentences=1)
    # Start by the title alone, and let the tuner only choose whether the lead is forced first.
    start = Weights(0, 1, 0, 0, 0, 0, lead_first=False, long_share=1.0)
    seen: list[set[str]] = []

    def tuner(train: Sequence[Prepared]) -> tuple[Weights, float]:
        seen.append({a.dataset for a in train})
        return tune(train, sentences=1, max_chars=None, start=start, grid={"lead_first": (False, True)})

    cv = cross_validate(articles, sentences=1, max_chars=None, tuner=tuner)
    assert seen == [{"title-set"}, {"lead-set"}]
    # Each fold gets what the *other* dataset wants, so it scores worse than its own choice would.
    assert cv.folds["lead-set"].chosen.lead_first is False
    assert cv.folds["title-set"].chosen.lead_first is True
    for fold in cv.folds.values():
        assert fold.train_objective == 100.0
        assert fold.scores["extractive"]["ours"]["rouge1"] < 100.0
    assert cv.shipped in {f.chosen for f in cv.folds.values()}


def test_eval_folds_command_prints_held_out_json(tmp_path: Path) -> None:
    pytest.importorskip("rouge_score", reason="ROUGE comes with ai-prism[eval]")
    rows = [
        {
            "id": f"{name}-{i}",
            "dataset": name,
            "title": FOLD_TITLE,
            "sentences": FOLD_BODY,
            "extractive": [wanted],
            "abstractive": "반도체 수출이 역대 최대다." if name == "title-set" else None,
        }
        for name, wanted in (("lead-set", 0), ("title-set", 1))
        for i in range(2)
    ]
    data = tmp_path / "refs.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = ["eval", "summaries", str(data), "--folds", "dataset", "-n", "1", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"sentences", "max_chars", "folds", "mean", "shipped", "rejected"}
    assert (report["sentences"], report["max_chars"]) == (1, 200)
    assert set(report["folds"]) == {"lead-set", "title-set"}
    held = report["folds"]["title-set"]
    assert set(held) == {"chosen", "train_objective", "scores", "counts"}
    assert held["counts"] == {"abstractive": 2, "extractive": 2}
    assert set(held["chosen"]) == {f.name for f in dataclasses.fields(Weights)}
    for kind in ("extractive", "abstractive"):
        assert set(report["mean"][kind]) == {"ours", "lead", "textrank"}
        assert set(report["mean"][kind]["ours"]) == {"rouge1", "rouge2", "rougeL"}
    assert "abstractive" not in report["folds"]["lead-set"]["scores"]
    assert set(report["shipped"]) == set(held["chosen"])
    bad = CliRunner().invoke(app, ["eval", "summaries", str(data), "--folds", "article"])
    assert bad.exit_code == 2 and "--folds" in bad.stderr


def test_the_budget_setting_matches_the_summarizer_default() -> None:
    assert Settings().summary_chars == DEFAULT_CHARS


def test_a_headline_quote_is_no_summary_sentence() -> None:
    from prism.nlp.korean import analyze
    from prism.summarize.extractive import is_summary_worthy

    (line,) = analyze("제목", '고용 감소하는 가운데 부가가치만 늘어…"조선업 구조조정 영향 크다"').sentences
    assert not is_summary_worthy(line)

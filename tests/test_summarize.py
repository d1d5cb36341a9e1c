"""The extractive summarizer: properties on real-shaped articles, and the `prism summarize` command."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from prism.cli import app
from prism.nlp.clean import clean_for_analysis
from prism.nlp.korean import analyze, analyze_many
from prism.summarize.extractive import summarize, summarize_text


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

"""Keyphrases and edition keywords: compound-aware, stop-word free, specific over generic, none nested."""

from __future__ import annotations

import pytest

from prism.nlp.keywords import distinct, keyphrases, rarity, top_keywords
from prism.nlp.korean import analyze

ARTICLE = (
    "삼성SDI가 46파이 배터리 양산에 돌입했다. 46파이 배터리는 기존 배터리보다 에너지 용량이 6배 크다. "
    "관계자는 올해 46파이 배터리 매출이 1조 2000억 원에 이를 것이라고 말했다. "
    "김도윤 새봄증권 연구원은 배터리 업황이 바닥을 지났다고 분석했다."
)


@pytest.fixture(scope="module")
def phrases() -> list[str]:
    return [term for term, _ in keyphrases(analyze("삼성SDI, 46파이 배터리 양산 돌입", ARTICLE), k=8)]


def test_compound_wins_over_its_parts(phrases: list[str]) -> None:
    assert "46파이 배터리" in phrases[:2] and "삼성SDI" in phrases[:3]
    assert "46파이" not in phrases and "배터리" not in phrases


@pytest.mark.parametrize("noise", ["관계자", "올해", "기자", "1조 2000억", "김도윤 새봄증권 연구원", "6배"])
def test_no_stopwords_amounts_or_attributions(phrases: list[str], noise: str) -> None:
    assert noise not in phrases


def test_weights_sum_to_one() -> None:
    weights = [w for _, w in keyphrases(analyze("제목", ARTICLE))]
    assert abs(sum(weights) - 1.0) < 1e-9 and weights == sorted(weights, reverse=True)


@pytest.mark.parametrize(
    ("generic", "specific"), [("기업", "카카오뱅크"), ("시장", "스테이블코인"), ("정부", "금융통화위원회")]
)
def test_background_rarity(generic: str, specific: str) -> None:
    assert rarity(specific) > rarity(generic)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (
            {"46파이": 1.0, "46파이 배터리": 0.8, "전고체": 0.5},
            ["46파이 배터리", "전고체"],
        ),  # specific replaces
        ({"배터리": 1.0, "46파이 배터리": 0.3, "전고체": 0.5}, ["배터리", "전고체"]),  # too weak to replace
        ({"AI": 0.7, "경량 AI 모델": 0.6, "B2B AI 시장": 0.58}, ["경량 AI 모델", "B2B AI 시장"]),
    ],
)
def test_distinct(weights: dict[str, float], expected: list[str]) -> None:
    assert [term for term, _ in distinct(weights, k=5)] == expected


def test_top_keywords_prefer_shared_terms() -> None:
    editions = [
        [("기준금리", 0.5), ("한국은행", 0.3), ("예금금리", 0.2)],
        [("기준금리", 0.4), ("주택담보대출", 0.6)],
        [("HBM4", 0.7), ("SK하이닉스", 0.3)],
    ]
    top = top_keywords(editions, k=3)
    assert top[0] == "기준금리" and len(top) == 3

"""Keyphrases and edition keywords: compound-aware, stop-word free, specific over generic, none nested."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism.nlp.keywords import cut_words, distinct, is_generic, keyphrases, rarity, top_keywords
from prism.nlp.korean import analyze
from prism.nlp.vectors import background, log_of_counts

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
    "term", ["기업", "카카오뱅크", "없는낱말xyz", "", "기업 없는낱말xyz", "정부 기업 시장"]
)
def test_rarity_is_background_idf(term: str) -> None:
    # The precomputed table must answer what the formula does: log((N + 1) / (df + 1)) for a word or a
    # phrase headlines hold, the mean over the words for any other phrase.
    documents, counts = background()

    def idf(word: str) -> float:
        return math.log((documents + 1) / (counts.get(word, 0) + 1))

    if term in counts or " " not in term:
        expected = idf(term)
    else:
        words = term.split(" ")
        expected = sum(idf(word) for word in words) / len(words)
    assert rarity(term) == expected


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


def greedy_distinct(weights: dict[str, float], k: int) -> list[tuple[str, float]]:
    """The rule of `distinct`, spelled out with no shortcut: every candidate is looked at."""
    chosen: list[tuple[str, float]] = []
    for term, weight in sorted(weights.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
        if any(term in held for held, _ in chosen):
            continue
        holds = [(held, w) for held, w in chosen if held in term]
        if holds:
            if weight >= 0.8 * max(w for _, w in holds):
                chosen = [c for c in chosen if c not in holds] + [(term, max(weight, *(w for _, w in holds)))]
        elif len(chosen) < k:
            chosen.append((term, weight))
    return sorted(chosen, key=lambda item: -item[1])[:k]


@settings(max_examples=300, deadline=None)
@given(
    weights=st.dictionaries(
        st.text(alphabet="가나다 ", min_size=1, max_size=4),
        st.sampled_from([0.1, 0.3, 0.5, 0.55, 0.7, 0.9, 1.0]),  # few values: ties and near-replacements
        max_size=14,
    ),
    k=st.integers(min_value=1, max_value=6),
)
def test_distinct_stops_early_only_when_nothing_later_could_enter(weights: dict[str, float], k: int) -> None:
    assert distinct(weights, k=k) == greedy_distinct(weights, k)


@pytest.mark.parametrize("counts", [[], [1], [1, 2, 255], [3, 256, 1000, 7]])
@pytest.mark.parametrize("plus_one", [False, True])
def test_log_of_counts_is_the_math_module_log(counts: list[int], plus_one: bool) -> None:
    log = math.log1p if plus_one else math.log
    assert log_of_counts(counts, plus_one=plus_one).tolist() == [log(c) for c in counts]


def test_top_keywords_spread_over_articles_and_skip_generic_and_cut_words() -> None:
    editions = [
        [("반도체", 0.5), ("HBM4", 0.4), ("SK하이닉스", 0.35), ("가격", 0.9)],  # 가격: generic
        [("전세대출", 0.3), ("시중은행", 0.2)],
        [("노동생산", 0.8), ("노동생산성 둔화", 0.25)],  # 노동생산: cut from 노동생산성
    ]
    top = top_keywords(editions, k=4, per_article=2, exclude={"노동생산"})
    assert "가격" not in top and "노동생산" not in top
    assert sum(term in {"반도체", "HBM4", "SK하이닉스"} for term in top) == 2  # at most two of one article
    assert {"전세대출", "노동생산성 둔화"} <= set(top)


@pytest.mark.parametrize(
    ("text", "cut", "whole"),
    [
        ("노동생산성이 낮다. 노동생산성 개선이 과제다.", {"노동생산"}, set()),  # 성: 접미사 (suffix, XSN)
        ("기업들이 투자를 늘렸다. 기업 실적이 좋다.", set(), {"기업"}),  # 들 (plural) keeps 기업 whole
    ],
)
def test_cut_words(text: str, cut: set[str], whole: set[str]) -> None:
    found = cut_words(analyze("제목", text))
    assert cut <= found
    assert not (whole & found)


@pytest.mark.parametrize(("term", "generic"), [("가격", True), ("반대 권고", True), ("전세대출 금리", False)])
def test_generic_terms(term: str, generic: bool) -> None:
    assert is_generic(term) is generic

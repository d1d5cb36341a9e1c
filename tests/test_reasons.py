"""Reasons: the lines a reader sees under a pick."""

from __future__ import annotations

from prism.recommend.pool import build_pool
from prism.recommend.reasons import LIKED_REASON, matched_terms, pick, reasons
from prism.recommend.stories import cluster
from tests.pools import row, synthetic_pool


def test_reason_lines() -> None:
    assert reasons(("주가", "배당"), "경제", 3, liked=LIKED_REASON) == (
        "관심 키워드: 주가, 배당",
        "분야: 경제",
        "관련 기사 3건",
        "👍 한 기사와 비슷해요",
    )
    assert reasons((), None, 1, liked=LIKED_REASON / 2) == ()


def test_matched_terms_strongest_first_and_only_those_in_the_article() -> None:
    pool = synthetic_pool()
    column = pool.vocabulary.index
    matched = {column["주가"]: 1.0, column["코스피"]: 3.0, column["연금"]: 5.0}
    assert matched_terms(pool, 0, matched) == ("코스피", "주가")  # article 0 is about 코스피, 주가


def test_a_phrase_that_holds_an_interest_is_named_by_the_interest() -> None:
    """A reason names what the reader asked for, not the long phrase of the article that holds it."""
    words = [
        "추광호 한국경제연구원 일자리전략실장",
        "노사 자구 계획안",
        "청년 일자리",
        "블록체인위크",
        "역전세난",
    ]
    pool = build_pool([row(0, words)])
    matched = {pool.vocabulary.index[word]: 1.0 for word in words}
    interests = {
        "일자리": 3.0,
        "노사": 2.0,
        "구조조정": 2.0,
        "청년 일자리": 1.0,
        "블록체인": 2.0,
        "역전세난": 1.0,
    }
    named = matched_terms(pool, 0, matched, interests)
    assert sorted(named) == ["노사", "블록체인", "역전세난", "일자리", "청년 일자리"]
    assert matched_terms(pool, 0, matched)[0] == "추광호 한국경제연구원 일자리전략실장"  # no interests given


def test_a_pick_carries_its_story_and_reasons() -> None:
    pool = build_pool([row(0, ["코스피", "주가"]), row(1, ["코스피", "주가"], canonical=0)])
    made = pick(pool, cluster(pool), 1, kind="reference", matched=("코스피",))
    assert (made.article_id, made.kind, made.story_size, made.topic) == (1, "reference", 2, "경제")
    assert made.reasons == ("관심 키워드: 코스피", "분야: 경제", "관련 기사 2건")

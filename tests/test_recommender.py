"""Our recommender ("prism") on a synthetic pool: what it picks and why (the contract every recommender
keeps is in test_recommender_contract.py)."""

from __future__ import annotations

import pytest

from prism.errors import UsageError
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool, build_pool
from prism.recommend.recommender import PrismRecommender
from tests.pools import NOW, PENSIONS, STOCKS, persona, row, synthetic_pool


@pytest.fixture
def pool() -> Pool:
    return synthetic_pool()


def test_two_readers_with_disjoint_interests_each_get_their_own_first(pool) -> None:  # type: ignore[no-untyped-def]
    recommender = PrismRecommender().fit(pool, now=NOW.timestamp())
    investor = recommender.recommend(persona("investor", STOCKS))
    retiree = recommender.recommend(persona("retiree", PENSIONS))
    assert all(p.article_id < 10 for p in investor[:6])
    assert all(10 <= p.article_id < 20 for p in retiree[:6])
    assert [p.kind for p in investor] == ["interest"] * 3 + ["reference"] * 3
    assert investor[0].matched and investor[0].reasons[0].startswith("관심 키워드: ")
    scores = [p.score for p in investor[:3]]
    assert scores == sorted(scores, reverse=True)


def test_copies_and_near_duplicates_are_one_story(pool) -> None:  # type: ignore[no-untyped-def]
    rows = [row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(7)]
    rows.append(row(50, [STOCKS[0], STOCKS[1]], canonical=0))  # a near duplicate of article 0
    rows.append(row(51, [STOCKS[0], STOCKS[1]], text="sha256:" + "0" * 64))  # a copy of article 0's text
    recommender = PrismRecommender().fit(build_pool(rows), now=NOW.timestamp())
    picks = recommender.recommend(persona("investor", STOCKS))
    assert len({p.story for p in picks}) == len(picks) == 6
    assert len({p.article_id for p in picks} & {0, 50, 51}) == 1


def test_fewer_stories_than_picks(pool) -> None:  # type: ignore[no-untyped-def]
    small = build_pool([row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(3)])
    picks = PrismRecommender().fit(small).recommend(persona("investor", STOCKS))
    assert len(picks) == 3


def test_an_empty_pool_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="the pool is empty"):
        PrismRecommender().fit(build_pool([])).recommend(persona("investor", STOCKS))


def test_negative_terms_push_articles_down(pool) -> None:  # type: ignore[no-untyped-def]
    recommender = PrismRecommender().fit(pool, now=NOW.timestamp())
    plain = persona("investor", STOCKS)
    top = recommender.recommend(plain)[0]
    averse = Persona(
        key="averse",
        name="averse",
        interests=plain.interests,
        negative={top.matched[0]: 5},
        topics=plain.topics,
        expand=False,
    )
    assert top.article_id not in [p.article_id for p in recommender.recommend(averse)[:3]]


def test_stories_below_the_floor_are_never_picked_for_the_reader(pool) -> None:  # type: ignore[no-untyped-def]
    """Two stories are about 배당; the other four picks are the day's important economic news,
    labelled as such, and 참고 only."""
    from prism.recommend.reasons import FILLER_REASON

    picks = PrismRecommender().fit(pool, now=NOW.timestamp()).recommend(persona("dividends", ["배당"]))
    assert len(picks) == 6
    about, filler = picks[:2], picks[2:]
    assert {p.article_id for p in about} == {1, 2}  # the articles that say 배당
    assert [p.kind for p in about] == ["interest", "interest"] and all(p.matched for p in about)
    assert all(p.kind == "reference" and p.reasons[0] == FILLER_REASON for p in filler)
    assert not {p.article_id for p in filler} & {1, 2}


def test_a_name_alone_does_not_clear_the_floor() -> None:
    """An agency's name said twice and in the title (0.2 of its weight: 0.6 + 0.3) is not a story about
    the reader's interest."""
    from prism.recommend.reasons import FILLER_REASON
    from prism.recommend.score import is_name

    assert is_name("중소벤처기업부") and not is_name("창업")
    rows = [row(0, ["중소벤처기업부", "소상공인"]), row(1, ["창업", "스타트업"], text="b")]
    rows += [row(10 + i, [PENSIONS[i], PENSIONS[i + 1]]) for i in range(4)]
    founder = Persona(
        key="f", name="f", interests={"중소벤처기업부": 3, "창업": 3}, topics={"경제": 1.0}, expand=False
    )
    picks = PrismRecommender().fit(build_pool(rows), now=NOW.timestamp()).recommend(founder)
    assert [p.article_id for p in picks if p.kind == "interest"] == [1]
    assert next(p for p in picks if p.article_id == 0).reasons[0] == FILLER_REASON


def test_only_economic_news_fills_a_gap() -> None:
    """Below the floor, a fresher story of another section never fills 참고: the edition has fewer picks."""
    import dataclasses

    from prism.recommend.reasons import FILLER_REASON

    rows = [row(0, ["배당", "주가"]), row(1, ["국민연금", "노후"], text="b")]
    rows.append(dataclasses.replace(row(2, ["대장암", "검진"], text="c", hours=0.1), topic="생활문화"))
    picks = PrismRecommender().fit(build_pool(rows), now=NOW.timestamp()).recommend(persona("d", ["배당"]))
    assert [p.article_id for p in picks] == [0, 1]
    assert picks[1].kind == "reference" and picks[1].reasons[0] == FILLER_REASON


def test_the_floor_weighs_the_section() -> None:
    """Two mentions of 건강 clear a retiree's floor in an economy story, not in a sports story: the floor is
    weighed by how welcome the story's section is to the reader type."""
    import dataclasses

    rows = [row(0, ["건강", "보험료"], text="a")]
    rows.append(dataclasses.replace(row(1, ["건강", "피겨"], text="b", hours=0.1), topic="스포츠"))
    retiree = Persona(
        key="r",
        name="r",
        interests={"건강": 2},
        topics={"경제": 1.0, "스포츠": 0.02},
        expand=False,
        facets=False,
    )
    picks = PrismRecommender().fit(build_pool(rows), now=NOW.timestamp()).recommend(retiree)
    assert [p.article_id for p in picks] == [0]
    welcoming = retiree.model_copy(update={"topics": {"경제": 1.0, "스포츠": 1.0}})
    assert {p.article_id for p in PrismRecommender().fit(build_pool(rows)).recommend(welcoming)} == {0, 1}

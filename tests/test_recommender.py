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

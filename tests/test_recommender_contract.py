"""The contract every registered recommender keeps, one test class per recommender (as implicit does).

`RecommenderContract` holds what every recommender must do; `KnownAnswer` adds, for the ones that rank
by relevance, that two reader types with disjoint interests each get their own articles first.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

import pytest

from prism.errors import UsageError
from prism.recommend.base import PICKS, Recommender, recommenders
from prism.recommend.pool import Pool, build_pool
from tests.pools import NOW, PENSIONS, STOCKS, persona, row, rows, synthetic_pool

INVESTOR = persona("investor", STOCKS)
RETIREE = persona("retiree", PENSIONS)


def test_the_builtins_are_registered() -> None:
    assert recommenders.names()[:3] == ["prism", "bm25", "random"]


def test_every_registered_recommender_has_a_contract_class() -> None:
    assert set(recommenders.names()) <= {cls.name for cls in (TestPrism, TestBM25, TestRandom)}


class RecommenderContract:
    """What every recommender does; a subclass names the registered recommender it tests."""

    name: ClassVar[str]

    def make(self) -> Recommender:
        return recommenders.get(self.name)()

    def fitted(self, pool: Pool | None = None) -> Recommender:
        return self.make().fit(synthetic_pool() if pool is None else pool, now=NOW.timestamp())

    def test_init_only_stores_keyword_hyperparameters_with_defaults(self) -> None:
        made = self.make()
        parameters = inspect.signature(type(made)).parameters.values()
        assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in parameters)
        assert set(vars(made)) == {p.name for p in parameters}

    def test_fit_returns_self_and_fitted_state_ends_in_underscore(self) -> None:
        made = self.make()
        before = set(vars(made))
        assert made.fit(synthetic_pool(), now=NOW.timestamp()) is made
        learned = set(vars(made)) - before
        assert learned and all(name.endswith("_") for name in learned)

    @pytest.mark.parametrize("n", [1, 3, PICKS, 10])
    def test_n_picks_when_there_are_n_stories(self, n: int) -> None:
        assert len(self.fitted().recommend(INVESTOR, n=n)) == n

    def test_six_picks_by_default_three_of_interest_then_three_for_reference(self) -> None:
        picks = self.fitted().recommend(INVESTOR)
        assert [p.kind for p in picks] == ["interest"] * 3 + ["reference"] * 3

    def test_fewer_picks_when_there_are_fewer_stories(self) -> None:
        small = build_pool([row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(2)])
        picks = self.fitted(small).recommend(INVESTOR)
        assert sorted(p.article_id for p in picks) == [0, 1]
        assert [p.kind for p in picks] == ["interest"] * 2

    def test_picks_are_distinct_stories(self) -> None:
        copies = rows()
        copies.append(row(50, [STOCKS[0], STOCKS[1]], canonical=0))  # a near duplicate of article 0
        copies.append(row(51, [STOCKS[0], STOCKS[1]], text="sha256:" + "0" * 64))  # a copy of 0's text
        picks = self.fitted(build_pool(copies)).recommend(INVESTOR, n=17)
        assert len({p.story for p in picks}) == len(picks) == 17
        assert len({p.article_id for p in picks} & {0, 50, 51}) == 1

    def test_picks_name_their_article(self) -> None:
        pool = synthetic_pool()
        for pick in self.fitted(pool).recommend(RETIREE):
            assert pool.article_id(pick.index) == pick.article_id
            assert pick.story_size >= 1

    def test_excluded_articles_are_never_picked(self) -> None:
        recommender = self.fitted()
        first = [p.article_id for p in recommender.recommend(INVESTOR)]
        again = recommender.recommend(INVESTOR, exclude=first[:4])
        assert len(again) == PICKS
        assert not {p.article_id for p in again} & set(first[:4])

    def test_excluding_everything_leaves_nothing(self) -> None:
        every = [r.id for r in rows()]
        assert self.fitted().recommend(INVESTOR, exclude=every) == []

    def test_deterministic_on_a_rerun(self) -> None:
        recommender = self.fitted()
        first = recommender.recommend(INVESTOR)
        assert recommender.recommend(INVESTOR) == first
        assert self.fitted().recommend(INVESTOR) == first

    def test_feedback_is_accepted(self) -> None:
        picks = self.fitted().recommend(INVESTOR, feedback={STOCKS[0]: 1.0, PENSIONS[0]: -1.0})
        assert len(picks) == PICKS

    def test_an_empty_pool_is_a_clear_error(self) -> None:
        with pytest.raises(UsageError, match="the pool is empty"):
            self.fitted(build_pool([])).recommend(INVESTOR)


class KnownAnswer(RecommenderContract):
    """For recommenders that rank by relevance: disjoint interests, each reader's own articles first."""

    def test_two_readers_with_disjoint_interests_each_get_their_own_first(self) -> None:
        recommender = self.fitted()
        investor = recommender.recommend(INVESTOR)
        retiree = recommender.recommend(RETIREE)
        assert all(p.article_id < 10 for p in investor)
        assert all(10 <= p.article_id < 20 for p in retiree)

    def test_interest_picks_are_the_best_scored(self) -> None:
        picks = self.fitted().recommend(INVESTOR)
        scores = [p.score for p in picks[:3]]
        assert scores == sorted(scores, reverse=True)
        assert min(scores) >= max(p.score for p in picks[3:])


class TestPrism(KnownAnswer):
    name = "prism"


class TestBM25(KnownAnswer):
    name = "bm25"


class TestRandom(RecommenderContract):
    name = "random"

    def test_another_seed_draws_differently(self) -> None:
        pool = synthetic_pool()
        draws = {
            tuple(p.article_id for p in recommenders.get("random")(seed=seed).fit(pool).recommend(INVESTOR))
            for seed in range(5)
        }
        assert len(draws) > 1

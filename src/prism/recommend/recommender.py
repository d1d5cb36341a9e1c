"""Our recommender ("prism"): which 6 stories of the pool a reader type should read today, and why.

`fit(pool)` clusters the pool into stories, indexes its terms for BM25 and dates every article's
freshness; `recommend(persona)` scores every article (prism.recommend.score), picks 6 different stories
by MMR (prism.recommend.select) and says why (prism.recommend.reasons).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Self

import numpy as np

from prism.errors import UsageError
from prism.recommend import score as scoring
from prism.recommend.base import PICKS, recommenders
from prism.recommend.bm25 import BM25
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.recommend.reasons import matched_terms, pick
from prism.recommend.score import FloatArray
from prism.recommend.select import MMR_LAMBDA, by_score, kinds, mmr
from prism.recommend.stories import Stories, cluster
from prism.records import Pick


@recommenders.register("prism")
class PrismRecommender:
    """Relevance × topic prior × story importance × freshness, then MMR over stories."""

    def __init__(self, *, mmr_lambda: float = MMR_LAMBDA) -> None:
        self.mmr_lambda = mmr_lambda

    def fit(self, pool: Pool, *, now: float | None = None) -> Self:
        """Cluster the pool into stories and index its terms; `now` (POSIX s) dates freshness."""
        self.pool_ = pool
        self.stories_: Stories = cluster(pool)
        self.bm25_ = BM25().fit(pool)
        self.freshness_ = scoring.freshness(pool.times, now)
        return self

    def score(
        self, persona: Persona, feedback: Mapping[str, float] | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Return (score, relevance) of every article of the pool for a persona, and for a reader's
        feedback vector when given."""
        pool = self.pool_
        relevance = self.bm25_.query(scoring.expanded_interests(persona))
        if persona.negative:
            relevance = scoring.penalized(relevance, self.bm25_.query(persona.negative))
        if feedback:
            relevance = scoring.tilted(relevance, scoring.feedback_similarity(pool, feedback))
        return scoring.combined(
            relevance,
            scoring.topic_prior(persona, pool.topics),
            pool.text_of,
            self.stories_.importance[self.stories_.of],
            self.freshness_,
        )

    def recommend(
        self,
        persona: Persona,
        *,
        n: int = PICKS,
        feedback: Mapping[str, float] | None = None,
        exclude: Collection[int] = (),
    ) -> list[Pick]:
        """Return up to n picks from n different stories: 관심 first, then 참고.

        `feedback` is a reader's feedback vector; articles whose id is in `exclude` are never picked.
        """
        pool = self.pool_
        if not len(pool):
            raise UsageError("the pool is empty: no analysed article in the edition's window")
        score, relevance = self.score(persona, feedback)
        if exclude:
            score = np.where(np.isin(pool.ids, np.fromiter(exclude, dtype=np.int64)), -np.inf, score)
        chosen = mmr(pool, score, self.stories_.of, n=n, mmr_lambda=self.mmr_lambda)
        ranked = by_score(chosen, score)
        matched = self.bm25_.match(scoring.expanded_interests(persona))
        liked = scoring.feedback_similarity(pool, feedback) if feedback else None
        return [
            pick(
                pool,
                self.stories_,
                i,
                kind=kind,
                score=float(score[i]),
                relevance=float(relevance[i]),
                matched=matched_terms(pool, i, matched),
                liked=float(liked[pool.text_row(i)]) if liked is not None else 0.0,
            )
            for i, kind in zip(ranked, kinds(len(ranked)), strict=True)
        ]

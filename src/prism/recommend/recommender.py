"""Our recommender ("prism"): which 6 stories of the pool a reader type should read today, and why.

`fit(pool)` clusters the pool into stories, indexes its terms for BM25 and dates every article's
freshness; `recommend(persona)` scores every article (prism.recommend.score), picks 6 different stories
by MMR (prism.recommend.select) and says why (prism.recommend.reasons).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Self

import numpy as np
import numpy.typing as npt

from prism.errors import UsageError
from prism.recommend import score as scoring
from prism.recommend.base import INTEREST_PICKS, PICKS, recommenders
from prism.recommend.bm25 import BM25
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.recommend.reasons import FILLER_REASON, LIKED_REASON, matched_terms, pick
from prism.recommend.score import FloatArray, IntArray
from prism.recommend.select import MMR_LAMBDA, by_score, kinds, mmr
from prism.recommend.stories import Stories, cluster
from prism.records import Pick, PickKind

BoolArray = npt.NDArray[np.bool_]
Chosen = tuple[int, PickKind, bool]  # (article, kind, filled with the day's economic news?)


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
        excluded = np.zeros(len(pool), dtype=bool)
        if exclude:
            excluded = np.isin(pool.ids, np.fromiter(exclude, dtype=np.int64))
        interests = scoring.expanded_interests(persona)
        # Only stories that clear the reader type's relevance floor are picked for it (a reader's 👍
        # counts: what they liked clears it too); when fewer than n do, the rest of 참고 is the day's
        # important economic news, labelled as such, never unrelated filler.
        strength = scoring.floor_strength(self.bm25_, interests, persona)[pool.text_of]
        if feedback:
            strength = np.maximum(strength, scoring.FLOOR * self._liked(feedback)[pool.text_of])
        # 관심 are the best-scored stories the reader type's own interests reach (clearing the floor on
        # them alone); 참고 the rest: stories reached through the facets and similar words, broader context.
        direct = scoring.match_strength(self.bm25_, persona.interests)[pool.text_of] >= scoring.FLOOR
        chosen = self.choose(score, cleared=strength >= scoring.FLOOR, direct=direct, excluded=excluded, n=n)
        return self.explain(persona, chosen, score=score, relevance=relevance, feedback=feedback)

    def choose(
        self,
        score: FloatArray,
        *,
        cleared: BoolArray,
        direct: BoolArray,
        excluded: BoolArray,
        n: int = PICKS,
        order: IntArray | None = None,
        similar_to: Callable[[int], FloatArray] | None = None,
    ) -> list[Chosen]:
        """Return the picks' (article, kind, filler?) from every article's score: n stories by MMR among
        those that clear the floor and are not excluded, 관심 first (those the reader type's own interests
        reach), then 참고, then the day's important economic news when fewer than n clear it.

        `order` is the MMR candidates, best score first, when the caller found them already (the batch
        path, by partial sort); it must be what `select.top_candidates` returns for the same scores.
        """
        pool = self.pool_
        score = np.where(excluded, -np.inf, score)
        chosen = mmr(
            pool,
            np.where(cleared, score, -np.inf),
            self.stories_.of,
            n=n,
            mmr_lambda=self.mmr_lambda,
            order=order,
            similar_to=similar_to,
        )
        ranked = by_score(chosen, score)
        interest = [i for i in ranked if direct[i]][:INTEREST_PICKS]
        ranked = interest + [i for i in ranked if i not in interest]
        found: list[Chosen] = [
            (i, kind, False)
            for i, kind in zip(ranked, kinds(len(ranked), interest=len(interest)), strict=True)
        ]
        if len(ranked) < n:
            taken = np.isin(self.stories_.of, [self.stories_.of[i] for i in ranked])
            news = self.stories_.importance[self.stories_.of] * self.freshness_
            outside = ~scoring.economic(pool.topics)[pool.text_of]
            news = np.where(taken | excluded | outside, -np.inf, news)
            filler = mmr(pool, news, self.stories_.of, n=n - len(ranked), mmr_lambda=self.mmr_lambda)
            found += [(i, "reference", True) for i in filler]
        return found

    def explain(
        self,
        persona: Persona,
        chosen: Sequence[Chosen],
        *,
        score: Sequence[float] | FloatArray,
        relevance: Sequence[float] | FloatArray,
        feedback: Mapping[str, float] | None = None,
    ) -> list[Pick]:
        """Return the chosen articles as picks with their reasons (`score` and `relevance` by article, or
        one per chosen article when given as a sequence of that length)."""
        pool = self.pool_
        own = not isinstance(score, np.ndarray)
        interests = scoring.expanded_interests(persona)
        matched = self.bm25_.match(interests)
        liked = scoring.feedback_similarity(pool, feedback) if feedback else None
        picks = []
        for k, (i, kind, filler) in enumerate(chosen):
            at = k if own else i
            if filler:
                found = pick(
                    pool, self.stories_, i, kind=kind, score=float(score[at]), relevance=float(relevance[at])
                )
                picks.append(dataclasses.replace(found, reasons=(FILLER_REASON, *found.reasons)))
                continue
            picks.append(
                pick(
                    pool,
                    self.stories_,
                    i,
                    kind=kind,
                    score=float(score[at]),
                    relevance=float(relevance[at]),
                    matched=matched_terms(pool, i, matched, interests),
                    liked=float(liked[pool.text_row(i)]) if liked is not None else 0.0,
                )
            )
        return picks

    def _liked(self, feedback: Mapping[str, float]) -> FloatArray:
        """Return 1 for texts as close to the reader's 👍 as the "like an article you liked" reason."""
        similarity = scoring.feedback_similarity(self.pool_, feedback)
        return (similarity >= LIKED_REASON).astype(np.float64)

"""Baselines, registered beside ours so the evaluation reports them in the same run.

"bm25" ranks the pool by plain BM25 of the persona's interest terms (prism.recommend.bm25.plain);
"random" draws articles at random, seeded by its `seed` and the persona's key, so a re-run draws the same.
Both take the best (or first drawn) article of each story, like ours, and ignore reader feedback.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping
from typing import Self

import numpy as np
import numpy.typing as npt

from prism.errors import UsageError
from prism.recommend.base import PICKS, recommenders
from prism.recommend.bm25 import K1, B, plain
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.recommend.reasons import pick
from prism.recommend.select import first_of_each_story, kinds
from prism.recommend.stories import Stories, cluster
from prism.records import Pick


class _Baseline:
    """Fitting shared by the baselines: the pool and its stories."""

    def fit(self, pool: Pool, *, now: float | None = None) -> Self:
        """Cluster the pool into stories; `now` is accepted for the protocol and unused."""
        self.pool_ = pool
        self.stories_: Stories = cluster(pool)
        return self

    def _picks(
        self,
        order: npt.NDArray[np.intp],
        *,
        n: int,
        exclude: Collection[int],
        score: npt.NDArray[np.float64] | None = None,
    ) -> list[Pick]:
        """Return the first article of each story in `order` (ids in `exclude` left out), n at most:
        the first 3 관심, then 참고; each scored by `score` when given."""
        pool = self.pool_
        if not len(pool):
            raise UsageError("the pool is empty: no analysed article in the edition's window")
        allowed = ~np.isin(pool.ids, np.fromiter(exclude, dtype=np.int64, count=len(exclude)))
        chosen = first_of_each_story(order[allowed[order]], self.stories_.of, n=n)
        return [
            pick(
                pool,
                self.stories_,
                i,
                kind=kind,
                score=float(score[i]) if score is not None else 0.0,
                relevance=float(score[i]) if score is not None else 0.0,
            )
            for i, kind in zip(chosen, kinds(len(chosen)), strict=True)
        ]


@recommenders.register("bm25")
class BM25Recommender(_Baseline):
    """The best article of each story by plain BM25 of the persona's interest terms."""

    def __init__(self, *, k1: float = K1, b: float = B) -> None:
        self.k1 = k1
        self.b = b

    def recommend(
        self,
        persona: Persona,
        *,
        n: int = PICKS,
        feedback: Mapping[str, float] | None = None,
        exclude: Collection[int] = (),
    ) -> list[Pick]:
        """Return up to n picks from n different stories, best first: the first 3 관심, then 참고."""
        pool = self.pool_
        score = plain(pool, persona.interests, k1=self.k1, b=self.b)[pool.text_of]
        return self._picks(np.argsort(-score, kind="stable"), n=n, exclude=exclude, score=score)


@recommenders.register("random")
class RandomRecommender(_Baseline):
    """The first drawn article of each story, in a random order fixed by the seed and the persona."""

    def __init__(self, *, seed: int = 0) -> None:
        self.seed = seed

    def recommend(
        self,
        persona: Persona,
        *,
        n: int = PICKS,
        feedback: Mapping[str, float] | None = None,
        exclude: Collection[int] = (),
    ) -> list[Pick]:
        """Return up to n picks from n different stories, in draw order: the first 3 관심, then 참고."""
        # crc32, not hash(): str hashes change from one process to the next.
        rng = np.random.default_rng([self.seed, zlib.crc32(persona.key.encode("utf-8"))])
        return self._picks(rng.permutation(len(self.pool_)), n=n, exclude=exclude)

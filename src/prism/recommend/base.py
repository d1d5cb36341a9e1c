"""The recommender's contract: what it is given, what it returns, and the registry that finds it by name.

A recommender is an estimator (as in implicit and bm25s): constructed with no arguments it has its
default hyperparameters, `fit(pool)` learns what it needs of one edition window's pool and returns
itself, fitted state ends in `_`, and `recommend(persona)` returns the picks, 관심 (interest) first, then
참고 (reference). Register one with ``@recommenders.register("name")`` on the class.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol, Self

from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.records import Pick
from prism.registry import Registry

PICKS = 6  # stories per edition
INTEREST_PICKS = 3  # of which 관심 뉴스; the rest are 참고 뉴스


class Recommender(Protocol):
    """Fit on a pool; recommend up to n distinct stories for a reader type."""

    def fit(self, pool: Pool, *, now: float | None = None) -> Self:
        """Learn what recommending needs of the pool; `now` (POSIX s) dates freshness."""
        ...

    def recommend(
        self,
        persona: Persona,
        *,
        n: int = PICKS,
        feedback: Mapping[str, float] | None = None,
        exclude: Collection[int] = (),
    ) -> list[Pick]:
        """Return up to n picks from n different stories: 관심 first, then 참고.

        `feedback` is a reader's feedback vector (term → weight); articles whose id is in `exclude` are
        never picked.
        """
        ...


recommenders: Registry[type[Recommender]] = Registry(
    "recommender", "picks an edition's distinct stories for a reader type"
)

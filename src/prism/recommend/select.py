"""Selection: which articles become the picks, from how many different stories, of which kind.

Greedy MMR over stories: each pick is the best article of a story not picked yet, its score discounted
by its similarity to the picks so far. The most relevant picks are 관심 뉴스 (interest), the rest 참고
뉴스 (reference).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from prism.recommend.base import INTEREST_PICKS
from prism.recommend.pool import Pool
from prism.records import PickKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MMR_LAMBDA = 0.8  # 1 = pure score; lower trades score for dissimilarity to earlier picks
CANDIDATES = 200  # articles considered by MMR (the best by score)


def mmr(
    pool: Pool,
    score: FloatArray,
    story_of: IntArray,
    *,
    n: int,
    mmr_lambda: float = MMR_LAMBDA,
    candidates: int = CANDIDATES,
) -> list[int]:
    """Return up to n articles of n different stories, in the order MMR picked them.

    Articles scored −inf (excluded) are never picked.
    """
    order = np.argsort(-score, kind="stable")[:candidates]
    order = order[np.isfinite(score[order])]
    if not len(order):
        return []
    top = float(score[order[0]]) or 1.0
    stories = story_of[order]
    texts = pool.text_of[order]
    value = mmr_lambda * score[order] / top
    closest = np.zeros(len(order))  # each candidate's similarity to the closest pick so far
    chosen: list[int] = []
    open_stories = np.ones(len(order), dtype=bool)
    while len(chosen) < n and open_stories.any():
        gain = np.where(open_stories, value - (1.0 - mmr_lambda) * closest, -np.inf)
        best = int(np.argmax(gain))
        chosen.append(int(order[best]))
        open_stories &= stories != stories[best]
        closest = np.maximum(closest, cosines(pool, texts, int(texts[best])))
    return chosen


def cosines(pool: Pool, texts: IntArray, to: int) -> FloatArray:
    """Return the cosine of each of `texts` to one text (vectors are L2-normalized)."""
    vectors = pool.vectors
    dense = np.zeros(len(pool.vocabulary.terms))
    columns, weights = vectors.row(to)
    dense[columns] = weights
    terms, values, owners = vectors.entries(texts)
    return np.bincount(owners, weights=dense[terms] * values, minlength=len(texts)).astype(np.float64)


def first_of_each_story(order: IntArray, story_of: IntArray, *, n: int) -> list[int]:
    """Return the first article of each story in `order`, up to n stories."""
    chosen: list[int] = []
    seen: set[int] = set()
    for i in order.tolist():
        story = int(story_of[i])
        if story not in seen:
            seen.add(story)
            chosen.append(int(i))
            if len(chosen) == n:
                break
    return chosen


def by_score(chosen: Sequence[int], score: FloatArray) -> list[int]:
    """Return the chosen articles best score first (ties by pool position)."""
    return sorted(chosen, key=lambda i: (-float(score[i]), i))


def kinds(count: int, *, interest: int = INTEREST_PICKS) -> list[PickKind]:
    """Return the kind of each of `count` ranked picks: the first `interest` 관심, the rest 참고."""
    return ["interest" if rank < interest else "reference" for rank in range(count)]

"""Selection: which articles become the picks, from how many different stories, of which kind.

Greedy MMR over stories: each pick is the best article of a story not picked yet, its score discounted
by its similarity to the picks so far, and never the third of one broader affair (an article as close as
AFFAIR_SIMILARITY to two picks already made: 삼성바이오 회계, three stories of one affair, give two picks).
The most relevant picks are 관심 뉴스 (interest), the rest 참고 뉴스 (reference).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from prism.recommend.base import INTEREST_PICKS
from prism.recommend.pool import Pool
from prism.records import PickKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MMR_LAMBDA = 0.8  # 1 = pure score; lower trades score for dissimilarity to earlier picks
CANDIDATES = 200  # articles considered by MMR (the best by score)
# Two stories of one affair measured a cosine of 0.22–0.44 on the shared articles, unrelated ones 0.17 or
# less (the same bar the writer uses to join stories into one theme).
AFFAIR_SIMILARITY = 0.2
AFFAIR_PICKS = 2


def mmr(
    pool: Pool,
    score: FloatArray,
    story_of: IntArray,
    *,
    n: int,
    mmr_lambda: float = MMR_LAMBDA,
    candidates: int = CANDIDATES,
    affair_picks: int | None = AFFAIR_PICKS,
    order: IntArray | None = None,
    similar_to: Callable[[int], FloatArray] | None = None,
) -> list[int]:
    """Return up to n articles of n different stories, in the order MMR picked them, at most
    `affair_picks` from one affair while other stories are left (None: no such limit).

    Articles scored −inf (excluded) are never picked. `order` is `top_candidates(score, candidates)` when the
    caller has it already; `similar_to(text)` the cosine of every text of the pool to one (`cosines` over
    all texts: the batch path keeps them, since many readers' picks are the same few articles).
    """
    order = top_candidates(score, candidates) if order is None else order
    if not len(order):
        return []
    top = float(score[order[0]]) or 1.0
    stories = story_of[order]
    texts = pool.text_of[order]
    value = mmr_lambda * score[order] / top
    closest = np.zeros(len(order))  # each candidate's similarity to the closest pick so far
    affair = np.zeros(len(order), dtype=np.int64)  # picks so far of each candidate's affair
    chosen: list[int] = []
    open_stories = np.ones(len(order), dtype=bool)
    limit = affair_picks if affair_picks is not None else n
    while len(chosen) < n and open_stories.any():
        allowed = open_stories & (affair < limit)
        if not allowed.any():
            allowed = open_stories  # only stories of full affairs are left: better them than no pick
        gain = np.where(allowed, value - (1.0 - mmr_lambda) * closest, -np.inf)
        best = int(np.argmax(gain))
        chosen.append(int(order[best]))
        open_stories &= stories != stories[best]
        to = int(texts[best])
        similarity = cosines(pool, texts, to) if similar_to is None else similar_to(to)[texts]
        closest = np.maximum(closest, similarity)
        affair += similarity >= AFFAIR_SIMILARITY
    return chosen


def top_candidates(score: FloatArray, candidates: int = CANDIDATES) -> IntArray:
    """Return the positions of the `candidates` best finite scores, best first (ties by position): what
    a stable sort of the whole array gives, found by partial sort of the finite scores."""
    finite = np.flatnonzero(np.isfinite(score))
    values = score[finite]
    if len(finite) > candidates:
        top = np.argpartition(-values, candidates - 1)[:candidates]
        bar = values[top].min()
        above = np.flatnonzero(values > bar)
        at_bar = np.flatnonzero(values == bar)[: candidates - len(above)]
        top = np.concatenate([above, at_bar])
    else:
        top = np.arange(len(finite))
    return finite[top[np.lexsort((top, -values[top]))]]


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

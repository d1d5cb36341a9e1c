"""Stories: articles about the same event, clustered by vector similarity within a time window.

Near duplicates (linked at ingest) and copies of one text are always in one story. Two different texts
are in one story when they appeared within STORY_WINDOW of each other (single linkage) and either their
TF-IDF cosine reaches STORY_SIMILARITY, or they report the same distinctive figure (5098만, 89만8700:
three significant digits or more, not a round 3000만, not a year) and their cosine reaches
FIGURE_SIMILARITY (TWO_FIGURES_SIMILARITY for two such figures): one analysis republished by two
outlets, or two articles on one event, may share too few words but share its numbers. A story's
importance grows with its number of articles and distinct sources; its freshness comes from its latest
article.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from prism.recommend.pool import Pool

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

STORY_SIMILARITY = 0.4
FIGURE_SIMILARITY = 0.25
TWO_FIGURES_SIMILARITY = 0.15
_FIGURE = re.compile(r"^(?!(?:19|20)\d\d(?!\d))[\d만억조천.,]*\d[\d만억조천.,]*$")
STORY_WINDOW_S = 48 * 3600
# Candidate pairs come from texts sharing one of their strongest terms; a term shared by very many texts
# says little about an event and would make candidate pairs quadratic.
SIGNATURE_TERMS = 6
MAX_BUCKET = 200


@dataclass(frozen=True, slots=True)
class Stories:
    """The story of each article, and per story its size, sources and importance."""

    of: IntArray  # story index per article
    sizes: IntArray  # articles per story
    sources: IntArray  # distinct sources per story
    latest: FloatArray  # time of a story's latest article
    importance: FloatArray  # 1 + 0.25 ln(articles) + 0.25 ln(sources)


class _Links:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def similar_texts(pool: Pool, threshold: float = STORY_SIMILARITY) -> list[tuple[int, int]]:
    """Return pairs of distinct texts whose cosine reaches `threshold`."""
    vectors = pool.vectors
    buckets: dict[int, list[int]] = defaultdict(list)
    for text in range(pool.texts):
        columns, weights = vectors.row(text)
        for column in columns[np.argsort(-weights, kind="stable")[:SIGNATURE_TERMS]]:
            buckets[int(column)].append(text)
    candidates: set[tuple[int, int]] = set()
    for texts in buckets.values():
        if 1 < len(texts) <= MAX_BUCKET:
            for i, a in enumerate(texts):
                for b in texts[i + 1 :]:
                    candidates.add((a, b) if a < b else (b, a))
    dicts: dict[int, dict[int, float]] = {}

    def as_dict(text: int) -> dict[int, float]:
        found = dicts.get(text)
        if found is None:
            columns, weights = vectors.row(text)
            found = dicts[text] = dict(zip(columns.tolist(), weights.tolist(), strict=True))
        return found

    pairs = []
    for a, b in sorted(candidates):
        da, db = as_dict(a), as_dict(b)
        if len(da) > len(db):
            da, db = db, da
        if sum(w * db.get(c, 0.0) for c, w in da.items()) >= threshold:
            pairs.append((a, b))
    return pairs


def distinctive(term: str) -> bool:
    """Return True for a figure that names one fact: three significant digits or more (5098만,
    89만8700, 45억4500만), not a round amount (3000만, 1조9000억) and not a year (2018)."""
    if not _FIGURE.match(term):
        return False
    significant = "".join(part.rstrip("0") for part in re.split(r"[만억조천.,]", term))
    return len(significant) >= 3


def same_figures(pool: Pool) -> list[tuple[int, int]]:
    """Return pairs of distinct texts that report the same distinctive figure and whose cosine reaches
    FIGURE_SIMILARITY (TWO_FIGURES_SIMILARITY when they share two): a looser bar than
    `similar_texts`, since the shared figure says most of it."""
    figures = {c for c, term in enumerate(pool.vocabulary.terms) if distinctive(term)}
    if not figures:
        return []
    held: dict[int, set[int]] = {}
    holders: dict[int, list[int]] = defaultdict(list)
    for text in range(pool.texts):
        columns, _ = pool.counts.row(text)
        held[text] = set(columns.tolist()) & figures
        for column in held[text]:
            holders[column].append(text)
    candidates = {
        pair
        for texts in holders.values()
        if 1 < len(texts) <= MAX_BUCKET
        for pair in itertools.combinations(sorted(texts), 2)
    }
    pairs = []
    for a, b in sorted(candidates):
        ca, wa = pool.vectors.row(a)
        weights = dict(zip(ca.tolist(), wa.tolist(), strict=True))
        cb, wb = pool.vectors.row(b)
        similarity = sum(w * weights.get(c, 0.0) for c, w in zip(cb.tolist(), wb.tolist(), strict=True))
        bar = TWO_FIGURES_SIMILARITY if len(held[a] & held[b]) >= 2 else FIGURE_SIMILARITY
        if similarity >= bar:
            pairs.append((a, b))
    return pairs


def cluster(pool: Pool, *, window_s: float = STORY_WINDOW_S) -> Stories:
    """Group the pool's articles into stories."""
    n = len(pool)
    links = _Links(n)
    position = {int(article_id): i for i, article_id in enumerate(pool.ids.tolist())}
    for i, canonical in enumerate(pool.canonical.tolist()):
        if canonical in position:
            links.union(i, position[canonical])
    articles_of: dict[int, list[int]] = defaultdict(list)
    for i, text in enumerate(pool.text_of.tolist()):
        articles_of[text].append(i)
    times = pool.times.tolist()

    def link_in_time(members: list[int]) -> None:
        # Every pair of `members` is similar: single linkage within the window joins neighbours in time.
        ordered = sorted(members, key=times.__getitem__)
        for a, b in itertools.pairwise(ordered):
            if times[b] - times[a] <= window_s:
                links.union(a, b)

    for members in articles_of.values():
        if len(members) > 1:
            link_in_time(members)
    for a, b in [*similar_texts(pool), *same_figures(pool)]:
        link_in_time(articles_of[a] + articles_of[b])
    roots = np.asarray([links.find(i) for i in range(n)], dtype=np.int64)
    _, of = np.unique(roots, return_inverse=True)
    count = int(of.max()) + 1 if n else 0
    sizes = np.bincount(of, minlength=count).astype(np.int64)
    sources: list[set[str]] = [set() for _ in range(count)]
    for story, source in zip(of.tolist(), pool.sources, strict=True):
        sources[story].add(source or "")
    latest = np.full(count, -np.inf)
    np.maximum.at(latest, of, pool.times)
    distinct = np.asarray([len(s) for s in sources], dtype=np.int64)
    importance = 1.0 + 0.25 * np.log(np.maximum(sizes, 1)) + 0.25 * np.log(np.maximum(distinct, 1))
    return Stories(
        of=of.astype(np.int64), sizes=sizes, sources=distinct, latest=latest, importance=importance
    )

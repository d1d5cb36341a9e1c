"""BM25 against plain reference formulas, written out term by term over a random pool."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import numpy as np
import pytest

from prism.nlp.vectors import rarity
from prism.recommend import bm25
from prism.recommend.pool import Pool, build_pool
from prism.records import PoolRow

WORDS = [
    "금리",
    "기준금리",
    "금리인상",
    "환율",
    "수출",
    "반도체",
    "배터리",
    "고용",
    "물가",
    "주가",
    "연금",
    "금",
]


def random_rows(seed: int, n: int = 30) -> list[PoolRow]:
    rng = random.Random(seed)
    found = []
    for i in range(n):
        body = {w: rng.randint(1, 5) for w in rng.sample(WORDS, rng.randint(0, 6))}
        body[f"고유{i}"] = rng.randint(1, 9)  # lengths differ from text to text
        title = rng.sample(WORDS, rng.randint(0, 2))
        about = rng.sample(sorted(body), min(2, len(body)))
        found.append(
            PoolRow(
                id=i,
                external_id=None,
                title=" ".join(title),
                url=None,
                source=None,
                time=datetime(2026, 11, 27, tzinfo=UTC),
                canonical_of=None,
                content_hash=f"sha256:{i:064d}",
                topic=None,
                keyphrases=[[term, 1 / len(about)] for term in about],
                title_terms=[title, title],
                counts=body,
                terms={t: 1.0 for t in body},
            )
        )
    return found


def plain_reference(rows: list[PoolRow], terms: list[str], k1: float = 1.2, b: float = 0.75) -> list[float]:
    """Textbook BM25: title terms count once each in tf and length; IDF ln(1 + (N − df + ½)/(df + ½))."""
    docs = []
    for r in rows:
        tf = dict(r.counts)
        for t in dict.fromkeys(r.title_terms[0]):
            tf[t] = tf.get(t, 0) + 1
        docs.append((tf, sum(r.counts.values()) + len(set(r.title_terms[0]))))
    average = sum(length for _, length in docs) / len(docs)
    wanted = {t for t in terms} | {t.replace(" ", "") for t in terms}
    scores = []
    for tf, length in docs:
        total = 0.0
        for t in sorted(wanted):
            df = sum(1 for other, _ in docs if other.get(t, 0) > 0)
            if not df or not tf.get(t):
                continue
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            total += idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * length / average))
        scores.append(total)
    return scores


def ours_reference(rows: list[PoolRow], matched: dict[str, float]) -> list[float]:
    """Ours: weight × background IDF × (saturated body tf + title bonus + ABOUT × keyphrase weight)."""
    average = sum(sum(r.counts.values()) for r in rows) / len(rows)
    scores = []
    for r in rows:
        length = sum(r.counts.values())
        norm = bm25.K1 * (1 - bm25.B + bm25.B * length / average)
        about = {str(t): float(w) for t, w in r.keyphrases}
        total = 0.0
        for term, weight in matched.items():
            gain = 0.0
            if term in r.counts:
                tf = r.counts[term]
                gain += tf * (bm25.K1 + 1) / (tf + norm)
            if term in r.title_terms[0]:
                gain += bm25.TITLE_BONUS
            gain += bm25.ABOUT * about.get(term, 0.0)
            total += weight * rarity(term) * gain
        scores.append(total)
    return scores


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    "terms", [["금리"], ["환율", "수출"], ["반도체", "배터 리", "없는말"], ["주가 연금"]]
)
def test_plain_matches_the_textbook_formula(seed: int, terms: list[str]) -> None:
    rows = random_rows(seed)
    pool = build_pool(rows)
    assert bm25.plain(pool, terms) == pytest.approx(plain_reference(rows, terms), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_ours_matches_its_formula(seed: int) -> None:
    rows = random_rows(seed)
    pool = build_pool(rows)
    index = bm25.BM25().fit(pool)
    matched = {"환율": 3.0, "반도체": 1.0, "금리": 2.0}
    by_column = {pool.vocabulary.index[t]: w for t, w in matched.items() if t in pool.vocabulary.index}
    assert index.scores(by_column) == pytest.approx(ours_reference(rows, matched), rel=1e-12)


def test_a_term_inside_a_compound_counts_half() -> None:
    pool = build_pool(random_rows(0))
    found = bm25.BM25().fit(pool).match({"금리": 2.0, "금": 1.0})
    terms = {pool.vocabulary.terms[c]: w for c, w in found.items()}
    # 기준금리 ends in 금리 (its head), 금리인상 holds it inside; a one-letter term matches only itself.
    assert terms == {"금리": 2.0, "기준금리": 1.0, "금리인상": 1.0, "금": 1.0}


def test_query_is_match_then_scores_and_cached() -> None:
    index = bm25.BM25().fit(build_pool(random_rows(1)))
    terms = {"금리": 1.0, "수출": 2.0}
    assert np.array_equal(index.query(terms), index.scores(index.match(terms)))
    assert index.match(dict(terms)) is index.match(terms)


def test_no_match_scores_zero() -> None:
    pool: Pool = build_pool(random_rows(2))
    assert not bm25.plain(pool, ["없는말"]).any()
    assert not bm25.BM25().fit(pool).query({"없는말": 1.0}).any()


def test_formula_parts() -> None:
    assert bm25.idf([1, 3], 3) == pytest.approx([math.log(1 + 2.5 / 1.5), math.log(1 + 0.5 / 3.5)])
    norm = bm25.length_norm(np.array([1.0, 3.0]))
    assert norm == pytest.approx([1.2 * (0.25 + 0.75 * 0.5), 1.2 * (0.25 + 0.75 * 1.5)])
    assert bm25.saturate(np.array([2.0]), np.array([1.0])) == pytest.approx([2 * 2.2 / 3])

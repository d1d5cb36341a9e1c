"""Selection: MMR over stories, the first article of each story, kinds."""

from __future__ import annotations

import numpy as np
import pytest

from prism.recommend.pool import build_pool
from prism.recommend.select import by_score, cosines, first_of_each_story, kinds, mmr
from prism.recommend.stories import cluster, distinctive
from tests.pools import STOCKS, row, synthetic_pool


def test_kinds_are_three_of_interest_then_reference() -> None:
    assert kinds(6) == ["interest"] * 3 + ["reference"] * 3
    assert kinds(2) == ["interest"] * 2
    assert kinds(4, interest=1) == ["interest"] + ["reference"] * 3


def test_by_score_breaks_ties_by_position() -> None:
    assert by_score([4, 1, 2], np.array([0, 1.0, 2.0, 0, 1.0])) == [2, 1, 4]


def test_first_of_each_story() -> None:
    story_of = np.array([0, 0, 1, 2, 1, 3])
    assert first_of_each_story(np.array([4, 1, 0, 2, 3, 5]), story_of, n=3) == [4, 1, 3]
    assert first_of_each_story(np.array([1, 0]), story_of, n=6) == [1]


def test_mmr_with_lambda_one_is_the_best_of_each_story_by_score() -> None:
    pool = synthetic_pool()
    stories = cluster(pool)
    score = np.linspace(1.0, 2.0, len(pool))
    chosen = mmr(pool, score, stories.of, n=5, mmr_lambda=1.0, affair_picks=None)
    assert chosen == first_of_each_story(np.argsort(-score, kind="stable"), stories.of, n=5)


def test_mmr_skips_excluded_and_stops_at_the_last_story() -> None:
    pool = build_pool([row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(4)])
    score = np.array([1.0, -np.inf, 0.5, 0.2])
    assert sorted(mmr(pool, score, cluster(pool).of, n=6)) == [0, 2, 3]


def test_mmr_trades_score_for_novelty() -> None:
    # Articles 0 and 1 share their interest terms (cosine 0.25), 2 shares nothing but a common word;
    # each is its own story here, and 2 scores least.
    rows = [
        row(0, ["코스피", "주가"], text="a"),
        row(1, ["코스피", "주가"], text="b"),
        row(2, ["연금", "노후"]),
    ]
    pool = build_pool(rows)
    separate = np.arange(3)
    score = np.array([1.0, 0.99, 0.9])
    assert mmr(pool, score, separate, n=2, mmr_lambda=1.0) == [0, 1]
    assert mmr(pool, score, separate, n=2, mmr_lambda=0.5) == [0, 2]


def test_cosines_of_normalized_vectors() -> None:
    pool = synthetic_pool()
    texts = np.arange(pool.texts)
    same = cosines(pool, texts, 0)
    assert same[0] == pytest.approx(1.0)
    assert (same[1:] < 1.0).all()


@pytest.mark.parametrize(
    ("term", "names_one_fact"),
    [
        *[("5098만", True), ("89만8700", True), ("45억4500만", True), ("9308", True), ("12.5", True)],
        *[("3000만", False), ("1조9000억", False), ("2018", False), ("1천500만", False), ("반도체", False)],
    ],
)
def test_distinctive_figures(term: str, names_one_fact: bool) -> None:
    assert distinctive(term) is names_one_fact


def test_one_distinctive_figure_makes_one_story() -> None:
    """Two articles reporting the same 5098만 are one story though they share too few words for
    `similar_texts`; two sharing a round 3000만 are not."""
    pool = build_pool(
        [
            row(0, ["반도체", "5098만"]),
            row(1, ["반도체", "5098만"], text="b"),
            row(2, ["조선", "3000만"], text="c"),
            row(3, ["조선", "3000만"], text="d"),
        ]
    )
    of = cluster(pool).of
    assert of[0] == of[1]
    assert of[2] != of[3] and of[0] != of[2]


def test_never_a_third_pick_from_one_affair() -> None:
    """Three stories of one affair (each as close as AFFAIR_SIMILARITY to the others) give two picks;
    the third place goes to the best story outside it, though it scores less."""
    rows = [
        row(0, ["삼성바이오", "분식회계"], text="a"),
        row(1, ["삼성바이오", "분식회계"], text="b"),
        row(2, ["삼성바이오", "분식회계"], text="c"),
        row(3, ["코스피", "마감"], text="d"),
    ]
    pool = build_pool(rows)
    separate = np.arange(4)  # four stories
    score = np.array([1.0, 0.99, 0.98, 0.5])
    assert mmr(pool, score, separate, n=3, mmr_lambda=1.0) == [0, 1, 3]
    # With no other story left, a third of the affair is better than no pick.
    assert mmr(pool, score, separate, n=4, mmr_lambda=1.0) == [0, 1, 3, 2]

"""Scoring: freshness, negative terms, feedback, topic priors and their product."""

from __future__ import annotations

import numpy as np
import pytest

from prism.recommend import score
from prism.recommend.personas import Persona
from tests.pools import STOCKS, persona, synthetic_pool


def test_freshness_halves_its_decaying_part_every_half_life() -> None:
    hour = 3600.0
    times = np.array([0.0, -score.FRESHNESS_HALF_LIFE_H * hour, -1e9])
    assert score.freshness(times) == pytest.approx([1.0, 0.75, 0.5])
    # `now` earlier than the latest article never makes an article younger than the latest.
    assert score.freshness(times, now=-1e12)[0] == 1.0
    assert score.freshness(np.array([0.0]), now=score.FRESHNESS_HALF_LIFE_H * hour) == pytest.approx([0.75])


def test_negative_terms_take_off_relevance_never_below_zero() -> None:
    got = score.penalized(np.array([2.0, 1.0]), np.array([1.0, 4.0]))
    assert got.tolist() == [2.0 - score.NEGATIVE, 0.0]


def test_feedback_tilts_and_pulls() -> None:
    relevance = np.array([1.0, 0.0, 2.0])
    similarity = np.array([0.0, 0.5, -0.5])
    got = score.tilted(relevance, similarity)
    assert got[0] == 1.0
    assert got[1] == pytest.approx(score.FEEDBACK_PULL * 2.0 * 0.5)
    assert got[2] == pytest.approx(2.0 * np.exp(-score.FEEDBACK_TILT * 0.5))


def test_feedback_similarity_is_the_cosine_with_the_text_vectors() -> None:
    pool = synthetic_pool()
    columns, weights = pool.vectors.row(0)
    vector = {pool.vocabulary.terms[c]: float(w) for c, w in zip(columns, weights, strict=True)}
    similarity = score.feedback_similarity(pool, vector | {"없는말": 1.0})
    assert similarity[0] == pytest.approx(1.0)
    assert similarity.argmax() == 0


def test_topic_prior_defaults_to_half() -> None:
    reader = Persona(key="r", name="r", interests={"주가": 1}, topics={"경제": 1.0}, expand=False)
    assert score.topic_prior(reader, ["경제", None, "사회"]).tolist() == [1.0, 0.5**0.5, 0.5**0.5]


def test_combined_maps_texts_to_articles() -> None:
    got, relevance = score.combined(
        np.array([1.0, 2.0]), np.array([1.0, 0.5]), np.array([1, 0, 1]), np.array([1.0, 2.0, 1.0]), np.ones(3)
    )
    assert relevance.tolist() == [2.0, 1.0, 2.0]
    assert got.tolist() == [1.0, 2.0, 1.0]


def test_interests_stay_as_given_without_widening() -> None:
    reader = persona("investor", STOCKS)
    assert score.expanded_interests(reader) == dict(reader.interests)

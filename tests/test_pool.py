"""The pool: accessors by article, and sparse rows."""

from __future__ import annotations

import numpy as np

from prism.recommend.pool import Sparse, build_pool
from tests.pools import row


def test_accessors_follow_an_article_to_its_shared_text() -> None:
    copy = row(7, ["연금", "노후"], text="sha256:" + "0" * 64)
    pool = build_pool([row(0, ["코스피", "주가"]), row(5, ["연금", "노후"]), copy])
    assert pool.texts == 2 and len(pool) == 3
    assert [pool.article_id(i) for i in range(3)] == [0, 5, 7]
    assert [pool.text_row(i) for i in range(3)] == [0, 1, 0]
    assert pool.content_hash(2) == pool.content_hash(0) == "sha256:" + "0" * 64
    assert pool.topic_of(1) == "경제"
    assert pool.keyphrases_of(1) == [("연금", 0.6), ("노후", 0.4)]


def test_entries_of_rows() -> None:
    matrix = Sparse(np.array([0, 2, 2, 3]), np.array([4, 5, 6]), np.array([1.0, 2.0, 3.0]))
    indices, values, owners = matrix.entries(np.array([2, 0, 1]))
    assert indices.tolist() == [6, 4, 5]
    assert values.tolist() == [3.0, 1.0, 2.0]
    assert owners.tolist() == [0, 1, 1]
    assert [a.tolist() for a in matrix.entries(np.array([1]))] == [[], [], []]

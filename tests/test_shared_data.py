"""The real development data in ../shared: all 1,360 articles stored with their ids, idempotently."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from prism.config import Settings
from prism.store import articles as queries
from tests.conftest import NEWS_8CLASS
from tests.helpers import run_ingest

pytestmark = pytest.mark.skipif(
    not NEWS_8CLASS.exists(), reason=f"{NEWS_8CLASS} is absent (../shared not here)"
)


def test_news_8class_ingests_every_article_once(engine: Engine, settings: Settings) -> None:
    ids = [json.loads(line)["id"] for line in NEWS_8CLASS.read_text(encoding="utf-8").split("\n") if line]
    first = run_ingest(engine, settings, NEWS_8CLASS)
    assert (first.ingested, first.duplicates, first.rejected) == (1360, 0, [])
    # The data holds the same text under different ids (one story filed in two sections): kept, but linked.
    assert first.near_duplicates >= 18
    second = run_ingest(engine, settings, NEWS_8CLASS)
    assert second.as_dict() == {"ingested": 0, "duplicates": 1360, "near_duplicates": 0, "rejected": []}
    with engine.connect() as conn:
        assert queries.count_articles(conn) == 1360
        stored = {a.external_id for a in queries.list_articles(conn, limit=2000)}
        sample = queries.get_article(conn, key="kn-1-1046")
    assert stored == set(ids)
    assert sample is not None and sample.category == "경제"
    assert sample.extra == {"dataset": "korean-news-classification-2018"}

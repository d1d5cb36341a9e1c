"""Editions of every reader type over the shared real articles (1,360 of them): the same invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from prism.config import get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store import open_engine
from prism.store.schema import articles
from tests.conftest import NEWS_8CLASS
from tests.editions import assert_edition


@pytest.mark.skipif(not NEWS_8CLASS.exists(), reason=f"{NEWS_8CLASS} is absent (../shared not here)")
def test_every_reader_type_on_the_shared_articles(tmp_path: Path) -> None:
    settings = get_settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'prism.db'}")
    engine = open_engine(settings.resolved_database_url)
    report = ingest([str(NEWS_8CLASS)], engine=engine, settings=settings)
    assert report.ingested == 1360
    editions = build_editions(
        engine, settings, list(load_personas().values()), day=settings_day(), window="all"
    )
    with engine.connect() as conn:
        bodies = {row.id: row.body for row in conn.execute(select(articles.c.id, articles.c.body))}
    engine.dispose()
    assert len(editions) == 8
    for briefing in editions:
        assert_edition(briefing, bodies)


def settings_day():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2018, 5, 20)

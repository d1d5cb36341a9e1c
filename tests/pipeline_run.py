"""Build the editions of every packaged reader type from some input files, the way the daily run does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from prism.config import get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.records import Briefing
from prism.store import articles as queries
from prism.store import open_engine


def briefings_for(home: Path, inputs: Sequence[Path], *, day: date | None, window: str) -> list[Briefing]:
    """Ingest `inputs` into a fresh SQLite store and build every reader type's edition for `day`
    (default: the day of the latest article, as `prism demo` does)."""
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}")
    engine = open_engine(settings.resolved_database_url)
    try:
        ingest([str(path) for path in inputs], engine=engine, settings=settings)
        if day is None:
            with engine.connect() as conn:
                stored = queries.list_articles(conn, limit=100_000)
            kst = ZoneInfo(settings.timezone)
            day = max(a.published_at for a in stored if a.published_at).astimezone(kst).date()
        return build_editions(engine, settings, list(load_personas(home).values()), day=day, window=window)
    finally:
        engine.dispose()

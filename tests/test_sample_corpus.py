"""The packaged demo corpus: fictional, well-formed, and carrying the structure the demo relies on."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib.resources import files
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from prism.cli.demo import sample_corpus
from prism.config import Settings
from prism.store import articles as queries
from tests.helpers import run_ingest

SAMPLE = files("prism") / "data" / "sample"


def rows() -> list[dict[str, str]]:
    found = []
    for name in ("articles-a.jsonl", "articles-b.jsonl"):
        found += [json.loads(line) for line in (SAMPLE / name).read_text(encoding="utf-8").splitlines()]
    return found


def test_sixty_unique_articles_with_realistic_form() -> None:
    articles = rows()
    assert len(articles) == 60
    assert len({a["id"] for a in articles}) == 60 and len({a["url"] for a in articles}) == 60
    for article in articles:
        sentences = re.findall(r"다[.!?]", article["body"])  # Korean news sentences end in -다.
        assert 6 <= len(sentences) <= 16, article["id"]
        assert all(host in article["url"] for host in ("example",)), "fictional domains only"
    bodies = "\n".join(a["body"] for a in articles)
    assert re.search(r"[가-힣]{2,4} 기자 [a-z0-9.]+@example\.(com|kr)", bodies)  # bylines with e-mail
    assert "사진=" in bodies and "무단" in bodies and "▶" in bodies


def test_readme_says_fiction() -> None:
    assert "fiction" in (SAMPLE / "README.md").read_text(encoding="utf-8").lower()


def test_ingested_corpus_spans_one_week(engine: Engine, settings: Settings) -> None:
    report = run_ingest(engine, settings, sample_corpus())
    assert (report.ingested, report.near_duplicates, report.rejected) == (60, 2, [])
    assert [w.reason.split(":")[0] for w in report.warnings] == ["skipped"]  # the folder's README.md
    with engine.connect() as conn:
        stored = queries.list_articles(conn, limit=100)
    days = {a.published_at.astimezone(ZoneInfo("Asia/Seoul")).date() for a in stored if a.published_at}
    assert min(days) == date(2026, 11, 21) and max(days) == date(2026, 11, 27)
    linked = {a.external_id: a.canonical_of for a in stored if a.canonical_of}
    by_id = {a.id: a.external_id for a in stored}
    assert {k: by_id[v] for k, v in linked.items()} == {"prism-029": "prism-007", "prism-060": "prism-045"}
    assert not any("utm_" in (a.url or "") or "fbclid" in (a.url or "") for a in stored)

"""The JSON API keeps the conventions its users expect, on a real server over SQLite and PostgreSQL:
schemas in OpenAPI, pages with a total, HEAD, ETag/Last-Modified with 304, problem+json errors with 400
for bad values, gzip, and Swagger UI served from the app itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store import articles as stored
from prism.store import editions, write_transaction
from prism.web.app import create_app
from prism.web.models import ArticleOut, ArticlePage, EditionOut, EditionPage, PersonaOut
from tests.helpers import serving

DAY = date(2026, 11, 27)
PUBLISHED = ["retiree", "startup-founder", "executive"]


@pytest.fixture
def api(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    personas = load_personas()
    build_editions(engine, publishing, [personas[key] for key in PUBLISHED], day=DAY, window="7d")
    build_editions(
        engine, settings, [personas["retiree"]], day=DAY + timedelta(days=1), window="7d"
    )  # a draft
    with serving(create_app(settings, engine)) as client:
        yield client


def walk(client: httpx.Client, path: str, limit: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Every item of a paged list, and the total each page reported."""
    items: list[dict[str, Any]] = []
    totals: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = client.get(path, params=params).json()
        assert len(page["items"]) <= limit
        items += page["items"]
        totals.append(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items, totals


def test_answers_match_the_schemas_openapi_shows(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    for name in ("EditionOut", "EditionPage", "ArticleOut", "ArticlePage", "PersonaOut", "Problem"):
        assert name in schema["components"]["schemas"], name
    for path in ("/api/v1/editions", "/api/v1/editions/{persona}/{day}", "/api/v1/articles/{article_id}"):
        answers = schema["paths"][path]["get"]["responses"]
        assert "$ref" in str(answers["200"]["content"]["application/json"]["schema"])
        assert "application/problem+json" in answers["404"]["content"]
    # Every answer validates against its model (unknown fields are refused).
    listing = EditionPage.model_validate(api.get("/api/v1/editions").json())
    [PersonaOut.model_validate(p) for p in api.get("/api/v1/personas").json()]
    one = EditionOut.model_validate(api.get("/api/v1/editions/retiree/2026-11-27").json())
    assert one in listing.items
    articles = ArticlePage.model_validate(api.get("/api/v1/articles").json())
    ArticleOut.model_validate(api.get(f"/api/v1/articles/{articles.items[0].id}").json())


def test_editions_come_in_pages_with_a_total(api: httpx.Client) -> None:
    everything = api.get("/api/v1/editions", params={"limit": 100}).json()
    assert everything["total"] == len(PUBLISHED) and everything["next_cursor"] is None
    assert sorted(e["persona"] for e in everything["items"]) == sorted(PUBLISHED)  # drafts never listed
    items, totals = walk(api, "/api/v1/editions", limit=1)
    assert items == everything["items"] and totals == [len(PUBLISHED)] * len(PUBLISHED)
    only = api.get("/api/v1/editions", params={"persona": "executive", "day": "2026-11-27"}).json()
    assert only["total"] == 1 and only["items"][0]["persona"] == "executive"
    assert api.get("/api/v1/editions", params={"day": "2026-11-28"}).json() == {
        "items": [],
        "total": 0,
        "next_cursor": None,
    }


def test_articles_come_in_pages_newest_first(api: httpx.Client, engine: Engine) -> None:
    with engine.connect() as conn:
        stored_count = stored.count_articles(conn)
    items, totals = walk(api, "/api/v1/articles", limit=7)
    assert set(totals) == {stored_count} and len(items) == stored_count
    assert len({a["id"] for a in items}) == stored_count  # no article twice across pages
    times = [a["published"] for a in items if a["published"]]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/api/v1/editions", {"day": "yesterday"}, "day"),
        ("/api/v1/editions", {"day": "2026-02-30"}, "day"),
        ("/api/v1/editions", {"limit": 0}, "limit"),
        ("/api/v1/editions", {"limit": 101}, "limit"),
        ("/api/v1/editions", {"limit": "many"}, "limit"),
        ("/api/v1/editions", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/v1/articles", {"cursor": "WyJ4IiwgMV0"}, "cursor"),  # ["x", 1]: the right shape, no time
        ("/api/v1/articles", {"limit": -5}, "limit"),
        ("/api/v1/editions/retiree/2026-13-40", {}, "day"),
    ],
)
def test_bad_query_values_are_400_problems_naming_the_value(
    api: httpx.Client, path: str, params: dict[str, Any], name: str
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request" and problem["type"] == "about:blank"
    assert name in problem["detail"]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/v1/editions?persona=astronaut", "no reader type 'astronaut'"),
        ("/api/v1/editions/astronaut/2026-11-27", "no reader type 'astronaut'"),
        ("/api/v1/editions/retiree/2026-11-28", "no published edition"),  # a draft
        ("/api/v1/nothing-here", "Not Found"),
    ],
)
def test_missing_things_are_404_problems(api: httpx.Client, path: str, detail: str) -> None:
    response = api.get(path)
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/editions/retiree/2026-11-27", "/api/v1/editions", "/feeds/retiree.xml", "/", "/api/docs"],
)
def test_head_answers_like_get_without_a_body(api: httpx.Client, path: str) -> None:
    got = api.get(path, headers={"Accept-Encoding": "identity"})
    head = api.head(path, headers={"Accept-Encoding": "identity"})
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers.get("etag") == got.headers.get("etag")


@pytest.mark.parametrize(
    "path", ["/api/v1/editions/retiree/2026-11-27", "/api/v1/editions", "/feeds/retiree.xml"]
)
def test_editions_and_feeds_answer_304_while_unchanged(api: httpx.Client, engine: Engine, path: str) -> None:
    first = api.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert parsedate_to_datetime(modified) <= datetime.now(UTC)
    again = api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert api.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert api.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert api.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110): a stale tag gets the new body.
    stale = {"If-None-Match": '"something-else"', "If-Modified-Since": modified}
    assert api.get(path, headers=stale).status_code == 200
    # An editor changes the edition: the tag changes and the old one gets the new body.
    with engine.connect() as conn:
        row = editions.published_edition(conn, persona="retiree", edition_date="2026-11-27")
    assert row is not None
    later = row.created_at + timedelta(hours=1)
    with write_transaction(engine) as conn:
        edited = replace(row.briefing, title=row.briefing.title + " (수정)")
        editions.replace_briefing(conn, edition_id=row.id, briefing=edited, article_ids=list(row.article_ids))
        editions.record_edit(conn, edition_id=row.id, editor_id=None, at=later, field="title", diff="-\n+")
    changed = api.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert parsedate_to_datetime(changed.headers["last-modified"]) == later.replace(microsecond=0)
    assert api.get(path, headers={"If-Modified-Since": modified}).status_code == 200


def test_large_answers_are_gzipped(api: httpx.Client) -> None:
    response = api.get("/api/v1/editions", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["total"] == len(PUBLISHED)  # httpx decoded it
    plain = api.get("/api/v1/editions", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == response.json()
    assert int(response.headers["content-length"]) < len(plain.content) / 3


def test_api_docs_are_served_from_the_app(api: httpx.Client) -> None:
    """The docs page names no other host: every file it loads is here (the docs work offline)."""
    page = api.get("/api/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for asset in assets:
        got = api.get(asset)
        assert got.status_code == 200 and got.content, asset
    assert "SwaggerUIBundle" in api.get("/api/docs/assets/swagger-ui-bundle.js").text
    assert '"/openapi.json"' in api.get("/static/api-docs.js").text

"""The JSON API on a real server: public editions and articles, token-only own editions, JSON errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine

from prism.accounts import create_token, sign_up
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.web.app import create_app
from tests.helpers import serving

PASSWORD = "correct horse battery"


@pytest.fixture
def api(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    build_editions(engine, publishing, [load_personas()["retiree"]], day=date(2026, 11, 27), window="7d")
    with serving(create_app(settings, engine)) as client:
        yield client


def test_public_endpoints(api: httpx.Client) -> None:
    keys = [p["key"] for p in api.get("/api/v1/personas").json()]
    assert "startup-founder" in keys and len(keys) == 8
    listing = api.get("/api/v1/editions").json()
    assert listing["total"] == 1 and listing["next_cursor"] is None
    [edition] = listing["items"]
    assert edition["persona"] == "retiree" and len(edition["keywords"]) == 5
    one = api.get("/api/v1/editions/retiree/2026-11-27").json()
    assert one == edition
    article = api.get(f"/api/v1/articles/{one['interest'][0]['id']}").json()
    assert article["id"] == one["interest"][0]["id"] and article["title"] == one["interest"][0]["title"]
    assert api.get("/api/docs").status_code == 200 and "openapi" in api.get("/openapi.json").text


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "/api/v1/editions/retiree/2020-01-01",
            404,
            "no published edition for persona 'retiree' on 2020-01-01",
        ),
        ("/api/v1/articles/nope", 404, "no article with id 'nope'"),
        ("/api/v1/me/briefing", 401, "a valid personal access token is required"),
    ],
)
def test_errors_are_json_that_name_the_problem(
    api: httpx.Client, path: str, status: int, message: str
) -> None:
    response = api.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and message in problem["detail"] and problem["instance"] == path


def test_own_edition_needs_the_readers_token(api: httpx.Client, engine: Engine) -> None:
    reader = sign_up(engine, email="r@example.com", password=PASSWORD, persona="retail-investor")
    token = create_token(engine, reader, name="laptop")
    assert api.get("/api/v1/me/briefing", headers={"Authorization": "Bearer prism_wrong"}).status_code == 401
    mine = api.get("/api/v1/me/briefing", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200 and mine.json()["persona"] == "reader-" + str(reader.id)
    assert len(mine.json()["interest"]) == 3


def test_tokens_belong_to_their_reader(api: httpx.Client, engine: Engine) -> None:
    other = sign_up(engine, email="other@example.com", password=PASSWORD)
    create_token(engine, other, name="theirs")
    page = api.get("/signup").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    api.post("/signup", data={"csrf": token, "email": "me@example.com", "password": PASSWORD})
    made = api.post("/me/tokens", data={"csrf": api.cookies["prism_csrf"], "name": "mine"})
    shown = re.search(r'<code id="new-token">(prism_[^<]+)</code>', made.text)
    assert made.status_code == 200 and shown
    me = api.get("/me").text
    assert "mine" in me and "theirs" not in me  # only one's own tokens are listed
    assert shown.group(1) not in me  # shown once
    # Revoking another reader's token (id 1) is not found; one's own (id 2) works.
    assert api.post("/me/tokens/1/revoke", data={"csrf": api.cookies["prism_csrf"]}).status_code == 404
    assert api.post("/me/tokens/2/revoke", data={"csrf": api.cookies["prism_csrf"]}).status_code == 303
    assert (
        api.get("/api/v1/me/briefing", headers={"Authorization": f"Bearer {shown.group(1)}"}).status_code
        == 401
    )

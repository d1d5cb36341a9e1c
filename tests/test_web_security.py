"""The web app as an attacker meets it, on a real server: security headers on every answer, CSRF tokens
bound to the session, no Host-header-built links, no raw control characters, and no 500 for odd ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select, update

from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions, enrich_pending
from prism.recommend.personas import load_personas
from prism.store import articles as stored
from prism.store.schema import articles, feedback
from prism.web.app import create_app
from tests.helpers import serving, write_jsonl

DAY = date(2026, 11, 27)
PASSWORD = "correct horse battery"
PUBLIC = "https://news.prism.example"


@pytest.fixture
def settings(home: Path) -> Settings:
    return get_settings(public_url=PUBLIC)


@pytest.fixture
def site(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    """The sample corpus with the retiree edition published."""
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    build_editions(engine, publishing, [load_personas()["retiree"]], day=DAY, window="7d")
    with serving(create_app(settings, engine)) as client:
        yield client


def form_token(client: httpx.Client, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no form on {path}"
    return found.group(1)


def sign_up(client: httpx.Client, email: str = "me@example.com") -> None:
    token = form_token(client, "/signup")
    done = client.post("/signup", data={"csrf": token, "email": email, "password": PASSWORD})
    assert done.status_code == 303


def log_in(client: httpx.Client, email: str = "me@example.com") -> None:
    token = form_token(client, "/login")
    done = client.post("/login", data={"csrf": token, "email": email, "password": PASSWORD})
    assert done.status_code == 303, done.text


PAGES = [
    "/",
    "/briefings/retiree/2026-11-27",
    "/feeds/retiree.xml",
    "/login",
    "/search?q=연금",
    "/articles/999999",  # a 404 page
    "/api/v1/personas",
    "/api/v1/editions/retiree/2020-01-01",  # a 404 problem
    "/api/docs",
    "/api/docs/assets/swagger-ui-bundle.js",
    "/static/api-docs.js",
    "/healthz",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(site: httpx.Client, path: str) -> None:
    response = site.get(path)
    policy = response.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["frame-ancestors"] == ["'none'"]  # the editor's publish buttons cannot be framed
    assert directives["script-src"] == ["'self'"]  # no inline or foreign script runs
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/", "/briefings/retiree/2026-11-27", "/login", "/signup", "/api/docs"])
def test_no_page_needs_an_inline_script(site: httpx.Client, path: str) -> None:
    """The policy allows scripts from files only, so a page must not rely on inline ones (nor on
    handlers such as onclick=)."""
    page = site.get(path).text
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", page)


def test_a_server_error_is_one_line_with_the_headers(sqlite_engine: Engine, settings: Settings) -> None:
    app = create_app(settings, sqlite_engine)

    def broken() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/v1/broken", broken)
    app.add_api_route("/broken", broken)
    with serving(app) as client:
        # uvicorn closes the connection after an error, so each request goes on a new one.
        api = httpx.get(client.base_url.join("/api/v1/broken"))
        page = httpx.get(client.base_url.join("/broken"))
    assert api.status_code == 500 and api.headers["content-type"] == "application/problem+json"
    assert api.json()["detail"] == "서버 오류가 발생했습니다. 잠시 뒤 다시 시도해 주세요."
    assert page.status_code == 500 and "서버 오류가 발생했습니다" in page.text
    for response in (api, page):
        assert "secret internal detail" not in response.text and "Traceback" not in response.text
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_csrf_token_is_bound_to_the_session_and_rotated_at_log_in(site: httpx.Client) -> None:
    anonymous = form_token(site, "/login")
    sign_up(site)  # signs in
    signed_in = form_token(site, "/me")
    assert signed_in != anonymous
    # The token of the visitor before log-in no longer works.
    assert site.post("/logout", data={"csrf": anonymous}).status_code == 403
    # A double-submitted pair of the attacker's choosing is not enough: the token must be the session's.
    forged = {"prism_session": site.cookies["prism_session"], "prism_csrf": "chosen"}
    with httpx.Client(base_url=site.base_url, cookies=forged) as attacker:
        assert attacker.post("/logout", data={"csrf": "chosen"}).status_code == 403
    # Another session of the same reader has its own token; neither works for the other.
    with httpx.Client(base_url=site.base_url) as other:
        log_in(other)
        theirs = form_token(other, "/me")
        assert theirs != signed_in
        assert other.post("/logout", data={"csrf": signed_in}).status_code == 403
    assert site.post("/logout", data={"csrf": signed_in}).status_code == 303
    # Logged out: the session's token is dead too, and the next visitor token is new.
    assert site.post("/login", data={"csrf": signed_in, "email": "x", "password": "y"}).status_code == 403
    assert form_token(site, "/login") not in (anonymous, signed_in)


def test_feed_and_preview_links_ignore_the_host_header(site: httpx.Client) -> None:
    """A client chooses the Host header, so links built from it could point readers anywhere."""
    evil = {"Host": "attacker.example"}
    feed = site.get("/feeds/retiree.xml", headers=evil).text
    links = re.findall(r'href="([^"]+)"', feed) + re.findall(r"<id>([^<]+)</id>", feed)
    assert links and all(link.startswith(f"{PUBLIC}/") for link in links), links
    edition = site.get("/briefings/retiree/2026-11-27", headers=evil).text
    assert f'<meta property="og:url" content="{PUBLIC}/briefings/retiree/2026-11-27">' in edition
    assert "attacker.example" not in feed + edition


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "/\t/evil"]
)
def test_feedback_never_redirects_off_site(site: httpx.Client, engine: Engine, target: str) -> None:
    sign_up(site)
    with engine.connect() as conn:
        [article] = stored.list_articles(conn, limit=1)
    token = form_token(site, "/me")
    form = {"csrf": token, "article_id": article.id, "kind": "up", "next": target}
    sent = site.post("/feedback", data=form)
    assert sent.status_code == 303 and sent.headers["location"] == "/me/briefing"


CONTROL = {"NUL": "\u0000", "ESC": "\u001b", "BEL": "\u0007", "DEL": "\u007f", "CSI": "\u009b"}


def test_control_characters_in_stored_text_never_reach_a_page(
    sqlite_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """SQLite keeps a NUL as given (whatever ingest does about it, an old store may hold one); the pages
    print the text around it, never the byte itself."""
    row = {
        "id": "ctl-1",
        "title": "국민연금 개편 확정",
        "body": "국민연금 보험료율이 오른다고 정부가 밝혔다.\n\n연금 수령 나이도 늦춰진다고 설명했다.",
        "published": "2026-11-27 09:00",
    }
    ingest([str(write_jsonl(tmp_path / "ctl.jsonl", [row]))], engine=sqlite_engine, settings=settings)
    enrich_pending(sqlite_engine, settings)
    noisy = "".join(CONTROL.values())
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(articles).values(
                title=f"국민연금 {noisy}[31m개편 확정", source=f"제어{noisy}일보", body=row["body"] + noisy
            )
        )
        article = stored.get_article(conn, key="ctl-1")
    assert article is not None and "\u0000" in article.title
    with serving(create_app(settings, sqlite_engine)) as client:
        pages = {
            "search": client.get("/search", params={"q": "국민연금"}),
            "article": client.get(f"/articles/{article.id}"),
            "query echo": client.get("/search", params={"q": f"없는말{noisy}"}),
        }
        api = client.get("/api/v1/articles/ctl-1")
    assert "국민연금 [31m개편 확정" in pages["search"].text and "제어일보" in pages["article"].text
    for name, response in pages.items():
        assert response.status_code == 200
        for label, char in CONTROL.items():
            assert char not in response.text, f"{label} in the {name} page"
    assert api.json()["title"] == article.title  # JSON escapes it: the API gives the text as stored


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/articles/²", 404),  # a digit to str.isdigit, not a number to int()
        ("/articles/١٢", 404),  # Arabic-Indic digits
        ("/articles/" + "9" * 20, 404),  # beyond BIGINT
        ("/articles/0", 404),
        ("/api/v1/articles/²", 404),
        ("/api/v1/articles/" + "9" * 20, 404),
        ("/briefings/retiree/" + "9" * 20, 404),
    ],
)
def test_odd_ids_are_not_found_never_a_server_error(site: httpx.Client, path: str, status: int) -> None:
    assert site.get(path).status_code == status


@pytest.mark.parametrize(
    ("article_id", "status", "message"),
    [
        ("999999", 404, "기사 999999을(를) 찾을 수 없습니다."),
        ("9" * 20, 400, "article_id"),
        ("²", 400, "article_id"),
        ("-1", 400, "article_id"),
    ],
)
def test_feedback_on_a_missing_article_is_a_clear_error(
    site: httpx.Client, engine: Engine, article_id: str, status: int, message: str
) -> None:
    sign_up(site)
    token = form_token(site, "/me")
    answer = site.post("/feedback", data={"csrf": token, "article_id": article_id, "kind": "up"})
    assert answer.status_code == status and message in answer.text
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(feedback)).scalar_one() == 0


def test_odd_ids_in_editor_and_token_routes_are_not_server_errors(site: httpx.Client) -> None:
    sign_up(site)
    token = form_token(site, "/me")
    assert site.post(f"/me/tokens/{'9' * 20}/revoke", data={"csrf": token}).status_code == 400
    assert site.post("/me/tokens/12345/revoke", data={"csrf": token}).status_code == 404

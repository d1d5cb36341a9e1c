"""The web app's pages over a real store: published editions only, highlights, errors, escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store import articles as stored
from prism.web.app import create_app
from prism.web.pages import FittedPools
from tests.helpers import serving, write_jsonl

DAY = date(2026, 11, 27)


@pytest.fixture
def site(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    """The sample corpus; retiree and startup-founder editions published, small-business a draft."""
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    personas = load_personas()
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    build_editions(
        engine, publishing, [personas["retiree"], personas["startup-founder"]], day=DAY, window="7d"
    )
    build_editions(engine, settings, [personas["small-business"]], day=DAY, window="7d")
    with serving(create_app(settings, engine)) as client:
        yield client


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_home_shows_published_editions_only(site: httpx.Client) -> None:
    page = site.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="ko">' in page.text
    assert "은퇴 준비자·시니어" in page.text and "스타트업 창업자" in page.text
    assert "자영업자·소상공인" not in page.text  # a draft
    assert "2026년 11월 27일" in page.text


def test_edition_page_and_archive(site: httpx.Client) -> None:
    page = site.get("/briefings/retiree/2026-11-27")
    assert page.status_code == 200
    body = text(page.text)
    for heading in ("은퇴 준비자·시니어 관심 뉴스", "은퇴 준비자·시니어 참고 뉴스", "키워드 TOP 5"):
        assert heading in body
    assert body.count("핵심 요약:") == 6
    assert len(re.findall(r'href="/articles/\d+\?ref=edition"', page.text)) == 6
    archive = site.get("/briefings/retiree")
    assert archive.status_code == 200 and 'href="/briefings/retiree/2026-11-27"' in archive.text
    assert site.get("/briefings/small-business/2026-11-27").status_code == 404  # drafts stay unseen


def test_article_page_highlights_its_summary(site: httpx.Client, engine: Engine) -> None:
    edition = site.get("/briefings/startup-founder/2026-11-27").text
    article_id = int(re.findall(r'href="/articles/(\d+)\?ref=edition"', edition)[0])
    page = site.get(f"/articles/{article_id}")
    assert page.status_code == 200
    marked = [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", page.text)]
    assert 1 <= len(marked) - 1 <= 4  # the legend's own <mark> plus the summary's sentences
    with engine.connect() as conn:
        article = stored.get_article(conn, key=f"#{article_id}")
    assert article is not None
    summary = text(page.text.split('id="summary">핵심 요약</h2>')[1].split("</p>")[0])
    for sentence in marked[1:]:
        assert sentence in article.body and sentence in summary


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/briefings/astronaut", "독자 유형 'astronaut'"),
        ("/briefings/retiree/2020-01-01", "2020-01-01 retiree 브리핑이 없습니다"),
        ("/articles/999999", "기사 999999"),
        ("/articles/not-a-number", "기사 not-a-number"),
    ],
)
def test_missing_pages_are_korean_404s(site: httpx.Client, path: str, message: str) -> None:
    page = site.get(path)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert message in text(page.text)


def test_hostile_article_text_is_escaped(engine: Engine, settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hostile = {
        "id": "x-1",
        "title": "<script>alert(1)</script> 국민연금 개편 <img src=x onerror=alert(2)>",
        "body": "국민연금 보험료율이 오른다고 정부가 밝혔다 <script>alert(3)</script>.\n\n"
        "연금 수령 나이도 늦춰진다고 설명했다.\n\n노후 준비에 변화가 생길 것으로 보인다고 전했다.",
        "published": "2026-11-27 09:00",
    }
    ingest([str(write_jsonl(tmp_path / "x.jsonl", [hostile]))], engine=engine, settings=settings)
    with engine.connect() as conn:
        article = stored.get_article(conn, key="x-1")
    assert article is not None
    from prism.nlp.enrich import enrich

    enrich(engine)
    with serving(create_app(settings, engine)) as client:
        page = client.get(f"/articles/{article.id}").text
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_atom_feed_per_reader_type(site: httpx.Client) -> None:
    import feedparser

    response = site.get("/feeds/retiree.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title.endswith("은퇴 준비자·시니어")
    [entry] = parsed.entries
    assert entry.link.endswith("/briefings/retiree/2026-11-27")
    assert "[은퇴 준비자·시니어 관심 뉴스]" in entry.content[0].value
    drafts = feedparser.parse(site.get("/feeds/small-business.xml").content)
    assert not drafts.bozo and drafts.entries == []  # drafts never reach a feed
    assert site.get("/feeds/astronaut.xml").status_code == 404


def _signed_in(client: httpx.Client, persona: str = "retiree") -> None:
    page = client.get("/signup")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    done = client.post(
        "/signup",
        data={
            "csrf": token.group(1),
            "email": "me@example.com",
            "password": "correct horse battery",
            "persona": persona,
        },
    )
    assert done.status_code == 303


def _pick_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="article_id" value="(\d+)"', page)]


def test_own_edition_starts_as_the_reader_type_and_follows_feedback(site: httpx.Client) -> None:
    _signed_in(site, "retiree")
    first = site.get("/me/briefing")
    assert first.status_code == 200 and "내 맞춤 브리핑" in first.text
    picks = _pick_ids(first.text)
    assert len(picks) == 6
    csrf = site.cookies["prism_csrf"]
    # Dislike everything shown: the next edition must change.
    for article_id in picks:
        voted = site.post("/feedback", data={"csrf": csrf, "article_id": article_id, "kind": "down"})
        assert voted.status_code == 303 and voted.headers["location"] == "/me/briefing"
    again = _pick_ids(site.get("/me/briefing").text)
    assert again != picks


def test_own_edition_is_written_again_only_when_what_makes_it_changes(
    site: httpx.Client, engine: Engine, settings: Settings
) -> None:
    app = create_app(settings, engine)
    with serving(app) as client:
        _signed_in(client, "retiree")
        first = _pick_ids(client.get("/me/briefing").text)
        assert _pick_ids(client.get("/me/briefing").text) == first
        assert app.state.own_editions.written == 1
        csrf = client.cookies["prism_csrf"]
        client.post("/feedback", data={"csrf": csrf, "article_id": first[0], "kind": "down"})
        again = _pick_ids(client.get("/me/briefing").text)
        assert first[0] not in again
        assert app.state.own_editions.written == 2


def test_own_edition_is_the_one_the_batch_built_until_the_reader_gives_feedback(
    site: httpx.Client, engine: Engine, settings: Settings
) -> None:
    from prism.pipeline import parse_date
    from prism.scale import editions as scale
    from prism.scale.executor import LocalExecutor
    from prism.store import reader_editions, reading

    app = create_app(settings, engine)
    with serving(app) as client:
        _signed_in(client, "startup-founder")
        today = parse_date(None, settings).isoformat()
        url = engine.url.render_as_string(hide_password=False)
        batch = get_settings(home=settings.home, database_url=url)
        try:
            report = scale.build_all(batch, day=today, window="24h", executor=LocalExecutor())
        finally:
            scale.forget()
        assert report.built == 1 and report.pieces == report.articles == 6
        with reading(engine) as conn:
            stored = reader_editions.get(conn, reader_id=1, edition_date=today)
        assert stored is not None
        page = client.get("/me/briefing")
        assert _pick_ids(page.text) == [p.article_id for p in stored.picks]
        assert app.state.own_editions.from_store == 1
        csrf = client.cookies["prism_csrf"]
        first = stored.picks[0].article_id
        client.post("/feedback", data={"csrf": csrf, "article_id": first, "kind": "down"})
        again = _pick_ids(client.get("/me/briefing").text)
        assert first not in again and len(again) == 6
        assert (app.state.own_editions.written, app.state.own_editions.from_store) == (2, 1)


def test_feedback_needs_a_reader_and_a_token(site: httpx.Client) -> None:
    anonymous = site.post("/feedback", data={"article_id": 1, "kind": "up"})
    assert anonymous.status_code in (303, 403)
    _signed_in(site)
    forged = site.post("/feedback", data={"csrf": "forged", "article_id": 1, "kind": "up"})
    assert forged.status_code == 403
    odd = site.post("/feedback", data={"csrf": site.cookies["prism_csrf"], "article_id": 1, "kind": "love"})
    assert odd.status_code == 400


def test_published_edition_offers_feedback_and_counts_clicks(site: httpx.Client, engine: Engine) -> None:
    from sqlalchemy import select

    from prism.store.schema import feedback

    assert 'action="/feedback"' not in site.get("/briefings/retiree/2026-11-27").text  # signed out: none
    _signed_in(site)
    page = site.get("/briefings/retiree/2026-11-27").text
    assert page.count('action="/feedback"') == 6
    article_id = _pick_ids(page)[0]
    assert site.get(f"/articles/{article_id}?ref=edition").status_code == 200
    with engine.connect() as conn:
        kinds = conn.execute(select(feedback.c.kind, feedback.c.article_id)).all()
    assert [(k, a) for k, a in kinds] == [("click", article_id)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("기준금리", "기준금리"),  # a compound, found as written
        ("조기노령연금 수급자", "조기노령연금"),
        ("가상자산 시세조종", "가상자산"),
    ],
)
def test_search_finds_articles_by_korean_terms(site: httpx.Client, query: str, expected: str) -> None:
    page = site.get("/search", params={"q": query})
    assert page.status_code == 200
    titles = re.findall(r'<a href="/articles/\d+">([^<]+)</a>', page.text)
    assert titles, page.text
    assert expected in unescape(titles[0])


def test_search_without_results_and_without_a_query(site: httpx.Client) -> None:
    assert "맞는 기사가 없습니다" in site.get("/search", params={"q": "존재하지않는낱말"}).text
    empty = site.get("/search")
    assert empty.status_code == 200 and 'name="q"' in empty.text
    hostile = site.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in hostile


def test_trends_chart_and_its_table_agree(site: httpx.Client) -> None:
    page = site.get("/trends", params={"days": 7})
    assert page.status_code == 200
    svg = page.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count("<polyline") == 5
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td>\d+</td>)+)</tr>', page.text)
    series = {
        unescape(term): [int(v) for v in re.findall(r"<td>(\d+)</td>", cells)] for term, cells in rows[:5]
    }
    assert len(series) == 5 and all(len(values) == 7 for values in series.values())
    for term in series:
        assert f">{term}</text>" in unescape(svg)  # every line is labelled with its keyword
    assert max(max(v) for v in series.values()) == int(
        re.search(r'text-anchor="end" font-size="12" fill="currentColor">(\d+)<', svg).group(1)
    )  # type: ignore[union-attr]
    # The topic mix of each published edition: 6 picks spread over the topics.
    mix = re.findall(r"<th scope=\"row\">[^<]+\(11-27\)</th>((?:<td>\d+</td>)+)", page.text)
    assert len(mix) == 2 and all(sum(int(v) for v in re.findall(r"\d+", cells)) == 6 for cells in mix)


def test_requests_never_analyse_and_see_each_enrichment(
    site: httpx.Client, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A request reads what the pipeline stored: a pending article stays pending (no Kiwi inside a
    request) and unseen; once the pipeline analyses it, the request that notices is served the previous
    pool while the new one is fitted in the background, and the requests after that find it."""
    from prism.nlp.enrich import pending_count
    from prism.pipeline import enrich_pending

    app = create_app(settings, engine)
    app.state.fitted_pools = FittedPools(app.state.refresher, pause=0, check=0)  # no pause, every check
    with serving(app) as client:
        assert "딥코어랩" in client.get("/search", params={"q": "딥코어랩"}).text  # the fitted pool is cached
        body = "펭귄제과가 올해 아이스크림 수출 1억 달러를 처음으로 넘겼다. 동남아 매출이 두 배로 늘었다."
        late = {"id": "late-1", "title": "펭귄제과 수출 첫 돌파", "published": "2026-11-27 10:00"}
        late["body"] = body
        ingest([str(write_jsonl(tmp_path / "late.jsonl", [late]))], engine=engine, settings=settings)
        assert pending_count(engine) == 1
        assert "펭귄제과 수출 첫 돌파" not in text(client.get("/search", params={"q": "펭귄제과"}).text)
        assert client.get("/").status_code == 200
        app.state.refresher.wait()
        assert pending_count(engine) == 1
        assert "펭귄제과 수출 첫 돌파" not in text(client.get("/search", params={"q": "펭귄제과"}).text)
        enrich_pending(engine, settings)
        noticed = client.get("/search", params={"q": "펭귄제과"})  # served the pool before the change
        assert "펭귄제과 수출 첫 돌파" not in text(noticed.text)
        app.state.refresher.wait()
        assert "펭귄제과 수출 첫 돌파" in text(client.get("/search", params={"q": "펭귄제과"}).text)

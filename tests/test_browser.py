"""Browser tests: Playwright drives Chromium headless against the app on 127.0.0.1.

Locally they skip when no Chromium is found; in CI (CI=true) they must run. With
`pytest tests/test_browser.py --screenshots docs/screenshots` they also refresh the committed screenshots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from prism.accounts import sign_up
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store import articles as stored
from prism.web.app import create_app
from tests.helpers import serving, write_jsonl

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium() -> str:
    found = (
        os.environ.get("PRISM_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("no Chromium in CI: .ci/run must install the chromium package")
        pytest.skip("browser tests skipped: no Chromium found (apt-get install chromium)")
    return found


@pytest.fixture
def browser() -> Iterator[Any]:
    path = chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    chosen = request.config.getoption("--screenshots")
    folder = Path(chosen) if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The sample corpus, every edition published but the executive one (a draft), and a hostile article."""
    engine = sqlite_engine
    hostile = {
        "id": "x-1",
        "title": '<script>alert("title")</script> 국민연금 <img src=x onerror=alert("img")>',
        "body": "국민연금 개편안이 나왔다고 정부가 밝혔다 <script>alert('body')</script>.\n\n"
        "보험료율이 오른다고 설명했다 <img src=x onerror=alert('b2')>.\n\n"
        "노후 준비에 변화가 생길 것으로 보인다.",
        "published": "2026-11-27 09:00",
    }
    ingest(
        [
            *(str(p) for p in sorted(sample_corpus().glob("*.jsonl"))),
            str(write_jsonl(tmp_path / "x.jsonl", [hostile])),
        ],
        engine=engine,
        settings=settings,
    )
    personas = load_personas()
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    day = date(2026, 11, 27)
    build_editions(
        engine, publishing, [p for k, p in personas.items() if k != "executive"], day=day, window="7d"
    )
    build_editions(engine, settings, [personas["executive"]], day=day, window="7d")
    sign_up(engine, email="editor@example.com", password=PASSWORD, role="editor")
    with engine.connect() as conn:
        found = stored.get_article(conn, key="x-1")
    assert found is not None
    with serving(create_app(settings, engine)) as client:
        yield str(client.base_url), found.id


def snap(page: Any, shots: Path, name: str, at: str | None = None) -> None:
    """Screenshots at phone and desktop widths, scrolled to `at` (a selector) when given."""
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        if at:
            page.locator(at).first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=False)


def test_reader_journey(browser: Any, site: tuple[str, int], shots: Path) -> None:
    site, hostile = site  # type: ignore[assignment]
    page = browser.new_page(viewport=DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "AI 프리즘 맞춤형 경제 브리핑"
    assert page.locator(".cards > li").count() == 7  # the executive draft is not there
    snap(page, shots, "home")
    # Sign up and pick a reader type.
    page.goto(site + "/signup")
    page.fill("input[name=email]", "reader@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=persona]", "retail-investor")
    page.click("button[type=submit]")
    assert page.url.endswith("/me")
    # The own edition before any feedback, then 👍 on a pick: the edition now says why it follows the
    # reader. (First, since opening an article from an edition is feedback too: a click.)
    page.goto(site + "/me/briefing")
    assert "내 맞춤 브리핑" in page.content()
    assert "👍 한 기사와 비슷해요" not in page.content()
    page.locator("form.feedback button[value=up]").first.click()
    assert page.url.endswith("/me/briefing")
    assert "👍 한 기사와 비슷해요" in page.content()
    snap(page, shots, "own-edition", at="form.feedback")
    # Read an edition and open a pick's article: its 핵심 요약 is highlighted.
    page.goto(site + "/briefings/retail-investor/2026-11-27")
    assert "개인 투자자 관심 뉴스" in page.content()
    snap(page, shots, "edition")
    page.locator("a", has_text="핵심 문장 표시된 기사 보기").first.click()
    assert page.locator("article mark").count() >= 2
    snap(page, shots, "article", at="article mark")
    # Hostile article text stays text: no dialog fires.
    page.goto(f"{site}/articles/{hostile}")
    assert "<script>alert(" in page.locator("h1").inner_text()
    assert dialogs == []


def test_editor_edits_and_publishes_and_the_reader_sees_it(
    browser: Any, site: tuple[str, int], shots: Path
) -> None:
    site, _ = site  # type: ignore[assignment]
    reader = browser.new_page(viewport=DESKTOP)
    assert reader.goto(site + "/briefings/executive/2026-11-27").status == 404  # a draft
    editor = browser.new_page(viewport=DESKTOP)
    editor.goto(site + "/login")
    editor.fill("input[name=email]", "editor@example.com")
    editor.fill("input[name=password]", PASSWORD)
    editor.click("button[type=submit]")
    editor.goto(site + "/editor")
    editor.locator("a", has_text="검토").first.click()
    editor.fill("input[name=heading-0]", "편집자가 다듬은 제목")
    editor.click("text=변경 저장")
    assert "sections[0].heading" in editor.content()
    editor.click("text=승인하고 발행")
    assert "발행됨" in editor.content()
    snap(editor, shots, "editor")
    reader.goto(site + "/briefings/executive/2026-11-27")
    assert "■ 편집자가 다듬은 제목" in reader.content()
    # A reader cannot reach the editor.
    reader.goto(site + "/signup")
    reader.fill("input[name=email]", "plain@example.com")
    reader.fill("input[name=password]", PASSWORD)
    reader.click("button[type=submit]")
    assert reader.goto(site + "/editor").status == 403


def csp_violations(page: Any) -> list[str]:
    """Collect what the browser reports as blocked by the Content-Security-Policy."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return found


def test_reader_sees_korean_time_other_outlets_and_keeps_bookmarks(
    browser: Any, site: tuple[str, int], shots: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    from zoneinfo import ZoneInfo

    from prism.pipeline import prepare

    site, _ = site  # type: ignore[assignment]
    # A story that several outlets covered, as the pipeline clusters the store.
    fitted = prepare(sqlite_engine, settings, day=date(2026, 11, 27), window="all")
    pool, of = fitted.pool, fitted.stories.of.tolist()
    outlets_of: dict[int, set[str | None]] = {}
    for i, story in enumerate(of):
        outlets_of.setdefault(story, set()).add(pool.sources[i])
    story = next(s for s, outlets in outlets_of.items() if len(outlets) > 1)
    members = [i for i, s in enumerate(of) if s == story]
    first, other = pool.article_id(members[0]), pool.article_id(members[1])
    with sqlite_engine.connect() as conn:
        article = stored.get_article(conn, key=f"#{first}")
    assert article is not None and article.published_at is not None
    korean = article.published_at.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M")

    page = browser.new_page(viewport=DESKTOP)
    blocked = csp_violations(page)
    page.goto(site + "/signup")
    page.fill("input[name=email]", "keeper@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert "아직 없습니다. 기사 페이지에서 ☆ 북마크를" in page.locator(".bookmarks").inner_text()
    # The edition names each pick's outlet.
    page.goto(site + "/briefings/retiree/2026-11-27")
    assert page.locator("#picks li .outlet").count() == page.locator("#picks li").count() == 6
    # The article: its time in Korean time, and the other outlets on the same story, linked.
    page.goto(f"{site}/articles/{first}")
    assert page.locator("article time").inner_text() == f"{korean} (한국 시간)"
    assert "UTC" not in page.locator("article .note").inner_text()
    heading = page.locator("#coverage").inner_text()
    assert heading == f"{len(outlets_of[story])}개 언론이 다룬 소식"
    snap(page, shots, "article-coverage", at="#coverage")
    page.locator("#coverage-section a").first.click()
    assert page.url.endswith(f"/articles/{other}")
    assert article.source in page.locator("#coverage-section").inner_text()  # and back again
    # Bookmark it; /me lists it; removing it empties the list.
    page.goto(f"{site}/articles/{first}")
    page.click("form.bookmark button")
    assert page.url.endswith(f"/articles/{first}")
    assert page.locator("form.bookmark button").inner_text() == "★ 북마크 해제"
    page.goto(site + "/me")
    kept = page.locator(".bookmarks li")
    assert kept.count() == 1 and article.title in kept.inner_text() and "(한국 시간)" in kept.inner_text()
    snap(page, shots, "bookmarks", at=".bookmarks")
    kept.locator("button").click()
    assert page.url.endswith("/me") and "아직 없습니다" in page.locator(".bookmarks").inner_text()
    assert blocked == []


def test_api_docs_render_offline_under_the_policy(browser: Any, site: tuple[str, int]) -> None:
    """Swagger UI draws every operation with no request leaving the machine and nothing blocked."""
    site, _ = site  # type: ignore[assignment]
    page = browser.new_page(viewport=DESKTOP)
    blocked = csp_violations(page)
    elsewhere: list[str] = []

    def only_here(route: Any) -> None:
        if route.request.url.startswith(site):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(site + "/api/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/editions/{persona}/{day}" in [p.replace("\u200b", "") for p in paths]
    assert elsewhere == [] and blocked == []

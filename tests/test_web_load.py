"""Many clients at once on a real server (uvicorn on 127.0.0.1): every answer arrives, a request holds one
database connection at a time, and the pool never runs dry, even while another process ingests and
enriches. Counts, not times: the timing is bench/web_load.py's."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event, func, select

from prism.accounts import log_in, sign_up
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store.schema import articles
from prism.web.app import create_app
from tests.helpers import korean_article, serving, write_jsonl

DAY = date(2026, 11, 27)
CLIENTS = 60  # more than the server's threads (40) and the engine's pool (5, and 10 more when busy)


@dataclass
class PoolWatch:
    """Counts the engine's checked-out connections: the most at once, overall and for one thread."""

    out: int = 0
    most: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, engine: Engine) -> PoolWatch:
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "checkin", self._checkin)
        return self

    def _checkout(self, *_: Any) -> None:
        with self.lock:
            self.out += 1
            self.most = max(self.most, self.out)

    def _checkin(self, *_: Any) -> None:
        with self.lock:
            self.out -= 1


@dataclass
class Site:
    client: httpx.Client  # anonymous
    base: str
    sessions: list[str]  # session cookies of signed-in readers
    article_ids: list[int]
    engine: Engine


@pytest.fixture
def site(engine: Engine, settings: Settings) -> Iterator[Site]:
    """The sample corpus with every reader type's edition published, and four signed-in readers."""
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    publishing = get_settings(home=settings.home, database_url=settings.database_url, auto_publish=True)
    personas = load_personas()
    chosen = [personas[key] for key in ("retiree", "startup-founder", "office-worker", "executive")]
    build_editions(engine, publishing, chosen, day=DAY, window="7d")
    sessions = []
    for n in range(4):
        email = f"reader{n}@example.com"
        sign_up(engine, email=email, password="correct horse battery", persona="retiree")
        sessions.append(log_in(engine, settings, email=email, password="correct horse battery")[1])
    with engine.connect() as conn:
        ids = list(conn.execute(select(articles.c.id).order_by(articles.c.id).limit(20)).scalars())
    with serving(create_app(settings, engine)) as client:
        yield Site(client, str(client.base_url), sessions, ids, engine)


def mixed_paths(site: Site, n: int) -> list[tuple[str, str | None]]:
    """(path, session cookie or None): editions, articles, /trends, /search and signed-in readers' pages."""
    anonymous = [
        "/",
        "/briefings/retiree/2026-11-27",
        "/trends",
        "/trends?days=30",
        "/search?q=반도체 수출",
        "/search?q=금리",
        "/feeds/retiree.xml",
        "/api/v1/editions",
        "/healthz",
    ]
    signed_in = ["/me/briefing", "/me", "/briefings/retiree/2026-11-27", "/trends"]
    paths: list[tuple[str, str | None]] = []
    for i in range(n):
        if i % 3 == 0:
            paths.append((signed_in[i % len(signed_in)], site.sessions[i % len(site.sessions)]))
        elif i % 3 == 1:
            paths.append((f"/articles/{site.article_ids[i % len(site.article_ids)]}", None))
        else:
            paths.append((anonymous[i % len(anonymous)], None))
    return paths


async def fetch_all(base: str, paths: list[tuple[str, str | None]]) -> Counter[str]:
    """Send every request at once, one client connection each; count the answers by status (or error)."""

    async def one(path: str, session: str | None) -> str:
        cookies = {"prism_session": session} if session else None
        async with httpx.AsyncClient(base_url=base, timeout=120, cookies=cookies) as client:
            try:
                return str((await client.get(path)).status_code)
            except httpx.HTTPError as exc:
                return type(exc).__name__

    return Counter(await asyncio.gather(*(one(path, session) for path, session in paths)))


def test_a_request_holds_one_connection_at_a_time(site: Site) -> None:
    watch = PoolWatch().attach(site.engine)
    reader = httpx.Client(base_url=site.base, cookies={"prism_session": site.sessions[0]}, timeout=60)
    with reader:
        for path, session in mixed_paths(site, 26):
            client = reader if session else site.client
            assert client.get(path).status_code == 200, path
        clicked = reader.get(f"/articles/{site.article_ids[0]}?ref=edition")  # a signed-in click is written
        assert clicked.status_code == 200
        liked = reader.post(
            "/feedback",
            data={"csrf": reader.cookies["prism_csrf"], "article_id": site.article_ids[1], "kind": "up"},
        )
        assert liked.status_code == 303
    assert watch.most == 1
    assert watch.out == 0  # every connection went back to the pool


def test_many_clients_on_every_page_at_once(site: Site) -> None:
    watch = PoolWatch().attach(site.engine)
    answers = asyncio.run(fetch_all(site.base, mixed_paths(site, CLIENTS)))
    assert answers == Counter({"200": CLIENTS})
    # Requests wait for admission, not for connections: the pool's overflow is never needed.
    assert 1 <= watch.most <= site.engine.pool.size()  # type: ignore[attr-defined]


def test_many_clients_on_trends_alone(site: Site) -> None:
    """The issue's case: 40 anonymous clients on /trends took the site down for everyone."""
    paths: list[tuple[str, str | None]] = [("/trends", None)] * CLIENTS
    paths += [(f"/articles/{site.article_ids[5]}", None)] * 10
    answers = asyncio.run(fetch_all(site.base, paths))
    assert answers == Counter({"200": CLIENTS + 10})


def test_readers_are_served_while_another_process_ingests_and_enriches(
    site: Site, tmp_path: Path, database_url: str
) -> None:
    incoming = write_jsonl(tmp_path / "more.jsonl", [korean_article(n) for n in range(300)])
    with site.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(articles)).scalar_one()
    prism = [sys.executable, "-m", "prism"]
    runs: list[subprocess.CompletedProcess[str]] = []

    def write() -> None:  # another process, as `prism ingest` and `prism enrich` run beside `prism serve`
        for args in (["ingest", str(incoming)], ["enrich"]):
            runs.append(
                subprocess.run([*prism, *args, "--database", database_url], capture_output=True, text=True)
            )

    writer = threading.Thread(target=write)
    writer.start()
    answers: Counter[str] = Counter()
    rounds = 0
    while writer.is_alive() or rounds < 2:
        answers += asyncio.run(fetch_all(site.base, mixed_paths(site, 40)))
        rounds += 1
    writer.join()
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    with site.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar_one() == before + 300
    assert answers == Counter({"200": 40 * rounds})

"""Feeds and pages fetched from a real HTTP server on 127.0.0.1; refusal of private addresses."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Engine

from prism.config import Settings, get_settings
from prism.ingest.fetch import is_public_address
from prism.store import articles as queries
from tests.helpers import run_ingest

RESOURCES = Path(__file__).with_name("resources")


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    seen: list[dict[str, str]]

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    routes: dict[str, Route] = {}
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            route = routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            time.sleep(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *_: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", routes, seen)
    finally:
        httpd.shutdown()
        httpd.server_close()


def feed(server: Server, items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>로컬경제</title>'
        f"<link>{server.base}/</link>{items}</channel></rss>"
    ).encode()


def test_private_addresses_are_refused(server: Server, sqlite_engine: Engine, settings: Settings) -> None:
    server.routes["/feed.xml"] = Route(
        (RESOURCES / "feed-rss.xml").read_bytes(), content_type="application/rss+xml"
    )
    localhost = server.url("/feed.xml").replace("127.0.0.1", "localhost")
    report = run_ingest(sqlite_engine, settings, server.url("/feed.xml"), localhost)
    assert report.ingested == 0 and report.exit_code == 1
    assert [r.where for r in report.rejected] == [server.url("/feed.xml"), localhost]
    for rejection in report.rejected:
        assert "non-public address" in rejection.reason and "--allow-private" in rejection.reason
    assert server.seen == []  # refused before any request was sent


def test_feed_over_http(server: Server, sqlite_engine: Engine, settings: Settings) -> None:
    server.routes["/rss"] = Route(
        (RESOURCES / "feed-rss.xml").read_bytes(), content_type="application/rss+xml"
    )
    report = run_ingest(sqlite_engine, settings, server.url("/rss"), allow_private=True)
    assert report.ingested == 2 and not report.rejected
    assert "AI-PRISM" in server.seen[0]["user-agent"]


def test_page_over_http(server: Server, sqlite_engine: Engine, settings: Settings) -> None:
    server.routes["/news/77"] = Route((RESOURCES / "article.html").read_bytes())
    report = run_ingest(sqlite_engine, settings, server.url("/news/77"), allow_private=True)
    assert report.ingested == 1, report.rejected
    with sqlite_engine.connect() as conn:
        (article,) = queries.list_articles(conn, limit=5)
    assert article.title == "반도체 수출 20% 증가" and "HBM" in article.body
    assert article.origin == server.url("/news/77")


def test_euc_kr_page(server: Server, sqlite_engine: Engine, settings: Settings) -> None:
    html = (
        (RESOURCES / "article.html")
        .read_text(encoding="utf-8")
        .replace('charset="utf-8"', 'charset="euc-kr"')
    )
    server.routes["/old"] = Route(html.encode("cp949"), content_type="text/html; charset=euc-kr")
    report = run_ingest(sqlite_engine, settings, server.url("/old"), allow_private=True)
    assert report.ingested == 1
    with sqlite_engine.connect() as conn:
        (article,) = queries.list_articles(conn, limit=5)
    assert article.title == "반도체 수출 20% 증가"


def test_redirects_are_followed_and_bounded(
    server: Server, sqlite_engine: Engine, settings: Settings
) -> None:
    server.routes["/feed"] = Route(
        (RESOURCES / "feed-rss.xml").read_bytes(), content_type="application/rss+xml"
    )
    for hop in range(8):
        target = "/feed" if hop == 0 else f"/r{hop - 1}"
        server.routes[f"/r{hop}"] = Route(b"", status=302, headers={"Location": target})
    ok = run_ingest(sqlite_engine, settings, server.url("/r2"), allow_private=True)
    assert ok.ingested == 2
    too_far = run_ingest(sqlite_engine, settings, server.url("/r7"), allow_private=True)
    assert [(r.where, r.reason) for r in too_far.rejected] == [(server.url("/r7"), "more than 5 redirects")]


def test_size_cap(server: Server, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRISM_HTTP_MAX_BYTES", "5000")
    server.routes["/big"] = Route(b"<html>" + b"x" * 20_000 + b"</html>")
    report = run_ingest(sqlite_engine, get_settings(), server.url("/big"), allow_private=True)
    (rejection,) = report.rejected
    assert "the limit is 5,000" in rejection.reason


def test_http_errors_and_timeouts(
    server: Server, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRISM_HTTP_TIMEOUT", "0.3")
    server.routes["/slow"] = Route(b"<html></html>", delay=1.0)
    report = run_ingest(
        sqlite_engine, get_settings(), server.url("/gone"), server.url("/slow"), allow_private=True
    )
    assert [r.reason for r in report.rejected] == [
        "HTTP 404 Not Found",
        "timed out: no complete answer within the deadline of 0.3 s for the whole fetch (PRISM_HTTP_TIMEOUT)",
    ]


def test_fetch_pages_replaces_teasers(server: Server, sqlite_engine: Engine, settings: Settings) -> None:
    server.routes["/news/77"] = Route((RESOURCES / "article.html").read_bytes())
    items = (
        f"<item><title>반도체 수출 20% 증가</title><link>{server.url('/news/77')}</link>"
        "<description>11월 1일부터 20일까지 반도체 수출이…</description></item>"
        f"<item><title>사라진 기사</title><link>{server.url('/missing')}</link>"
        "<description>짧은 요약만 있다…</description></item>"
    )
    server.routes["/feed"] = Route(feed(server, items), content_type="application/rss+xml")
    report = run_ingest(sqlite_engine, settings, server.url("/feed"), fetch_pages=True, allow_private=True)
    assert report.ingested == 2
    assert len(report.warnings) == 1 and "kept the teaser" in report.warnings[0].reason
    with sqlite_engine.connect() as conn:
        articles = {a.title: a for a in queries.list_articles(conn, limit=5)}
    assert "HBM" in articles["반도체 수출 20% 증가"].body
    assert articles["반도체 수출 20% 증가"].url == server.url("/news/77")
    assert articles["사라진 기사"].body == "짧은 요약만 있다…"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata endpoint
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("224.0.0.1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_connection_is_pinned_to_the_checked_address(
    server: Server, sqlite_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request goes to the address that passed the check, with the original Host (no DNS rebinding)."""
    import socket

    from prism.ingest import fetch

    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def fake_getaddrinfo(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        if host == "news.test":  # a name only our check can resolve
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(fetch, "is_public_address", lambda address: True)  # pretend 127.0.0.1 is public
    server.routes["/rss"] = Route(
        (RESOURCES / "feed-rss.xml").read_bytes(), content_type="application/rss+xml"
    )
    url = server.url("/rss").replace("127.0.0.1", "news.test")
    report = run_ingest(sqlite_engine, settings, url)
    assert report.ingested == 2, report.rejected
    assert lookups == ["news.test"]  # resolved once, by the check
    assert server.seen[0]["host"] == url.split("/")[2]


@pytest.mark.parametrize(
    ("url", "address", "expected"),
    [
        (
            "https://news.example.com/a?b=1",
            "93.184.216.34",
            ("https://93.184.216.34/a?b=1", "news.example.com"),
        ),
        (
            "http://news.example.com:8080/a",
            "2606:2800::1",
            ("http://[2606:2800::1]:8080/a", "news.example.com:8080"),
        ),
    ],
)
def test_pinned_urls(url: str, address: str, expected: tuple[str, str]) -> None:
    from prism.ingest.fetch import pinned

    target, headers, extensions = pinned(url, address)
    assert (target, headers["Host"]) == expected
    assert extensions == ({"sni_hostname": "news.example.com"} if url.startswith("https") else {})

"""Small helpers shared by tests."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from prism.config import Settings
from prism.ingest import AUTO, ingest
from prism.records import IngestReport


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write rows as JSON Lines (UTF-8) and return the path."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def korean_article(n: int, *, words: int = 60) -> dict[str, object]:
    """Return a distinct, deterministic Korean article (no two share much text)."""
    rng = random.Random(n)
    vocabulary = [
        "반도체", "수출", "금리", "한국은행", "스타트업", "투자", "배터리", "전기차", "일자리", "최저임금",
        "연금", "부동산", "전세", "청약", "코스피", "환율", "물가", "소상공인", "배달", "플랫폼",
        "인공지능", "데이터센터", "관세", "공급망", "채용", "실적", "영업이익", "매출", "정책", "지원",
    ]  # fmt: skip
    sentences = []
    for _ in range(8):
        picked = rng.sample(vocabulary, 6)
        number = rng.randint(1, 9999)
        sentences.append(
            f"{picked[0]}과 {picked[1]} 관련 {picked[2]} {number}건이 {picked[3]}·{picked[4]}에 영향을 줬다."
        )
    return {
        "id": f"t-{n:04d}",
        "title": f"{rng.choice(vocabulary)} {rng.choice(vocabulary)} 동향 {n}",
        "body": "\n\n".join(sentences[: max(2, words // 8)]),
        "published": f"2026-11-2{n % 7 + 1} 09:{n % 60:02d}",
        "source": "테스트일보",
    }


def run_ingest(
    engine: Engine,
    settings: Settings,
    *inputs: Path | str,
    fmt: str = AUTO,
    source: str | None = None,
    fetch_pages: bool = False,
    allow_private: bool = False,
) -> IngestReport:
    """Ingest paths or URLs into `engine` with the library call the CLI uses."""
    return ingest(
        [str(i) for i in inputs],
        engine=engine,
        settings=settings,
        fmt=fmt,
        source=source,
        fetch_pages=fetch_pages,
        allow_private=allow_private,
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (now)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[httpx.Client]:
    """Run an ASGI app with uvicorn on 127.0.0.1 (a free port) in a thread; yield a client for it."""
    import threading
    import time

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)

"""Benchmark: 50 readers at once on `prism serve` (127.0.0.1), idle and while another process ingests and
enriches.

    python bench/web_load.py [--clients 50] [--seconds 30] [--data ../shared/data/news-ko-8class.jsonl]
                             [--workers 1] [--no-write]

The demo data (sample corpus, 8 published editions) is served by `prism serve` in its own process, with
signed-in readers made beforehand. Each client is a closed loop (the next request when the last answered)
over a mixed workload: edition pages, article pages, /trends, /search and, for signed-in readers,
/me/briefing. Baseline: the same clients on the idle server for --seconds. Then `prism ingest --data` and
`prism enrich` run in another process, and the same clients load the server until both are done.
Reported: requests, errors (non-200 answers and timeouts at 30 s), p50 / p95 / p99 / max latency, overall
and by page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import select

from _report import machine, publish
from prism.accounts import log_in, sign_up
from prism.config import get_settings
from prism.store import open_engine
from prism.store.schema import articles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "news-ko-8class.jsonl"
PERSONAS = [
    "startup-founder", "job-seeker", "new-employee", "office-worker",
    "retail-investor", "small-business", "executive", "retiree",
]  # fmt: skip
QUERIES = ["반도체 수출", "금리", "국민연금", "부동산 대출", "스타트업 투자", "환율"]
READERS = 10
TIMEOUT_S = 30.0
NOTES = [
    "Where the time went (py-spy, `--gil`, on the server under this workload, before the changes of "
    "branch h16-web-perf): idle, `/me/briefing` (a tenth of the requests) took 63% of the server's CPU, "
    "about 60 ms each: 39% parsing and validating the reader-type YAML files on every request, 22% "
    "writing the edition, 4% recommending; every other page took about 4 ms, much of it in the middleware "
    "stack and in handing work to worker threads. During ingest + enrich, 73% went to recomputing the "
    "values keyed on the store's version (the fitted pools of `all` and `24h`, the stories of `all` for "
    "article pages, the pool /trends loaded again) in the request that noticed the change, while the "
    "other requests for it waited; every enrich commit changed the version, so it happened again and "
    "again. Kiwi reading /search queries took 6.6%. SQLite was not the problem (the hot queries use "
    "indexes; `pool_version` counts the analyses, cheap at this size), nor were JSON, GZip or the "
    "access log (a few % each).",
    "",
    "What changed: fitted pools are refitted in one background thread, at most once every 10 s per "
    "window, the previous pool served meanwhile (a request waits only for a window's first fit); the "
    "stories and the search index are built before a pool is served; /trends counts keywords from the "
    "fitted pool; reader types are parsed again only when a file changes; analysed queries are kept "
    "(LRU); a reader's own edition is kept while their profile, feedback and the reader types stay the "
    "same (a new pool counts after 60 s); dependencies that only read the app's state run on the event "
    "loop. After them, a second profile during ingest + enrich found 23% of the samples in "
    "`pool_version` (two row counts, read by every request to see whether the pool had moved on) and "
    "Kiwi asked whether each matched pool word is a name while own editions were written: the version "
    "is now read at most once a second per window (not at all during a window's 10 s pause), and only "
    "words an interest is found inside are checked for names.",
    "",
    "The load generator (50 httpx clients, one process), the server and the writing process share the "
    "machine's cores with whatever else runs there (see the load average); the numbers are of one run.",
]


@dataclass
class Results:
    """Latencies (s) by page, and errors by page."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def workload(article_ids: list[int], sessions: list[str], rng: random.Random) -> tuple[str, str, str | None]:
    """One request: (page, path, session cookie or None)."""
    roll = rng.random()
    if roll < 0.30:
        day_page = f"/briefings/{rng.choice(PERSONAS)}/2026-11-27"
        return "edition", day_page, None
    if roll < 0.60:
        return "article", f"/articles/{rng.choice(article_ids)}", None
    if roll < 0.75:
        return "trends", "/trends", None
    if roll < 0.90:
        return "search", f"/search?q={rng.choice(QUERIES)}", None
    return "me/briefing", "/me/briefing", rng.choice(sessions)


async def load(
    base: str, clients: int, until: Callable[[], bool], article_ids: list[int], sessions: list[str]
) -> Results:
    """Run `clients` closed loops until `until()` is true; return what they measured."""
    results = Results()
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)

    async def client(n: int) -> None:
        rng = random.Random(n)
        async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S, limits=limits) as http:
            while not until():
                page, path, session = workload(article_ids, sessions, rng)
                start = time.perf_counter()
                try:
                    cookies = {"prism_session": session} if session else None
                    response = await http.get(path, cookies=cookies)
                    if response.status_code != 200:
                        results.errors[page] += 1
                except httpx.HTTPError:
                    results.errors[page] += 1
                results.latencies[page].append(time.perf_counter() - start)

    await asyncio.gather(*(client(n) for n in range(clients)))
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            sys.exit("the server did not start")
        time.sleep(0.2)


def readers(home: Path) -> tuple[list[str], list[int]]:
    """Sign up READERS readers (various reader types) and return their session tokens, and article ids."""
    settings = get_settings(home=home)
    engine = open_engine(settings.resolved_database_url)
    sessions = []
    for n in range(READERS):
        email = f"bench{n}@example.com"
        sign_up(engine, email=email, password="correct horse battery", persona=PERSONAS[n % len(PERSONAS)])
        sessions.append(log_in(engine, settings, email=email, password="correct horse battery")[1])
    with engine.connect() as conn:
        ids = list(conn.execute(select(articles.c.id)).scalars())
    engine.dispose()
    return sessions, ids


def row(name: str, latencies: list[float], errors: int) -> str:
    ms = np.percentile(np.asarray(latencies) * 1000, [50, 95, 99, 100]) if latencies else [0, 0, 0, 0]
    return (
        f"| {name} | {len(latencies):,} | {errors} | {ms[0]:.0f} ms | {ms[1]:.0f} ms | {ms[2]:.0f} ms "
        f"| {ms[3]:.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the idle baseline")
    parser.add_argument("--data", type=Path, default=DATA, help="what the other process ingests")
    parser.add_argument("--workers", type=int, default=1, help="prism serve --workers")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    prism = [sys.executable, "-m", "prism"]
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        env = {**os.environ, "PRISM_HOME": str(home)}
        subprocess.run(
            [*prism, "demo", "--home", str(home), "--out", str(Path(folder) / "pages")],
            check=True,
            capture_output=True,
            env=env,
        )
        sessions, article_ids = readers(home)
        port = free_port()
        server = subprocess.Popen(
            [*prism, "serve", "--home", str(home), "--port", str(port), "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            warm = [f"/briefings/{key}/2026-11-27" for key in PERSONAS] + ["/trends", "/search?q=금리"]
            for path in warm:  # templates compiled, pools fitted
                httpx.get(base + path, timeout=60).raise_for_status()
            signed_in = {"prism_session": sessions[0]}  # the pool of readers' own editions, fitted
            httpx.get(base + "/me/briefing", cookies=signed_in, timeout=60).raise_for_status()
            end = time.monotonic() + args.seconds
            idle = asyncio.run(
                load(base, args.clients, lambda: time.monotonic() > end, article_ids, sessions)
            )
            idle_load = os.getloadavg()[0]

            def write() -> subprocess.Popen[bytes]:
                script = (
                    "import subprocess, sys\n"
                    "for step in (['ingest', sys.argv[1]], ['enrich']):\n"
                    "    subprocess.run([sys.executable, '-m', 'prism', *step], check=True,"
                    " stdout=subprocess.DEVNULL)\n"
                )
                return subprocess.Popen([sys.executable, "-c", script, str(args.data)], env=env)

            started = time.monotonic()
            writer = write()
            busy = asyncio.run(
                load(base, args.clients, lambda: writer.poll() is not None, article_ids, sessions)
            )
            writing_s = time.monotonic() - started
            busy_load = os.getloadavg()[0]
            if writer.returncode != 0:
                sys.exit(f"ingest + enrich failed (exit {writer.returncode})")
        finally:
            server.terminate()
            server.wait(timeout=60)
    lines = [
        "## Web load (`bench/web_load.py`)",
        "",
        f"`prism serve --workers {args.workers}` on the demo data (8 published editions) and {READERS} "
        f"signed-in readers; {args.clients} clients at once, each a closed loop over a mixed workload "
        "(30% edition pages, 30% article pages, 15% `/trends`, 15% `/search`, 10% `/me/briefing` signed in). "
        f"Idle: {args.seconds:.0f} s. During writes: while another process runs `prism ingest` of "
        f"{args.data.name} and then `prism enrich` ({writing_s:.0f} s). A request is an error if it is not "
        f"answered 200 within {TIMEOUT_S:.0f} s. Machine: {machine()}; load average (1 min) at the end "
        f"of each phase: {idle_load:.1f} idle, {busy_load:.1f} during writes.",
        "",
        "| phase | requests | errors | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, results in (("idle (baseline)", idle), ("during ingest + enrich", busy)):
        every = [t for times in results.latencies.values() for t in times]
        lines.append(row(f"**{name}**", every, sum(results.errors.values())))
        for page in sorted(results.latencies):
            lines.append(row(f"{name}: {page}", results.latencies[page], results.errors[page]))
    lines += ["", *NOTES]
    publish("web_load", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

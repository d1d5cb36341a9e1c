"""Benchmark: a bounded load on edition pages served by `prism serve` on 127.0.0.1.

    python bench/web_load.py [--rate 100] [--seconds 60] [--no-write]

The demo data (sample corpus, 8 published editions) is served by uvicorn in its own process. Requests
arrive at a constant rate (open loop: a slow answer does not slow the arrivals), spread over the 8 edition
pages; in the same run the same load goes to `/healthz` (no database, no template) as the baseline.
Reported: p50 / p95 / p99 latency and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from _report import machine, publish

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = [
    "startup-founder", "job-seeker", "new-employee", "office-worker",
    "retail-investor", "small-business", "executive", "retiree",
]  # fmt: skip


async def load(base: str, paths: list[str], rate: float, seconds: float) -> tuple[list[float], int]:
    """Send `rate` requests a second for `seconds`; return latencies (s) and the number of errors."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:

        async def one(path: str) -> None:
            nonlocal errors
            start = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - start)

        tasks = []
        begin = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = begin + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[n % len(paths)])))
        await asyncio.gather(*tasks)
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    prism = str(Path(sys.executable).with_name("prism"))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        subprocess.run(
            [prism, "demo", "--home", str(home), "--out", str(Path(folder) / "pages")],
            check=True,
            capture_output=True,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [prism, "serve", "--home", str(home), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PRISM_HOME": str(home)},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit("the server did not start")
                time.sleep(0.2)
            pages = [f"/briefings/{key}/2026-11-27" for key in PERSONAS]
            for page in pages:  # warm: templates compiled, connections opened
                httpx.get(base + page, timeout=10).raise_for_status()
            results = {
                "edition pages": asyncio.run(load(base, pages, args.rate, args.seconds)),
                "baseline: /healthz": asyncio.run(load(base, ["/healthz"], args.rate, args.seconds)),
            }
        finally:
            server.terminate()
            server.wait(timeout=10)
    lines = [
        "## Web load (`bench/web_load.py`)",
        "",
        f"`prism serve` (one uvicorn worker) on the demo data; {args.rate:.0f} requests/s for "
        f"{args.seconds:.0f} s each, open loop, from one client process on the same machine. "
        f"Machine: {machine()}.",
        "",
        "| target | requests | errors | p50 | p95 | p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (latencies, errors) in results.items():
        ms = np.percentile(np.asarray(latencies) * 1000, [50, 95, 99])
        lines.append(
            f"| {name} | {len(latencies):,} | {errors} | {ms[0]:.1f} ms | {ms[1]:.1f} ms | {ms[2]:.1f} ms |"
        )
    publish("web_load", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

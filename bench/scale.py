"""Benchmark: every reader's own edition of a 10k-article day, for 10k, 100k and 1M simulated readers.

    python bench/scale.py [--readers 10000 100000 1000000] [--articles 10000] [--workers 1 2]
                          [--executor local|ray] [--ray-address ADDR] [--database-url PG] [--no-write]

The day is made by replicating the 1,360 shared articles with new ids and sources, all published on the
edition day (a copy shares its text, hence its analysis: enrichment is not what is measured). Readers are
simulated (prism.scale.readers) with feedback on the day's articles and stored before the clock.
Timed: `build_all` (score, select and store every reader's picks, then the pieces of the articles they
show; in SQLite, or with `--database-url` in a fresh PostgreSQL database) with 1 worker (this process, the
local executor) and with 2 workers (`--executor ray`: tasks on the Ray cluster at `--ray-address`; else
a local process pool), each run in a fresh process after the pool is fitted (fitting is reported apart).
Beside it, in the same run, the baseline: today's `pipeline.reader_edition`, one reader at a time, on a
sample of the same readers. Peak memory is each worker process's peak resident set.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from _report import machine, publish
from brief import DATA, SOURCES, insert_copies, template
from enrich_scale import drop_database, fresh_database

DAY = date(2026, 11, 27)
T = TypeVar("T")
R = TypeVar("R")


def day_of(base: Path, target: Path, size: int) -> None:
    """Copy the base database and grow it to `size` articles, all published within the edition day."""
    shutil.copy(base, target)
    rng = random.Random(size)
    db = sqlite3.connect(target)
    originals = db.execute("SELECT title, body, content_hash FROM articles ORDER BY id").fetchall()
    start = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)  # 00:30 on the day in Seoul
    span = 23 * 3600

    def when() -> str:
        return (start + timedelta(seconds=rng.randrange(span))).replace(tzinfo=None).isoformat(sep=" ")

    for (article_id,) in db.execute("SELECT id FROM articles").fetchall():
        db.execute("UPDATE articles SET published_at = ? WHERE id = ?", (when(), article_id))
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    rows = []
    for i in range(size - len(originals)):
        title, body, digest = originals[rng.randrange(len(originals))]
        rows.append((f"bench-{i}", title, body, when(), rng.choice(SOURCES), digest, now))
    insert_copies(db, rows)


def settings_of(folder: Path) -> Any:
    """The day's settings: its SQLite file, or the PostgreSQL database `to_postgres` copied it into."""
    from prism.config import get_settings

    moved = folder / "database_url"
    url = moved.read_text().strip() if moved.exists() else f"sqlite:///{folder / 'day.db'}"
    return get_settings(home=folder, database_url=url)


def to_postgres(folder: Path, server: str) -> str:
    """Create a fresh database on the PostgreSQL server at `server`, copy the day's store into it, and
    make it the day's store (`settings_of`); return its URL."""
    from sqlalchemy import func, select, text

    from prism.store import open_engine
    from prism.store.schema import metadata

    url = fresh_database(server)
    source, target = open_engine(f"sqlite:///{folder / 'day.db'}"), open_engine(url)
    with source.connect() as read, target.begin() as write:
        for table in metadata.sorted_tables:
            rows = [dict(row) for row in read.execute(select(table)).mappings()]
            for start in range(0, len(rows), 2000):
                write.execute(table.insert(), rows[start : start + 2000])
            if rows and "id" in table.c:  # later inserts (readers) take ids after the copied ones
                highest = write.execute(select(func.max(table.c.id))).scalar_one()
                write.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {highest})"))
    source.dispose()
    target.dispose()
    (folder / "database_url").write_text(url)
    return url


def add_readers(folder: Path, total: int, have: int) -> float:
    """Simulate readers `have` … `total` - 1 into the day's database; return the seconds it took."""
    from prism.pipeline import edition_time, prepare
    from prism.recommend.personas import load_personas
    from prism.scale import readers
    from prism.store import open_engine

    settings = settings_of(folder)
    engine = open_engine(settings.resolved_database_url)
    ids = prepare(engine, settings, day=DAY, window="24h").pool.ids.tolist()
    clock = time.perf_counter()
    readers.store(
        engine, total, personas=load_personas(), articles=ids, now=edition_time(DAY, settings), start=have
    )
    engine.dispose()
    return time.perf_counter() - clock


class Processes:
    """Worker processes on this machine, mapping like the executors of prism.scale.executor."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        with ProcessPoolExecutor(self.workers) as pool:
            yield from pool.map(fn, items)


def measure(folder: Path, workers: int, executor: str) -> dict[str, Any]:
    """Build every reader's edition in this process (1 worker) or in worker processes; return timings."""
    from prism.scale import editions
    from prism.scale.executor import LocalExecutor
    from prism.store import open_engine

    settings = settings_of(folder)
    engine = open_engine(settings.resolved_database_url)
    with engine.begin() as conn:  # each run builds every edition, and every piece they show
        conn.exec_driver_sql("DELETE FROM reader_editions")
        conn.exec_driver_sql("DELETE FROM article_pieces")
    engine.dispose()
    clock = time.perf_counter()
    spec = editions.BlockSpec(settings.resolved_database_url, str(folder), DAY.isoformat(), "24h", 1, 0)
    if workers == 1:  # the baseline of every executor: this process, the local executor
        editions._day(spec, editions._engine(spec.database_url), settings)  # fit before the clock
        chosen: Any = LocalExecutor()
    elif executor == "ray":
        from prism.scale.executor import get_executor

        chosen = get_executor("ray", address=os.environ.get("PRISM_RAY_ADDRESS"), workers=workers)
    else:
        chosen = Processes(workers)
    fit = time.perf_counter() - clock
    load = os.getloadavg()[0]
    report = editions.build_all(settings, day=DAY.isoformat(), window="24h", executor=chosen)
    load = max(load, os.getloadavg()[0])
    peaks: dict[int, float] = {}
    for block in report.blocks:
        peaks[block.pid] = max(peaks.get(block.pid, 0.0), block.peak_mib)
    return {
        "readers": report.readers,
        "built": report.built,
        "articles": report.articles,
        "pieces_seconds": report.pieces_seconds,
        "render_ms": render(settings) * 1000,
        "fit": fit,
        "seconds": report.seconds,
        "per_second": report.per_second,
        "peak_mib": max(peaks.values()),
        "worker_pids": len(peaks),
        "cpu": sum(block.cpu_seconds for block in report.blocks),
        "load": load,
    }


RENDERED = 100


def render(settings: Any) -> float:
    """Return the seconds a stored edition takes to be read (`stored_reader_edition`: the picks'
    reasons and the composition from the stored pieces), warm, over the first RENDERED readers."""
    from prism.accounts import as_reader
    from prism.pipeline import prepare, stored_reader_edition
    from prism.recommend.personas import load_personas
    from prism.store import open_engine, reading
    from prism.store import reader_editions as stored_editions
    from prism.store import readers as stored

    engine = open_engine(settings.resolved_database_url)
    fitted = prepare(engine, settings, day=DAY, window="24h")
    personas = load_personas()
    with reading(engine) as conn:
        people = [as_reader(a) for a in stored.readers_between(conn, first=1, last=RENDERED + 10)]
        built = [stored_editions.get(conn, reader_id=r.id, edition_date=DAY.isoformat()) for r in people]
    pairs = [(r, e) for r, e in zip(people, built, strict=True) if e is not None]
    for reader, found in pairs[:10]:  # warm
        stored_reader_edition(engine, settings, fitted, reader, found, personas=personas, ask=False)
    clock = time.perf_counter()
    for reader, found in pairs[10:]:
        stored_reader_edition(engine, settings, fitted, reader, found, personas=personas, ask=False)
    seconds = (time.perf_counter() - clock) / max(1, len(pairs[10:]))
    engine.dispose()
    return seconds


def baseline(folder: Path, sample: int) -> dict[str, Any]:
    """Time `pipeline.reader_edition` one reader at a time on the first `sample` readers (warm)."""
    from prism.accounts import as_reader
    from prism.pipeline import edition_time, prepare, reader_edition
    from prism.recommend.personas import load_personas
    from prism.store import open_engine, reading
    from prism.store import readers as stored

    settings = settings_of(folder)
    engine = open_engine(settings.resolved_database_url)
    fitted = prepare(engine, settings, day=DAY, window="24h")
    personas = load_personas()
    now = edition_time(DAY, settings)
    with reading(engine) as conn:
        people = [as_reader(a) for a in stored.readers_between(conn, first=1, last=sample + 10)]
    for reader in people[:10]:  # warm: Kiwi, the personas' terms
        reader_edition(engine, settings, fitted, reader, personas=personas, now=now)
    clock = time.perf_counter()
    for reader in people[10:]:
        reader_edition(engine, settings, fitted, reader, personas=personas, now=now)
    seconds = (time.perf_counter() - clock) / len(people[10:])
    return {"per_reader": seconds, "sample": len(people[10:]), "articles": len(fitted.pool)}


def child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--readers", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--one-worker-up-to", type=int, default=100_000, help="larger runs use 2 workers only"
    )
    parser.add_argument("--baseline", type=int, default=100, help="readers the baseline times")
    parser.add_argument("--executor", default="local", choices=["local", "ray"])
    parser.add_argument("--ray-address", help="a Ray cluster's address (with --executor ray)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql://user@host:port/db): the day is copied into a fresh database "
        "there (dropped after) and every run stores to it; default: SQLite",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)  # folder workers executor
    parser.add_argument("--time-baseline", nargs=2, help=argparse.SUPPRESS)  # folder sample
    parser.add_argument("--report-from", type=Path, help="rewrite the report from a run's log (stderr)")
    args = parser.parse_args()
    if args.report_from:
        logged = args.report_from.read_text(encoding="utf-8").splitlines()
        runs = [ast.literal_eval(line[5:]) for line in logged if line.startswith("run: ")]
        found = [ast.literal_eval(line[10:]) for line in logged if line.startswith("baseline: ")]
        report(runs, found[0] if found else {}, args)
        return
    if args.measure:
        folder, workers, executor = args.measure
        print(json.dumps(measure(Path(folder), int(workers), executor)))
        return
    if args.time_baseline:
        print(json.dumps(baseline(Path(args.time_baseline[0]), int(args.time_baseline[1]))))
        return
    if not DATA.exists():
        sys.exit(f"{DATA} not found: this benchmark reads the shared development data")
    if args.ray_address:
        os.environ["PRISM_RAY_ADDRESS"] = args.ray_address
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = template(folder)
        day_of(base, folder / "day.db", args.articles)
        url = to_postgres(folder, args.database_url) if args.database_url else None
        try:
            base_line = run_all(folder, args, runs)
        finally:
            if url:
                drop_database(args.database_url, url)
    report(runs, base_line, args)


def run_all(folder: Path, args: argparse.Namespace, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Add readers up to each total and time every worker count; return the baseline's timings."""
    have = 0
    simulated: dict[int, float] = {}
    base_line: dict[str, Any] = {}
    for total in sorted(args.readers):
        simulated[total] = add_readers(folder, total, have)
        have = total
        if not base_line:
            base_line = child(["--time-baseline", str(folder), str(args.baseline)])
            print(f"baseline: {base_line}", file=sys.stderr)
        for workers in args.workers:
            if workers == 1 and total > args.one_worker_up_to:
                continue
            run = child(["--measure", str(folder), str(workers), args.executor])
            run.update(total=total, workers=workers, simulate=simulated[total])
            print(f"run: {run}", file=sys.stderr)
            runs.append(run)
    return base_line


def slope(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Return (intercept s, s per reader) of a least-squares line through (readers, seconds)."""
    if len(points) < 2:
        n, s = points[0]
        return 0.0, s / n
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    b = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return mean_y - b * mean_x, b


def report(runs: list[dict[str, Any]], base_line: dict[str, Any], args: argparse.Namespace) -> None:
    executor = (
        "tasks on a Ray cluster (a head and one worker node on this machine)"
        if args.executor == "ray"
        else "processes of a local pool"
    )
    store = "PostgreSQL 15 on this machine" if args.database_url else "SQLite"
    waits = "PostgreSQL's own processes" if args.database_url else "SQLite's write lock"
    used = " --database-url postgresql://…" if args.database_url else ""
    used += f" --executor ray --ray-address {'HOST:PORT'}" if args.executor == "ray" else ""
    lines = [
        "## Every reader's edition (`bench/scale.py`)",
        "",
        f"A day of {args.articles:,} articles (the 1,360 shared articles replicated, all published on the "
        "edition day; copies share their text's analysis), simulated readers (prism.scale.readers: a reader "
        "type, 0–3 own keywords, 0–2 muted, 0–6 pieces of feedback on the day's articles) stored before the "
        "clock. Timed: `build_all` (score, select, store every reader's picks, then write the 핵심 요약 "
        f"of every article they show, once for all readers; {store}), the pool fitted "
        f"before the clock in the 1-worker runs; 2 workers are {executor}, each fitting "
        f"the pool itself (inside the clock). The machine may be shared: the load average (1 min, sampled "
        "at the run's start and end, the higher) says how busy it was, and editions per CPU-second of the "
        f"workers what the code does whatever else runs. Machine: {machine()}.",
        "",
        "| readers | workers | editions/s | time | of it, 핵심 요약 (articles) | fit (1 worker) | "
        "editions per CPU-second (workers) | load average | peak memory per worker | "
        "reading one edition | readers simulated + stored |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        fit = f"{r['fit']:.1f} s" if r["workers"] == 1 else "in the time"
        lines.append(
            f"| {r['total']:,} | {r['workers']} | {r['per_second']:,.0f} | {r['seconds']:,.1f} s | "
            f"{r.get('pieces_seconds', 0):,.1f} s ({r.get('articles', 0):,}) | {fit} | "
            f"{r['built'] / r['cpu']:,.0f} | {r['load']:.1f} | {r['peak_mib']:,.0f} MiB | "
            f"{r.get('render_ms', 0):,.1f} ms | {r['simulate']:.0f} s |"
        )
    per_reader = base_line.get("per_reader", 0.0)
    lines += [
        "",
        f"Baseline, same run: today's `pipeline.reader_edition`, one reader at a time (recommend + compose "
        f"the whole edition), warm, on {base_line.get('sample', 0)} of the same readers over the same "
        f"{base_line.get('articles', 0):,}-article pool: {per_reader * 1000:.0f} ms per reader, "
        f"{1 / per_reader if per_reader else 0:,.1f} editions/s; 1M readers would take "
        f"{per_reader * 1e6 / 3600:,.1f} h on one core.",
        "",
    ]
    for workers in sorted({r["workers"] for r in runs}):
        points = [(r["total"], r["seconds"]) for r in runs if r["workers"] == workers]
        intercept, per = slope(points)
        measured = any(total == 1_000_000 for total, _ in points)
        million = intercept + per * 1_000_000
        how = "measured" if measured else "extrapolated from the line through the measured runs"
        lines.append(
            f"- {workers} worker{'s' if workers > 1 else ''}: {per * 1e6:,.0f} µs per reader "
            f"(slope of time over readers), {intercept:,.1f} s fixed; 1M readers: "
            f"{(dict(points)[1_000_000] if measured else million) / 60:,.1f} min ({how})."
        )
    for workers in sorted({r["workers"] for r in runs}):
        points = [(r["total"], r["cpu"]) for r in runs if r["workers"] == workers]
        intercept, per = slope(points)
        lines.append(
            f"- {workers} worker{'s' if workers > 1 else ''}, CPU time of the workers: {per * 1e6:,.0f} µs "
            f"per reader ({1 / per:,.0f} editions per CPU-second), {intercept:,.1f} s fixed; with {workers} "
            f"core{'s' if workers > 1 else ''} to themselves, 1M readers in "
            f"{(intercept + per * 1_000_000) / workers / 60:,.1f} min (an extrapolation: the workers' CPU "
            f"time divided among them, as if nothing else ran; waits for {waits} not counted)."
        )
    rate = {(r["total"], r["workers"]): r["per_second"] for r in runs}
    for total in sorted({total for total, _ in rate}):
        if (total, 1) in rate and (total, 2) in rate:
            lines.append(
                f"- {total:,} readers: 2 workers {rate[(total, 2)] / rate[(total, 1)]:.2f}x the rate of 1 "
                "(the same readers, one after the other)."
            )
    lines += [
        "",
        "Stored per reader: the picks (article, kind, score, relevance) and a digest of the settings and "
        "the reader's profile. Stored per article, once for every reader: its 핵심 요약 (`article_pieces`; "
        "with the `openai` writer, one model call per article). An edition is composed from the two when it "
        "is read (`pipeline.stored_reader_edition`): 'reading one edition' is that time, warm, on "
        f"{RENDERED - 10} readers of the run; the web app keeps what it composed per reader.",
        "",
        f"This run: `python bench/scale.py{used}`.",
    ]
    publish("scale", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

"""Benchmark: enrichment on PostgreSQL, here (one worker) and as Ray tasks (two workers), and where Ray's
time goes.

    python bench/enrich_scale.py --database-url postgresql://… --ray-address HOST:PORT [--no-write]

The shared articles are ingested once into a new database on that server (dropped at the end); each run
starts from no analyses. Local: `prism enrich`'s one stream (Kiwi loaded before the clock starts). Ray:
`enrich_pending` with a RayExecutor of 2 workers over 8 id ranges, in a new driver process, so its first
run starts the cluster's worker processes (they import prism and load Kiwi: "cold"); its second run
reuses them ("warm"). Inside every task the time is split into reading the range, Kiwi and assembly,
topics, and writing; the rest of workers × wall time is Ray's (scheduling, idle workers, start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _report import machine, publish

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "news-ko-8class.jsonl"
PARTS = ("read", "kiwi", "topics", "write")


@contextmanager
def timed_parts(into: dict[str, float]) -> Iterator[None]:
    """Add the seconds enrichment spends reading its pending texts, scoring topics and writing into
    `into`; Kiwi and assembly is what remains of the whole."""
    from prism.nlp import enrich, topics
    from prism.store import analyses

    def timing(owner: Any, name: str, part: str) -> Callable[..., Any]:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                into[part] = into.get(part, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        return original

    originals = [
        (owner, name, timing(owner, name, part))
        for owner, name, part in (
            (analyses, "pending", "read"),
            (topics, "predict_articles", "topics"),
            (enrich, "_store", "write"),
        )
    ]
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def profiled_range(shard: Any) -> dict[str, Any]:
    """A Ray task: `enrich_range(shard)`, reporting where its time went (imports and Kiwi's load are
    paid by a worker process's first task only)."""
    began = time.time()
    start, cpu = time.perf_counter(), time.process_time()
    from prism.nlp import topics
    from prism.nlp.korean import kiwi
    from prism.pipeline import enrich_range

    imported = time.perf_counter()
    kiwi(shard.workers, home=shard.home).tokenize("워밍업 문장이다.")
    topics.predict("워밍업", "")
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    parts: dict[str, float] = {}
    with timed_parts(parts):
        report = enrich_range(shard)
    done, done_cpu = time.perf_counter(), time.process_time()
    parts["kiwi"] = done - loaded - sum(parts.values())
    return {
        "pid": os.getpid(),
        "began": began,
        "analysed": report.analysed,
        "imports": imported - start,
        "load": loaded - imported,
        **parts,
        "total": done - start,
        "cpu": done_cpu - loaded_cpu,
        "load_cpu": loaded_cpu - cpu,
    }


def _noop(item: int) -> int:
    return item


def fresh_database(admin_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    name = f"prism_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(
        make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def no_analyses(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE analyses"))
    engine.dispose()


def measure(kind: str, url: str, address: str | None, home: Path) -> dict[str, Any]:
    """Run one measurement (local, or ray cold then warm) in this process."""
    from prism.config import get_settings
    from prism.nlp import topics
    from prism.nlp.korean import kiwi
    from prism.pipeline import enrich_pending
    from prism.store import open_engine

    settings = get_settings(home=home, database_url=url)
    engine = open_engine(url)
    runs: list[dict[str, Any]] = []
    if kind == "local":
        kiwi(1, home=home).tokenize("워밍업 문장이다.")
        topics.predict("워밍업", "")
        no_analyses(url)
        parts: dict[str, float] = {}
        start, cpu = time.perf_counter(), time.process_time()
        with timed_parts(parts):
            report = enrich_pending(engine, settings)
        seconds = time.perf_counter() - start
        parts["kiwi"] = seconds - sum(parts.values())
        parts["cpu"] = time.process_time() - cpu
        runs.append({"seconds": seconds, "analysed": report.analysed, "parts": parts})
    else:
        import ray

        from prism.pipeline import enrich_shards
        from prism.scale.ray import RayExecutor

        assert address, "--ray-address is needed"
        start = time.perf_counter()
        executor = RayExecutor(address, workers=2)
        connected = time.perf_counter() - start
        for _ in ("cold", "warm"):
            no_analyses(url)
            start = time.perf_counter()
            began = time.time()
            shards = enrich_shards(engine, settings, shards=4 * executor.workers)
            tasks = list(executor.map(profiled_range, shards))
            seconds = time.perf_counter() - start
            runs.append(
                {
                    "seconds": seconds,
                    "analysed": sum(task["analysed"] for task in tasks),
                    "tasks": tasks,
                    "began": began,
                    "workers": executor.workers,
                    "shards": len(shards),
                }
            )
        start = time.perf_counter()
        list(executor.map(_noop, range(200)))
        per_task = (time.perf_counter() - start) / 200
        spec = ray.cloudpickle.dumps((profiled_range, shards[0]))
        start = time.perf_counter()
        for _ in range(1000):
            pickle.loads(spec)
        runs.append(
            {
                "connect": connected,
                "noop_task": per_task,
                "spec_bytes": len(spec),
                "spec_load": (time.perf_counter() - start) / 1000,
            }
        )
        ray.shutdown()
    engine.dispose()
    return {"runs": runs}


def in_subprocess(kind: str, url: str, address: str | None, home: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", kind, "--database-url", url, "--home", str(home)]
    done = subprocess.run(
        [*command, *(["--ray-address", address] if address else [])],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def ray_profile(run: dict[str, Any]) -> dict[str, float]:
    """Sum a Ray run's task times by part; what workers × wall time leaves is Ray's (and idle)."""
    tasks = run["tasks"]
    sums = {
        part: sum(task.get(part, 0.0) for task in tasks)
        for part in ("imports", "load", *PARTS, "cpu", "load_cpu")
    }
    sums["first task starts"] = min(task["began"] for task in tasks) - run["began"]
    sums["ray"] = run["workers"] * run["seconds"] - sum(task["total"] for task in tasks)
    return sums


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--database-url", default=os.environ.get("PRISM_TEST_DATABASE_URL"))
    parser.add_argument("--ray-address", default=os.environ.get("PRISM_RAY_ADDRESS"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=["local", "ray"], help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.database_url, args.ray_address, args.home)))
        return
    if not args.data.exists():
        sys.exit(f"{args.data} not found: this benchmark reads the shared development data")
    if not args.database_url or not args.ray_address:  # `make bench` on a machine without them
        print("bench/enrich_scale.py skipped: give --database-url and --ray-address (a PostgreSQL server and")
        print("a Ray cluster's head; or PRISM_TEST_DATABASE_URL and PRISM_RAY_ADDRESS)")
        return
    from prism.config import get_settings
    from prism.ingest import ingest
    from prism.store import open_engine

    url = fresh_database(args.database_url)
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = get_settings(home=Path(home), database_url=url)
            engine = open_engine(url)
            ingest([str(args.data)], engine=engine, settings=settings)
            engine.dispose()
            # Rounds interleave the configurations, so a slow spell of the machine hits both alike.
            local, ray = [], []
            loads = [os.getloadavg()[0]]
            for _ in range(args.repeat):
                local.append(in_subprocess("local", url, None, Path(home))["runs"][0])
                ray.append(in_subprocess("ray", url, args.ray_address, Path(home))["runs"])
                loads.append(os.getloadavg()[0])
    finally:
        drop_database(args.database_url, url)
    report(args, local, ray, loads)


def report(
    args: argparse.Namespace, local: list[dict[str, Any]], ray: list[list[dict[str, Any]]], loads: list[float]
) -> None:
    best_local = min(local, key=lambda run: run["seconds"])
    cold = min((runs[0] for runs in ray), key=lambda run: run["seconds"])
    warm = min((runs[1] for runs in ray), key=lambda run: run["seconds"])
    costs = min((runs[2] for runs in ray), key=lambda run: run["noop_task"])
    texts = best_local["analysed"]
    assert cold["analysed"] == warm["analysed"] == texts, (cold["analysed"], warm["analysed"], texts)
    rate = texts / best_local["seconds"]
    lines = [
        "## Enrichment on a Ray cluster (`bench/enrich_scale.py`)",
        "",
        f"{texts:,} distinct texts of `news-ko-8class.jsonl` on PostgreSQL; best of {args.repeat} rounds. "
        f"Ray: a head with no task CPUs and one worker node with 2 CPUs on this machine, the same 2 cores "
        f"that run the driver and PostgreSQL; {warm['workers']} workers over {warm['shards']} id ranges. "
        f"Machine: {machine()}; load average (1 min) {min(loads):.1f}–{max(loads):.1f} during the rounds.",
        "",
        "| run | seconds | texts/s | vs local |",
        "|---|---:|---:|---:|",
        f"| local, one stream (`prism enrich`, 1 worker) | {best_local['seconds']:.2f} | {rate:,.0f} "
        "| 1.00x |",
    ]
    for name, run in (("Ray, 2 workers, cold (new worker processes)", cold), ("Ray, 2 workers, warm", warm)):
        ray_rate = texts / run["seconds"]
        lines.append(f"| {name} | {run['seconds']:.2f} | {ray_rate:,.0f} | {ray_rate / rate:.2f}x |")
    lines += [
        "",
        "Where the time goes (seconds; for Ray, summed over the tasks of the best run, against "
        "workers × wall time):",
        "",
        "| part | local | Ray cold | Ray warm |",
        "|---|---:|---:|---:|",
    ]
    cold_profile, warm_profile = ray_profile(cold), ray_profile(warm)
    names = {
        "load": "worker loads Kiwi and the topic model (first task)",
        "read": "read pending range",
        "kiwi": "Kiwi + assembly, keyphrases, vectors",
        "topics": "topics",
        "write": "write analyses",
        "first task starts": "map start → first task starts (worker processes start, import prism)",
        "ray": "Ray: workers × wall − task time (scheduling, idle, start-up)",
        "cpu": "CPU time of the analysis (all threads, Kiwi's load excluded)",
        "load_cpu": "CPU time of the workers' imports and loads",
    }
    for part, name in names.items():
        here = best_local["parts"].get(part)
        shown = f"{here:.2f}" if here is not None else "–"
        lines.append(f"| {name} | {shown} | {cold_profile[part]:.2f} | {warm_profile[part]:.2f} |")
    local_cpu = best_local["parts"]["cpu"]
    lines += [
        "",
        f"CPU time of the analysis: Ray warm {warm_profile['cpu']:.1f} s, local {local_cpu:.1f} s "
        f"({warm_profile['cpu'] / local_cpu:.2f}x). Cores each run got (CPU time / wall time): local "
        f"{local_cpu / best_local['seconds']:.2f}, Ray warm {warm_profile['cpu'] / warm['seconds']:.2f} of "
        f"{warm['workers']}; the rest of the machine's 2 cores went to its other work (the load average "
        "above). Cold, each worker process also starts, imports prism and loads Kiwi, once: the tasks after "
        "that reuse it.",
        "",
        f"Per task: a no-op task round trip takes {costs['noop_task'] * 1000:.1f} ms (2 in flight); a task's "
        f"function and id range pickle to {costs['spec_bytes']:,} bytes and unpickle in "
        f"{costs['spec_load'] * 1e6:.0f} µs; the driver connects in {costs['connect']:.2f} s.",
        "",
        "Run with `--database-url postgresql://…` (a server it may create a database on) and "
        "`--ray-address HOST:PORT` (or PRISM_TEST_DATABASE_URL and PRISM_RAY_ADDRESS).",
    ]
    publish("enrich_scale", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

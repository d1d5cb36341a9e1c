"""Benchmark: brief one reader type and all 8 from pools of 1k, 10k and 100k enriched articles.

    python bench/brief.py [--sizes 1000 10000 100000] [--no-write]

Pools are made by replicating the 1,360 shared articles with new ids, sources and dates spread over 30
days (a copy shares its text, hence its analysis, with the original: enrichment is not what is measured
here). Each size runs in its own process, so peak memory is its own. Timed, with the pool already
enriched and loaded: `recommend` + `compose` for one persona (first call, then warm, best of 5) and for
all 8 (warm). Beside it, in the same run, the baseline: a plain BM25 keyword query over the same pool
(the registered "bm25" recommender, numpy). Loading and fitting (stories, term index) are reported
separately.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _report import machine, publish

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "news-ko-8class.jsonl"
SOURCES = ["한빛일보", "한결통신", "다온비즈", "프리즘경제", "새아침경제", "누리뉴스"]


def template(folder: Path) -> Path:
    """Ingest and enrich the shared articles once; return the database file."""
    from prism.config import get_settings
    from prism.ingest import ingest
    from prism.nlp.enrich import enrich
    from prism.store import open_engine

    settings = get_settings(home=folder, database_url=f"sqlite:///{folder / 'base.db'}")
    engine = open_engine(settings.resolved_database_url)
    ingest([str(DATA)], engine=engine, settings=settings)
    enrich(engine)
    engine.dispose()
    return folder / "base.db"


def replicate(base: Path, target: Path, size: int) -> None:
    """Copy the base database and grow it to `size` articles sharing the base texts."""
    shutil.copy(base, target)
    rng = random.Random(size)
    db = sqlite3.connect(target)
    db.execute("DELETE FROM articles WHERE id NOT IN (SELECT id FROM articles ORDER BY id LIMIT ?)", (size,))
    originals = db.execute("SELECT title, body, content_hash FROM articles ORDER BY id").fetchall()
    start = datetime(2026, 10, 29, tzinfo=UTC)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    db.execute(
        "UPDATE articles SET published_at = ?, source = ?",
        ((start + timedelta(days=29)).replace(tzinfo=None).isoformat(sep=" "), SOURCES[0]),
    )
    rows = []
    for i in range(size - len(originals)):
        title, body, digest = originals[rng.randrange(len(originals))]
        when = start + timedelta(seconds=rng.randrange(30 * 86400))
        rows.append(
            (
                f"bench-{i}",
                title,
                body,
                when.replace(tzinfo=None).isoformat(sep=" "),
                rng.choice(SOURCES),
                digest,
                now,
            )
        )
    insert_copies(db, rows)


def insert_copies(db: sqlite3.Connection, rows: list[tuple[str, ...]]) -> None:
    """Store copies of articles: (external id, title, body, published, source, content hash, ingested)."""
    db.executemany(
        "INSERT INTO articles (external_id, title, body, published_at, source, content_hash, ingested_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.commit()
    db.close()


def measure(base: Path, size: int) -> dict[str, float]:
    """Run one size in this process and return its timings (seconds) and peak memory (MiB)."""
    from prism.config import get_settings
    from prism.pipeline import Fitted, edition
    from prism.recommend.base import recommenders
    from prism.recommend.personas import load_personas
    from prism.recommend.pool import load_pool
    from prism.store import open_engine

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pool.db"
        replicate(base, db, size)
        settings = get_settings(home=Path(folder), database_url=f"sqlite:///{db}")
        engine = open_engine(settings.resolved_database_url)
        personas = list(load_personas().values())
        clock = time.perf_counter()
        pool = load_pool(engine)
        loaded = time.perf_counter() - clock
        clock = time.perf_counter()
        recommender = recommenders.get("prism")().fit(pool)
        fitted = time.perf_counter() - clock
        bm25 = recommenders.get("bm25")().fit(pool)

        edition_of = Fitted(
            day=date(2026, 11, 27), window="all", pool=pool, recommender=recommender, notices=()
        )

        def brief(persona) -> None:  # type: ignore[no-untyped-def]
            edition(engine, settings, edition_of, persona)

        def timed(action) -> float:  # type: ignore[no-untyped-def]
            clock = time.perf_counter()
            action()
            return time.perf_counter() - clock

        first = timed(lambda: brief(personas[0]))
        warm = min(timed(lambda: brief(personas[0])) for _ in range(5))
        every = min(timed(lambda: [brief(p) for p in personas]) for _ in range(2))
        baseline = min(timed(lambda: bm25.recommend(personas[0])) for _ in range(5))
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "size": len(pool),
        "texts": pool.texts,
        "load": loaded,
        "fit": fitted,
        "first": first,
        "warm": warm,
        "all8": every,
        "baseline": baseline,
        "peak_mib": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--base", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.base, args.one)))
        return
    if not DATA.exists():
        sys.exit(f"{DATA} not found: this benchmark reads the shared development data")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        base = template(Path(folder))
        for size in args.sizes:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(size), "--base", str(base)],
                check=True,
                capture_output=True,
                text=True,
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    lines = [
        "## Briefing (`bench/brief.py`)",
        "",
        "Pools made by replicating the 1,360 shared articles (new ids, sources, dates over 30 days; copies "
        "share their text's analysis). Pool enriched and loaded before the clock; one process per size. "
        f"Machine: {machine()}.",
        "",
        "| pool | load | fit (stories, index) | 1 persona, first | 1 persona, warm | all 8, warm "
        "| baseline: BM25 query | peak memory |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {int(r['size']):,} | {r['load']:.2f} s | {r['fit']:.2f} s | {r['first'] * 1000:.0f} ms | "
            f"{r['warm'] * 1000:.0f} ms | {r['all8'] * 1000:.0f} ms | {r['baseline'] * 1000:.0f} ms | "
            f"{r['peak_mib']:,.0f} MiB |"
        )
    lines += [
        "",
        "One persona = `recommend` (score every article, MMR over stories) + `compose` (load 6 analyses, "
        "summaries, lead, sections, keywords).",
    ]
    publish("brief", lines, write=not args.no_write)


if __name__ == "__main__":
    main()

"""Every reader's own edition of a day, built in blocks of readers and stored compactly.

`build_all` shards the readers' ids into blocks and maps `build_block` over them with an executor (see
prism.scale.executor). A block loads the day's fitted pool (once per process: later blocks of the same
date, window and store reuse it), skips readers who have an edition of the date already, scores the rest
together (prism.recommend.batch), and stores their picks in batches. When every block is done, tasks of
`pieces_block` write the 핵심 요약 of each article the editions show, once for every reader
(prism.write.pieces; with the `openai` writer, where `build_all` runs: one model call per article). An
edition is composed from its picks and those pieces when it is read (`pipeline.stored_reader_edition`).
A rerun after a crash builds only what is missing; no reader gets two editions of one date, no article
two pieces.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from prism.accounts import as_reader
from prism.config import Settings, get_settings
from prism.errors import UsageError
from prism.pipeline import (
    Fitted,
    article_pieces,
    edition_time,
    own_digest,
    parse_date,
    prepare,
    settings_digest,
    stages,
    window_bounds,
)
from prism.recommend.batch import BatchReader, BatchRecommender
from prism.recommend.personas import Persona, load_personas
from prism.recommend.profile import feedback_vector, rocchio_weights
from prism.recommend.recommender import PrismRecommender
from prism.records import Feedback, NewFeedback, Reader, ReaderEdition, StoredPick
from prism.scale import READERS_PER_TASK
from prism.scale.executor import Executor
from prism.store import analyses as stored_analyses
from prism.store import feedback as stored_feedback
from prism.store import open_engine, reading, write_transaction
from prism.store import reader_editions as stored_editions
from prism.store import readers as stored_readers
from prism.write.pieces import MakesPieces, pieces_digest

BLOCK = READERS_PER_TASK
WRITE_EVERY = 1000  # readers scored and stored together: what a killed worker loses at most


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """One task: the editions of `day` for readers with ids in [first, last]. Plain values only, so a
    task pickles small and runs in any process."""

    database_url: str
    home: str
    day: str  # YYYY-MM-DD
    window: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class BlockSummary:
    """What a task did: readers found, editions built and stored, readers skipped (built before)."""

    first: int
    last: int
    readers: int
    built: int
    skipped: int
    seconds: float
    cpu_seconds: float  # the worker process's CPU time on this block (user and system)
    pid: int
    peak_mib: float  # the worker process's peak resident memory so far
    articles: frozenset[int] = frozenset()  # what the block's editions show (built now or before)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What `build_all` did, over every block."""

    day: str
    window: str
    executor: str
    readers: int
    built: int
    skipped: int
    seconds: float
    blocks: tuple[BlockSummary, ...] = field(default=())
    articles: int = 0  # articles the day's editions show
    pieces: int = 0  # of them, pieces written by this run (the rest were stored before)
    pieces_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.built / self.seconds if self.seconds else 0.0


@dataclass
class _Day:
    """What one process keeps for a day's blocks: the fitted pool and its batch recommender."""

    version: tuple[object, ...]
    fitted: Fitted
    position: dict[int, int]  # article id → position in the pool
    batch: BatchRecommender
    personas: Mapping[str, Persona]
    digests: dict[str, str]


_ENGINES: dict[str, Engine] = {}
_DAYS: dict[tuple[str, str, str, str], _Day] = {}
_VECTORS: dict[int, dict[str, float]] = {}  # feedback articles' vectors, by article id
_VECTORS_KEPT = 10_000  # a vector is a few hundred terms


def forget() -> None:
    """Drop what this process keeps between blocks (engines, fitted pools, vectors)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
    _DAYS.clear()
    _VECTORS.clear()


def _engine(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = open_engine(url)
    return engine


def _day(spec: BlockSpec, engine: Engine, settings: Settings) -> _Day:
    with reading(engine) as conn:
        version = stored_analyses.pool_version(conn)
    key = (spec.database_url, spec.home, spec.day, spec.window)
    found = _DAYS.get(key)
    if found is None or found.version != version:
        fitted = prepare(engine, settings, day=parse_date(spec.day, settings), window=spec.window)
        if not isinstance(fitted.recommender, PrismRecommender):
            raise UsageError(
                f"readers' editions are built with the prism recommender, not {settings.recommender!r}"
            )
        personas = load_personas(settings.home)
        _DAYS.clear()  # one day at a time per process
        _VECTORS.clear()  # an id names one article only within its store, and only until re-analysed
        batch = BatchRecommender(fitted.recommender, personas)
        found = _DAYS[key] = _Day(version, fitted, batch.position, batch, personas, {})
    return found


def build_block(spec: BlockSpec) -> BlockSummary:
    """Build and store the editions of one block of readers (see the module docstring)."""
    clock, cpu = time.perf_counter(), time.process_time()
    settings = get_settings(home=Path(spec.home), database_url=spec.database_url)
    engine = _engine(spec.database_url)
    day = _day(spec, engine, settings)
    with reading(engine) as conn:
        accounts = stored_readers.readers_between(conn, first=spec.first, last=spec.last)
        done = stored_editions.built(conn, edition_date=spec.day, reader_ids=[a.id for a in accounts])
        history = stored_feedback.of_readers(conn, first=spec.first, last=spec.last)
        # Feedback on the pool's articles is mixed from their texts' cosines; only feedback on older
        # articles needs their vectors.
        wanted = {f.article_id for items in history.values() for f in items} - day.position.keys()
        wanted -= _VECTORS.keys()
        if len(_VECTORS) + len(wanted) > _VECTORS_KEPT:
            _VECTORS.clear()
        _VECTORS.update(stored_feedback.vectors(conn, article_ids=wanted))
    now = edition_time(day.fitted.day, settings)
    todo = [as_reader(a) for a in accounts if a.id not in done]
    built = 0
    articles: set[int] = set()
    if len(todo) < len(accounts):  # a rerun: what the editions built before show needs its pieces too
        with reading(engine) as conn:
            articles = stored_editions.picked(conn, edition_date=spec.day, first=spec.first, last=spec.last)
    for start in range(0, len(todo), WRITE_EVERY):
        chunk = todo[start : start + WRITE_EVERY]
        items = []
        for reader in chunk:
            items.append(_batch_reader(reader, history.get(reader.id, ()), day, now))
        created = datetime.now(UTC)
        editions = [
            ReaderEdition(
                reader_id=found.reader_id,
                edition_date=spec.day,
                window=day.fitted.window,
                picks=tuple(
                    StoredPick(
                        article_id=day.fitted.pool.article_id(i),
                        kind=kind,
                        score=score,
                        relevance=relevance,
                        filler=filler,
                    )
                    for (i, kind, filler), score, relevance in zip(
                        found.chosen, found.scores, found.relevance, strict=True
                    )
                ),
                settings_digest=own_digest(_digest(day, settings, reader.persona), reader),
                created_at=created,
            )
            for found, reader in zip(day.batch.recommend(items), chunk, strict=True)
        ]
        articles.update(p.article_id for e in editions for p in e.picks)
        with write_transaction(engine) as conn:
            built += stored_editions.save_many(conn, editions=editions)
    return BlockSummary(
        first=spec.first,
        last=spec.last,
        readers=len(accounts),
        built=built,
        skipped=len(accounts) - len(todo),
        seconds=time.perf_counter() - clock,
        cpu_seconds=time.process_time() - cpu,
        pid=os.getpid(),
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        articles=frozenset(articles),
    )


def _batch_reader(reader: Reader, history: Sequence[NewFeedback], day: _Day, now: datetime) -> BatchReader:
    """Return a reader with their feedback as `pipeline.reader_profile` takes it: on articles with an
    analysis, aged at `now`; 👎 articles excluded."""
    text_of = day.fitted.pool.text_of
    if all(f.article_id in day.position for f in history):
        rows = [Feedback(f.article_id, f.kind, f.created_at, {}) for f in history]
        mix: dict[int, float] = {}
        for f, weight in zip(rows, rocchio_weights(rows, now=now), strict=True):
            if weight:
                text = int(text_of[day.position[f.article_id]])
                mix[text] = mix.get(text, 0.0) + weight
        down = frozenset(f.article_id for f in rows if f.kind == "down")
        return BatchReader(reader, mix=tuple(mix.items()), exclude=down)
    rows = [
        Feedback(f.article_id, f.kind, f.created_at, _VECTORS.get(f.article_id, {}))
        for f in history
        if f.article_id in _VECTORS or f.article_id in day.position
    ]
    rows = [r if r.terms or r.article_id not in day.position else _pool_vector(day, r) for r in rows]
    down = frozenset(f.article_id for f in rows if f.kind == "down")
    return BatchReader(reader, feedback=feedback_vector(rows, now=now), exclude=down)


def _pool_vector(day: _Day, item: Feedback) -> Feedback:
    """Return feedback with its article's vector as the pool holds it (its analysis's `terms`)."""
    pool = day.fitted.pool
    columns, weights = pool.vectors.row(pool.text_row(day.position[item.article_id]))
    terms = pool.vocabulary.terms
    vector = {terms[c]: float(w) for c, w in zip(columns.tolist(), weights.tolist(), strict=True)}
    return Feedback(item.article_id, item.kind, item.created_at, vector)


def _digest(day: _Day, settings: Settings, persona_key: str | None) -> str:
    """The settings digest of a reader's reader type (`own_digest` adds their own profile)."""
    key = persona_key if persona_key is not None and persona_key in day.personas else next(iter(day.personas))
    digest = day.digests.get(key)
    if digest is None:
        digest = day.digests[key] = settings_digest(settings, day.personas[key])
    return digest


def blocks(first: int, last: int, *, size: int = BLOCK) -> list[tuple[int, int]]:
    """Return the id ranges [a, b] of `size` ids that cover [first, last]."""
    if size < 1:
        raise UsageError(f"block size {size} must be at least 1")
    return [(a, min(a + size - 1, last)) for a in range(first, last + 1, size)]


def block_specs(settings: Settings, *, day: date, window: str, block: int = BLOCK) -> list[BlockSpec]:
    """Return the tasks of a day's build: `block` reader ids each, over the ids readers have."""
    url = settings.resolved_database_url
    with reading(_engine(url)) as conn:
        first, last, _ = stored_readers.id_range(conn)
    return [
        BlockSpec(url, str(settings.home), day.isoformat(), window, a, b)
        for a, b in blocks(first, last, size=block)
    ]


def build_all(
    settings: Settings,
    *,
    day: str,
    window: str = "24h",
    executor: Executor,
    block: int = BLOCK,
) -> BuildReport:
    """Build every reader's edition of `day` that is not stored yet, `block` reader ids per task."""
    clock = time.perf_counter()
    parsed = parse_date(day, settings)  # a bad date or window is a usage error before any work
    window_bounds(parsed, window, settings)
    stages(settings)  # and so is a writer without its settings
    url = settings.resolved_database_url
    engine = _engine(url)
    with reading(engine) as conn:
        first, _, count = stored_readers.id_range(conn)
    if not count:
        raise UsageError("no readers to build editions for: sign some up (prism users create …)")
    spec = BlockSpec(url, str(settings.home), parsed.isoformat(), window, first, first)
    _day(spec, engine, settings)
    done = tuple(executor.map(build_block, block_specs(settings, day=parsed, window=window, block=block)))
    shown = sorted(set().union(*(d.articles for d in done)))
    pieces_clock = time.perf_counter()
    pieces = _all_pieces(engine, settings, spec, shown, executor)
    return BuildReport(
        day=parsed.isoformat(),
        window=window,
        executor=executor.name,
        readers=sum(d.readers for d in done),
        built=sum(d.built for d in done),
        skipped=sum(d.skipped for d in done),
        seconds=time.perf_counter() - clock,
        blocks=done,
        articles=len(shown),
        pieces=pieces,
        pieces_seconds=time.perf_counter() - pieces_clock,
    )


PIECES_EVERY = 100  # articles whose pieces are made and stored together (one task's)


@dataclass(frozen=True, slots=True)
class PiecesSpec:
    """One task of pieces: those of `article_ids`, which the day's editions show, made under the
    settings `digest` names (the driver's). Plain values only."""

    database_url: str
    home: str
    day: str  # YYYY-MM-DD
    window: str
    digest: str
    article_ids: tuple[int, ...]


def write_pieces(engine: Engine, settings: Settings, fitted: Fitted, article_ids: Sequence[int]) -> int:
    """Make and store the shared pieces (prism.write.pieces) of the articles the day's editions show that
    have none yet: once per article for every reader (with the `openai` writer, one model call each, at
    most PRISM_LLM_CONCURRENCY at a time). Return how many were stored."""
    position = {int(a): i for i, a in enumerate(fitted.pool.ids.tolist())}
    positions = [position[a] for a in article_ids if a in position]
    stored = 0
    for start in range(0, len(positions), PIECES_EVERY):
        _, made = article_pieces(
            engine, settings, fitted.pool, positions[start : start + PIECES_EVERY], ask=True
        )
        stored += made
    return stored


def pieces_block(spec: PiecesSpec) -> int:
    """Write one task's pieces (see `write_pieces`) in a worker; a worker whose settings would make other
    pieces than the driver's refuses, naming why."""
    settings = get_settings(home=Path(spec.home), database_url=spec.database_url)
    if pieces_digest(settings) != spec.digest:
        raise UsageError(
            "this worker's settings (PRISM_SUMMARIZER, PRISM_SUMMARY_CHARS, …) make other 핵심 요약 than "
            "the driver's: give every node the same settings"
        )
    engine = _engine(spec.database_url)
    fitted = _day(
        BlockSpec(spec.database_url, spec.home, spec.day, spec.window, 0, -1), engine, settings
    ).fitted
    return write_pieces(engine, settings, fitted, spec.article_ids)


def _all_pieces(
    engine: Engine, settings: Settings, spec: BlockSpec, article_ids: Sequence[int], executor: Executor
) -> int:
    """Write the pieces of `article_ids`: over the executor's workers (warm from the blocks), or here
    when the writer makes its own (a model's calls: its endpoint, model and key stay with the process
    that was given them)."""
    if isinstance(stages(settings).writer, MakesPieces):
        return write_pieces(engine, settings, _day(spec, engine, settings).fitted, article_ids)
    digest = pieces_digest(settings)
    tasks = [
        PiecesSpec(
            spec.database_url,
            spec.home,
            spec.day,
            spec.window,
            digest,
            tuple(article_ids[a : a + PIECES_EVERY]),
        )
        for a in range(0, len(article_ids), PIECES_EVERY)
    ]
    return sum(executor.map(pieces_block, tasks))

"""The pipeline: the one place that knows the order of the stages and does the I/O between them.

    ingest → enrich → load pool → fit → recommend → write (summarize) → store → render/deliver

The CLI, the scheduler and the web app call these functions, never the stages' modules in sequence
themselves. Only `build_editions` and `enrich_pending` run Kiwi over pending articles; `prepare`, which
the web app calls inside requests, reads what enrichment stored. Stages are found by name in their
registries (`Settings.summarizer`, `.writer`, `.recommender`), and each edition's settings digest
records which implementations built it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from prism import __version__
from prism.config import Settings
from prism.errors import NotFoundError, UsageError
from prism.nlp.enrich import EnrichReport, enrich
from prism.nlp.korean import ANALYZER_VERSION, from_json
from prism.recommend.base import PICKS, Recommender, recommenders
from prism.recommend.bm25 import BM25
from prism.recommend.personas import Persona, load_personas
from prism.recommend.pool import Pool, load_pool
from prism.recommend.profile import feedback_vector, reader_persona
from prism.recommend.reasons import FILLER_REASON
from prism.recommend.recommender import PrismRecommender
from prism.recommend.stories import Stories, cluster
from prism.records import Analysis, Briefing, Pick, Reader, ReaderEdition
from prism.scale.executor import Executor
from prism.store import Bind, open_engine, reading, write_transaction
from prism.store import analyses as stored_analyses
from prism.store import editions as stored_editions
from prism.store import feedback as stored_feedback
from prism.store import pieces as stored_pieces
from prism.store import reader_editions as stored_reader_editions
from prism.summarize.base import Summarizer, summarizers
from prism.summarize.extractive import SELECTION_VERSION
from prism.write.base import Writer, writers
from prism.write.extractive import compose
from prism.write.pieces import (
    MakesPieces,
    Piece,
    digest_of,
    extractive_pieces,
    make_pieces,
    pieces_digest,
)

# Edition windows, widest last: with fewer than 6 candidates a window widens to the next one.
WINDOWS: dict[str, timedelta | None] = {
    "24h": timedelta(hours=24),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
    "all": None,
}
_LABELS = {"24h": "24시간", "3d": "3일", "7d": "7일", "all": "전체 기간"}


def parse_date(text: str | None, settings: Settings) -> date:
    """Return the edition date: YYYY-MM-DD, or today in the configured time zone."""
    if text is None:
        return datetime.now(ZoneInfo(settings.timezone)).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"date {text!r} is not a date in the form YYYY-MM-DD") from None


def window_bounds(day: date, window: str, settings: Settings) -> tuple[datetime | None, datetime | None]:
    """Return [start, end) of an edition window: the `window` before the end of `day` (local time)."""
    if window not in WINDOWS:
        raise UsageError(f"window {window!r} is not one of {', '.join(WINDOWS)}")
    span = WINDOWS[window]
    if span is None:
        return None, None
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(settings.timezone)).astimezone(
        UTC
    )
    return end - span, end


def candidate_pool(engine: Bind, day: date, window: str, settings: Settings) -> tuple[Pool, str, list[str]]:
    """Load the window's pool, widening the window while it holds fewer than 6 articles."""
    names = list(WINDOWS)
    notices: list[str] = []
    for name in names[names.index(window) if window in WINDOWS else 0 :]:
        start, end = window_bounds(day, name, settings)
        pool = load_pool(engine, start=start, end=end)
        if len(pool) >= PICKS or name == "all":
            if name != window:
                widened = f"범위를 {_LABELS[name]}(으)로 넓혔습니다"
                notices.append(f"{_LABELS[window]} 안의 기사가 {PICKS}건보다 적어 {widened}.")
            return pool, name, notices
        if name == names[-1]:
            break
    raise AssertionError("unreachable: the last window is 'all'")


@dataclass(frozen=True, slots=True)
class Stages:
    """The summarizer and writer `settings` name, built (the recommender is built by `fit`)."""

    summarizer: Summarizer
    writer: Writer


def stages(settings: Settings) -> Stages:
    """Return the stages `settings` names; a UsageError lists the names there are, and a writer with a
    `ready(settings)` method (the openai writer) raises a ConfigError there if its settings are missing."""
    recommenders.get(settings.recommender)  # a bad name fails before any work
    writer = writers.get(settings.writer)()
    ready = getattr(writer, "ready", None)
    if callable(ready):
        ready(settings)
    return Stages(summarizer=summarizers.get(settings.summarizer)(), writer=writer)


def settings_digest(settings: Settings, persona: Persona) -> str:
    """Return a digest of everything that shapes an edition besides its articles."""
    shaping = {
        "version": __version__,
        "analyzer": ANALYZER_VERSION,
        "selection": SELECTION_VERSION,
        "persona": persona.model_dump(),
        "settings": settings.model_dump(
            include={
                "brand",
                "publisher",
                "editor_note",
                "copyright",
                "summary_sentences",
                "summary_chars",
                "timezone",
                "summarizer",
                "writer",
                "recommender",
                *(("llm_base_url", "llm_model", "llm_commentary") if settings.writer == "openai" else ()),
            }
        ),
    }
    return digest_of(shaping)


def enrich_pending(
    engine: Engine,
    settings: Settings,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    shards: int | None = None,
) -> EnrichReport:
    """Analyse every stored text not analysed yet (Kiwi with `workers` threads, and the user dictionary
    of the settings' home); the only stage that does. Without an executor, in one stream here; with one,
    as `enrich_range` tasks over `shards` id ranges (default: four per executor worker), each with
    `workers` Kiwi threads."""
    if executor is None:
        return enrich(engine, workers=workers, progress=progress, home=settings.home)
    with reading(engine) as conn:
        report = EnrichReport(already=stored_analyses.count(conn, analyzer=ANALYZER_VERSION))
    ranges = enrich_shards(engine, settings, shards=shards or 4 * executor.workers, workers=workers)
    for done in executor.map(enrich_range, ranges):
        report.analysed += done.analysed
        if progress:
            progress(done.analysed)
    return report


@dataclass(frozen=True, slots=True)
class EnrichShard:
    """One enrichment task: the pending texts first stored under an id in [lo, hi) of a database."""

    database_url: str
    lo: int
    hi: int
    home: Path | None = None  # whose user dictionary Kiwi loads
    workers: int = 1  # Kiwi threads


def enrich_shards(engine: Engine, settings: Settings, *, shards: int, workers: int = 1) -> list[EnrichShard]:
    """Cut the pending texts into at most `shards` id ranges of about as many texts each."""
    with reading(engine) as conn:
        ids = stored_analyses.pending_ids(conn, analyzer=ANALYZER_VERSION)
    if not ids:
        return []
    count = min(shards, len(ids))
    cuts = [ids[len(ids) * k // count] for k in range(count)] + [ids[-1] + 1]
    url = engine.url.render_as_string(hide_password=False)
    return [EnrichShard(url, lo, hi, settings.home, workers) for lo, hi in itertools.pairwise(cuts)]


def enrich_range(shard: EnrichShard) -> EnrichReport:
    """Analyse and store the pending texts of one id range: a task for any executor. It opens its own
    database, and analyses are keyed by content hash, so a task run again (after its worker died) stores
    only what is still pending, and each text ends with exactly one analysis."""
    engine = open_engine(shard.database_url)
    try:
        return enrich(engine, workers=shard.workers, home=shard.home, ids=(shard.lo, shard.hi))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Fitted:
    """A window's pool with the recommender fitted on it: shared by every edition of that window."""

    day: date
    window: str
    pool: Pool
    recommender: Recommender
    notices: tuple[str, ...]

    @cached_property
    def index(self) -> BM25:
        """The pool's BM25 index for search, built on first use (whatever recommender was fitted)."""
        return BM25().fit(self.pool)

    @cached_property
    def stories(self) -> Stories:
        """The pool's stories (articles about one event), for the outlets covering each; built on first
        use."""
        return cluster(self.pool)


def fit(pool: Pool, *, recommender: str, now: float | None) -> Recommender:
    """Return the recommender called `recommender` fitted on `pool` (no I/O)."""
    return recommenders.get(recommender)().fit(pool, now=now)


def prepare(engine: Bind, settings: Settings, *, day: date, window: str = "24h") -> Fitted:
    """Load the window's analysed articles (widened under 6) and fit the recommender; nothing is analysed."""
    window_bounds(day, window, settings)  # a bad window is a usage error before any work
    pool, used, notices = candidate_pool(engine, day, window, settings)
    if not len(pool):
        raise UsageError("no analysed articles to brief from: ingest some first (prism ingest …)")
    _, end = window_bounds(day, used, settings)
    recommender = fit(pool, recommender=settings.recommender, now=end.timestamp() if end else None)
    return Fitted(day=day, window=used, pool=pool, recommender=recommender, notices=tuple(notices))


def shortfall(persona: Persona, picks: Sequence[Pick], *, stories: int) -> list[str]:
    """Return the notice of an edition with fewer picks than asked, or with 참고 filled by the day's
    economic news, saying why: the pool holds too few stories, or too few are about the reader type's
    interests (and too few economic stories are left to fill the rest)."""
    filled = sum(1 for p in picks if p.reasons[:1] == (FILLER_REASON,))
    fitting = len(picks) - filled
    if len(picks) >= PICKS and not filled:
        return []
    if stories < PICKS and len(picks) == stories:
        return [f"이야기가 {stories}개뿐이라 추천 기사가 {PICKS}개보다 적습니다."]
    who = f"오늘은 {persona.name} 관심사에 맞는 기사가"
    because = f"{who} {fitting}건뿐이라" if fitting else f"{who} 없어"  # …so
    and_also = f"{who} {fitting}건뿐이고" if fitting else f"{who} 없고"  # …and
    if len(picks) >= PICKS:
        return [f"{because}, 참고 뉴스 {filled}건은 오늘의 주요 경제 뉴스로 채웠습니다."]
    count = f"추천 기사가 {len(picks)}건입니다." if picks else "추천 기사가 없습니다."
    if filled:
        fill = f"참고 뉴스 {filled}건을 오늘의 주요 경제 뉴스로 채웠고, 더 채울 경제 뉴스가 없어 {count}"
        return [f"{because} {fill}"]
    return [f"{and_also} 채울 경제 뉴스도 없어, {count}"]


def edition(
    engine: Bind,
    settings: Settings,
    fitted: Fitted,
    persona: Persona,
    *,
    feedback: Mapping[str, float] | None = None,
    exclude: Collection[int] = (),
) -> tuple[Briefing, list[Pick]]:
    """Recommend and write one edition (for a reader type, or a reader with their feedback vector);
    articles in `exclude` (say, those the reader gave 👎) are left out."""
    picks = fitted.recommender.recommend(persona, feedback=feedback, exclude=exclude)
    return write_edition(engine, settings, fitted, persona, picks), picks


def write_edition(
    engine: Bind, settings: Settings, fitted: Fitted, persona: Persona, picks: Sequence[Pick]
) -> Briefing:
    """Write the edition of `picks` (관심 first, then 참고) for a reader type, with the notices of its
    window and of a shortfall: the writer writes all of it (with the `openai` writer, one model call
    for the lead and sections besides each article's)."""
    chosen = stages(settings)
    return chosen.writer.write(
        persona=persona,
        date=fitted.day.isoformat(),
        window=fitted.window,
        picks=list(picks),
        pool=fitted.pool,
        analyses=_analyses(engine, fitted.pool, picks),
        settings=settings,
        summarizer=chosen.summarizer,
        notices=[*fitted.notices, *_shortfall(fitted, persona, picks)],
    )


def write_own_edition(
    engine: Bind, settings: Settings, fitted: Fitted, persona: Persona, picks: Sequence[Pick], *, ask: bool
) -> Briefing:
    """Write a reader's own edition of `picks`: composed (`compose`) around each article's shared piece,
    so nothing is written for one reader alone; with `ask`, pieces not stored yet are made by the writer
    (with the `openai` writer, one model call per article, shared by every reader) and stored, else the
    extractive 핵심 요약 stands in for them."""
    chosen = stages(settings)
    pool = fitted.pool
    analyses = _analyses(engine, pool, picks)
    pieces, _ = article_pieces(engine, settings, pool, [p.index for p in picks], ask=ask, analyses=analyses)
    bound = {
        p.article_id: pieces[pool.content_hash(p.index)].of(
            p.article_id, pool.external_ids[p.index] or str(p.article_id)
        )
        for p in picks
    }
    base = compose(
        persona=persona,
        date=fitted.day.isoformat(),
        window=fitted.window,
        picks=list(picks),
        pool=pool,
        analyses=analyses,
        settings=settings,
        summarizer=chosen.summarizer,
        notices=[*fitted.notices, *_shortfall(fitted, persona, picks)],
        given={a: (piece.extractive, piece.ahead) for a, piece in bound.items()},
    )
    shown = tuple(
        dataclasses.replace(pick, summary=bound[pick.article_id].summary)
        if pick.summary == bound[pick.article_id].extractive
        else pick
        for pick in base.picks
    )
    rejected = tuple(r for pick in base.picks for r in bound[pick.article_id].rejected)
    return dataclasses.replace(base, picks=shown, rejected=rejected)


def article_pieces(
    engine: Bind,
    settings: Settings,
    pool: Pool,
    positions: Sequence[int],
    *,
    ask: bool,
    analyses: Mapping[str, Analysis] | None = None,
) -> tuple[dict[str, Piece], int]:
    """Return the shared pieces of the pool's articles at `positions` by content hash, and how many were
    stored now: the stored ones, and the rest made now (by the writer with `ask`, else extractive
    stand-ins) and stored when final. `analyses` by content hash, where the caller has them."""
    chosen = stages(settings)
    digest = pieces_digest(settings)
    hashes = list(dict.fromkeys(pool.content_hash(i) for i in positions))
    with reading(engine) as conn:
        found = stored_pieces.load(conn, digest=digest, content_hashes=hashes)
    missing = [h for h in hashes if h not in found]
    if not missing:
        return found, 0
    if analyses is None or not all(h in analyses for h in missing):
        with reading(engine) as conn:
            rows = stored_analyses.load(conn, content_hashes=set(missing))
        analyses = {h: from_json(row.title_terms, row.sentences) for h, row in rows.items()}
    title = {pool.content_hash(i): pool.titles[i] for i in positions}
    texts = [(title[h], analyses[h]) for h in missing]
    if ask or not isinstance(chosen.writer, MakesPieces):
        made = make_pieces(chosen.writer, texts, settings=settings, summarizer=chosen.summarizer)
    else:  # the writer's own pieces wait for a run that may ask it
        made = [
            dataclasses.replace(p, final=False)
            for p in extractive_pieces(texts, settings=settings, summarizer=chosen.summarizer)
        ]
    fresh = dict(zip(missing, made, strict=True))
    stored = 0
    if any(p.final for p in made):
        with write_transaction(engine) as conn:
            stored = stored_pieces.save(conn, digest=digest, pieces=fresh, at=datetime.now(UTC))
    return found | fresh, stored


def _analyses(engine: Bind, pool: Pool, picks: Sequence[Pick]) -> dict[str, Analysis]:
    """Return the analyses of the picks' texts, by content hash."""
    hashes = {pool.content_hash(p.index) for p in picks}
    with reading(engine) as conn:
        rows = stored_analyses.load(conn, content_hashes=hashes)
    return {digest: from_json(row.title_terms, row.sentences) for digest, row in rows.items()}


def _shortfall(fitted: Fitted, persona: Persona, picks: Sequence[Pick]) -> list[str]:
    """Return the notices of an edition with fewer than six picks, or of 관심 stories it lacks."""
    stories = len(fitted.stories.sizes) if len(picks) < PICKS else PICKS  # clustered only when it matters
    return shortfall(persona, picks, stories=stories)


def build_editions(
    engine: Engine,
    settings: Settings,
    personas: Sequence[Persona],
    *,
    day: date,
    window: str = "24h",
    store: bool = True,
) -> list[Briefing]:
    """Analyse what is pending, then build (and store) one edition per persona for `day` from the
    articles of `window`."""
    stages(settings)  # unknown stage names are a usage error before Kiwi runs
    window_bounds(day, window, settings)
    enrich_pending(engine, settings)
    fitted = prepare(engine, settings, day=day, window=window)
    briefings = []
    for persona in personas:
        briefing, picks = edition(engine, settings, fitted, persona)
        if store:
            with write_transaction(engine) as conn:
                stored_editions.save_edition(
                    conn,
                    persona=persona.key,
                    edition_date=briefing.date,
                    briefing=briefing,
                    article_ids=[p.article_id for p in picks],
                    settings_digest=settings_digest(settings, persona),
                    created_at=datetime.now(UTC),
                    status="published" if settings.auto_publish else "draft",
                )
        briefings.append(briefing)
    return briefings


def reader_edition(
    engine: Bind,
    settings: Settings,
    fitted: Fitted,
    reader: Reader,
    *,
    personas: Mapping[str, Persona] | None = None,
    now: datetime | None = None,
    ask: bool = True,
) -> Briefing:
    """A reader's own edition: their reader type (or the first one) with their keywords, companies and
    topics, reweighted by their feedback (aged at `now`, by default the present); articles they gave 👎
    are left out. `personas` are the reader types by key (by default, read from the settings' home).
    Without `ask`, articles whose shared piece is not stored yet show their extractive 핵심 요약 (a web
    page never waits on a model)."""
    persona, feedback, exclude = reader_profile(engine, settings, reader, personas=personas, now=now)
    picks = fitted.recommender.recommend(persona, feedback=feedback, exclude=exclude)
    return write_own_edition(engine, settings, fitted, persona, picks, ask=ask)


def reader_profile(
    engine: Bind,
    settings: Settings,
    reader: Reader,
    *,
    personas: Mapping[str, Persona] | None = None,
    now: datetime | None = None,
) -> tuple[Persona, dict[str, float], set[int]]:
    """Return what a reader's own edition is built from: their persona (reader type and own profile),
    their feedback vector aged at `now` (default: the present) and the articles they gave 👎."""
    personas = load_personas(settings.home) if personas is None else personas
    base = personas.get(reader.persona or "") or next(iter(personas.values()))
    with reading(engine) as conn:
        rows = stored_feedback.with_vectors(conn, reader_id=reader.id)
    return (
        reader_persona(base, reader),
        feedback_vector(rows, now=now or datetime.now(UTC)),
        {row.article_id for row in rows if row.kind == "down"},
    )


def stored_reader_edition(
    engine: Bind,
    settings: Settings,
    fitted: Fitted,
    reader: Reader,
    stored: ReaderEdition,
    *,
    personas: Mapping[str, Persona] | None = None,
    ask: bool = True,
) -> Briefing:
    """Render a reader's stored edition (built in a batch: its picks only) from the pool it was built
    from and the articles' shared pieces (`ask` as for `reader_edition`); the picks' reasons come from
    the reader's profile as it is now."""
    if not isinstance(fitted.recommender, PrismRecommender):
        raise UsageError(
            f"stored reader editions are built by the prism recommender, not {settings.recommender!r}"
        )
    pool = fitted.pool
    position = {int(a): i for i, a in enumerate(pool.ids.tolist())}
    missing = [p.article_id for p in stored.picks if p.article_id not in position]
    if missing:
        raise NotFoundError(
            f"article {missing[0]} of reader {reader.id}'s edition of {stored.edition_date} is not in the "
            f"{fitted.window} pool any more: build the edition again"
        )
    persona, feedback, _ = reader_profile(
        engine, settings, reader, personas=personas, now=edition_time(fitted.day, settings)
    )
    picks = fitted.recommender.explain(
        persona,
        [(position[p.article_id], p.kind, p.filler) for p in stored.picks],
        score=[p.score for p in stored.picks],
        relevance=[p.relevance for p in stored.picks],
        feedback=feedback,
    )
    return write_own_edition(engine, settings, fitted, persona, picks, ask=ask)


def own_digest(type_digest: str, reader: Reader) -> str:
    """Return the digest a reader's stored edition is built under: their reader type's settings digest
    and their own profile (a change to either leaves the stored edition behind)."""
    profile = (reader.persona, reader.interests, reader.muted, reader.topics, reader.companies)
    return digest_of({"type": type_digest, "reader": [*profile, reader.muted_companies]})


def current_reader_edition(
    engine: Bind,
    settings: Settings,
    fitted: Fitted,
    reader: Reader,
    *,
    personas: Mapping[str, Persona],
) -> Briefing | None:
    """Return the reader's edition of the fitted day as a batch stored it (composed from the articles'
    stored pieces; a page never waits on a model) while it still stands: built from this window, under
    the settings and profile the reader has now, and no feedback from them since. Else None: the caller
    builds the edition live."""
    if not isinstance(fitted.recommender, PrismRecommender):
        return None
    with reading(engine) as conn:
        stored = stored_reader_editions.get(conn, reader_id=reader.id, edition_date=fitted.day.isoformat())
        if stored is None or stored.window != fitted.window:
            return None
        latest = stored_feedback.latest(conn, reader_id=reader.id)
    if latest is not None and latest >= stored.created_at:
        return None
    base = personas.get(reader.persona or "") or next(iter(personas.values()))
    if stored.settings_digest != own_digest(settings_digest(settings, base), reader):
        return None
    try:
        return stored_reader_edition(engine, settings, fitted, reader, stored, personas=personas, ask=False)
    except NotFoundError:  # an article it shows has left the pool
        return None


def edition_time(day: date, settings: Settings) -> datetime:
    """Return the time a batch of readers' editions of `day` counts feedback ages from: the end of the
    day, as freshness is (so every executor and every rerun builds the same editions)."""
    _, end = window_bounds(day, "24h", settings)
    assert end is not None
    return end


SWAP_CANDIDATES = 8


def swap_candidates(
    engine: Bind, settings: Settings, briefing: Briefing, persona: Persona
) -> tuple[Fitted, list[Pick]]:
    """Articles an editor may swap in: the next best of the edition's window for its reader type, from
    stories none of the current picks tells."""
    fitted = prepare(engine, settings, day=date.fromisoformat(briefing.date), window=briefing.window)
    pool = fitted.pool
    current = {p.article_id for p in briefing.picks}
    # Stories of today's pool: the window may hold more articles than when the edition was built.
    of = cluster(pool).of
    taken = {int(of[i]) for i in range(len(pool)) if pool.article_id(i) in current}
    ranked = fitted.recommender.recommend(persona, n=SWAP_CANDIDATES + len(taken), exclude=current)
    return fitted, [p for p in ranked if p.story not in taken][:SWAP_CANDIDATES]


def swap(
    engine: Bind,
    settings: Settings,
    briefing: Briefing,
    persona: Persona,
    *,
    old_article_id: int,
    new_article_id: int,
) -> Briefing:
    """Replace one pick of an edition by one of its swap candidates."""
    fitted, candidates = swap_candidates(engine, settings, briefing, persona)
    chosen = next((p for p in candidates if p.article_id == new_article_id), None)
    if chosen is None:
        raise UsageError(f"article {new_article_id} is not a candidate to swap in")
    digest = fitted.pool.content_hash(chosen.index)
    with reading(engine) as conn:
        row = stored_analyses.load(conn, content_hashes=[digest])[digest]
    parts = stages(settings)
    return parts.writer.replace(
        briefing,
        old_article_id=old_article_id,
        pick=chosen,
        pool=fitted.pool,
        analysis=from_json(row.title_terms, row.sentences),
        settings=settings,
        summarizer=parts.summarizer,
    )

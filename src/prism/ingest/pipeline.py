"""The ingest stage: read inputs, validate, drop exact duplicates, link near duplicates, store in batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InternalError, StatementError

from prism import store
from prism.config import Settings
from prism.errors import ConfigError, FetchError, RecordError, StoreError
from prism.ingest import dedup
from prism.ingest.feeds import is_teaser
from prism.ingest.fetch import Fetched, Fetcher
from prism.ingest.files import Progress
from prism.ingest.normalize import clean_text, content_hash
from prism.ingest.pages import parse_page
from prism.ingest.readers import AUTO
from prism.ingest.sources import check_format, check_inputs, read_input
from prism.ingest.validate import to_new_article
from prism.records import IngestReport, NewArticle, Notice, Rejection, SourceRecord
from prism.store import articles as queries
from prism.store.db import database_problem, describe


def ingest(
    inputs: Sequence[str],
    *,
    engine: Engine,
    settings: Settings,
    fmt: str = AUTO,
    source: str | None = None,
    fetch_pages: bool = False,
    allow_private: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, folders and URLs into the store and return what happened to every record.

    Each batch of `settings.ingest_batch_size` articles is stored in one transaction that excludes other
    writers, so a crash loses at most the batch in flight and concurrent runs never store a duplicate.
    """
    check_format(fmt)
    check_inputs(list(inputs))
    try:
        tz = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"PRISM_TIMEZONE {settings.timezone!r} is not a known time zone") from None
    report = IngestReport()
    writer = _BatchWriter(engine, settings.near_duplicate_threshold, settings.ingest_batch_size, report)
    fetcher: Fetcher | None = None

    def fetch(url: str) -> Fetched:
        nonlocal fetcher
        if fetcher is None:  # made on first use: most runs read only files
            fetcher = Fetcher(
                user_agent=settings.user_agent,
                timeout=settings.http_timeout,
                max_bytes=settings.http_max_bytes,
                max_redirects=settings.http_max_redirects,
                allow_private=allow_private,
            )
        return fetcher.get(url)

    try:
        for spec in inputs:
            first_seen: dict[str, str] = {}  # external id -> where, to catch an id repeated in one input
            for item in read_input(spec, fmt=fmt, fetch=fetch, progress=progress):
                if isinstance(item, Rejection):
                    report.rejected.append(item)
                    continue
                if isinstance(item, Notice):
                    report.warnings.append(item)
                    continue
                try:
                    article = to_new_article(
                        item,
                        tz=tz,
                        max_body_chars=settings.max_body_chars,
                        default_source=source,
                    )
                except RecordError as exc:
                    report.rejected.append(Rejection(item.where, str(exc)))
                    continue
                if article.external_id is not None:
                    if article.external_id in first_seen:
                        first = first_seen[article.external_id]
                        reason = f"id {article.external_id!r} appears again (first at {first})"
                        report.rejected.append(Rejection(item.where, reason))
                        continue
                    first_seen[article.external_id] = item.where
                if fetch_pages and article.url:
                    article = _with_full_page(article, fetch, report)
                writer.add(article)
        writer.flush()
    finally:
        if fetcher is not None:
            fetcher.close()
    return report


def _with_full_page(article: NewArticle, fetch: Callable[[str], Fetched], report: IngestReport) -> NewArticle:
    """Replace a feed teaser by the article page's text; keep the teaser (and warn) if that fails."""
    if article.url is None or not is_teaser(article.body):
        return article
    where = article.origin or article.url
    try:
        fetched = fetch(article.url)
    except FetchError as exc:
        report.warnings.append(Notice(where, f"kept the teaser; fetching the page failed: {exc}"))
        return article
    for item in parse_page(fetched.data, name=article.url, url=fetched.url):
        if not isinstance(item, SourceRecord):
            report.warnings.append(Notice(where, f"kept the teaser; {item.reason}"))
            return article
        body = clean_text(str(item.fields.get("body", "")))
        if len(body) > len(article.body):
            return replace(article, body=body, content_hash=content_hash(article.title, body))
    return article


@dataclass
class _BatchWriter:
    """Collect articles and store each full batch in one write transaction."""

    engine: Engine
    threshold: float
    batch_size: int
    report: IngestReport
    pending: list[NewArticle] = field(default_factory=list)

    def add(self, article: NewArticle) -> None:
        self.pending.append(article)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        self._write(batch)

    def _write(self, batch: list[NewArticle]) -> None:
        """Store `batch` in one transaction; if the database refuses a record, store the others without it."""
        try:
            with store.write_transaction(self.engine) as conn:
                stored, near = _store_batch(conn, batch, threshold=self.threshold)
        except StatementError as exc:
            problem = database_problem(exc)
            if problem is not None:  # the database itself failed: no record is to blame
                raise StoreError(
                    f"database {describe(self.engine)}: {problem} "
                    f"({self.report.ingested} articles stored before it are kept)"
                ) from None
            reason = _refusal(exc)
            if reason is None:
                raise
            if len(batch) == 1:
                where = batch[0].origin or "-"
                self.report.rejected.append(Rejection(where, f"the database refused it: {reason}"))
                return
            # Halves, recursively: a few refused records cost a few more transactions, not one per record.
            middle = len(batch) // 2
            self._write(batch[:middle])
            self._write(batch[middle:])
            return
        # Counted only once the transaction has committed.
        self.report.ingested += len(stored)
        self.report.duplicates += len(batch) - len(stored)
        self.report.near_duplicates += near
        for article in stored:
            self.report.warnings += [Notice(article.origin or "-", repair) for repair in article.repairs]


def _refusal(exc: StatementError) -> str | None:
    """Return the database's reason when it refused a value (too long, a constraint, a trigger), else None
    (a fault in our SQL or the schema, which no record causes)."""
    if isinstance(exc, DBAPIError) and not isinstance(exc, DataError | IntegrityError | InternalError):
        return None
    return str(exc.orig if isinstance(exc, DBAPIError) else exc).strip().splitlines()[0]


def _store_batch(
    conn: Connection, batch: Sequence[NewArticle], *, threshold: float
) -> tuple[list[NewArticle], int]:
    """Store one batch inside the caller's write transaction; return (articles stored, near duplicates)."""
    fresh = _drop_exact_duplicates(conn, batch)
    if not fresh:
        return [], 0
    keys = dedup.band_keys(dedup.signatures([a.body for a in fresh]))
    targets = _find_canonicals(conn, fresh, keys, threshold=threshold)
    ids = queries.reserve_ids(conn, count=len(fresh))
    canonical = [None if t is None else t[1] if t[0] == "stored" else ids[t[1]] for t in targets]
    queries.insert_articles(conn, rows=fresh, ids=ids, canonical_of=canonical, ingested_at=datetime.now(UTC))
    # In key order, B-tree inserts touch each page once instead of jumping around the index.
    owners = np.repeat(np.asarray(ids, dtype=np.int64), keys.shape[1])
    order = np.argsort(keys.ravel(), kind="stable")
    queries.insert_bands(
        conn, rows=list(zip(keys.ravel()[order].tolist(), owners[order].tolist(), strict=True))
    )
    return fresh, sum(c is not None for c in canonical)


def _drop_exact_duplicates(conn: Connection, batch: Sequence[NewArticle]) -> list[NewArticle]:
    """Return the articles whose identity (URL, external id, else content hash) is not stored yet."""
    anonymous = [a.content_hash for a in batch if a.url is None and a.external_id is None]
    known = queries.find_known(
        conn,
        urls=[a.url for a in batch if a.url],
        external_ids=[a.external_id for a in batch if a.external_id],
        content_hashes=anonymous,
    )
    urls, ids, hashes = set(known.urls), set(known.external_ids), set(known.content_hashes)
    fresh = []
    for article in batch:
        if (
            (article.url and article.url in urls)
            or (article.external_id and article.external_id in ids)
            or (article.url is None and article.external_id is None and article.content_hash in hashes)
        ):
            continue
        fresh.append(article)
        urls.add(article.url or "")
        ids.add(article.external_id or "")
        hashes.add(article.content_hash)
    return fresh


Target = tuple[str, int]  # ("stored", article id) or ("batch", index in the batch)


def _find_canonicals(
    conn: Connection, fresh: Sequence[NewArticle], keys: np.ndarray, *, threshold: float
) -> list[Target | None]:
    """Return, for each new article, the canonical article it near-duplicates (stored or earlier in batch)."""
    matches = queries.find_band_matches(conn, keys=keys.ravel().tolist())
    _, inverse, counts = np.unique(keys.ravel(), return_inverse=True, return_counts=True)
    repeated = (counts[inverse] > 1).reshape(keys.shape)  # band keys shared inside the batch
    hit_stored = np.isin(keys, np.fromiter(matches, dtype=np.int64, count=len(matches)))
    stored = queries.get_texts(conn, ids={a for ids in matches.values() for a in ids})
    shingles: dict[Target, np.ndarray] = {}

    def text_of(target: Target) -> tuple[str, str]:
        kind, value = target
        if kind == "stored":
            return stored[value].body, stored[value].content_hash
        return fresh[value].body, fresh[value].content_hash

    def same_story(one: Target, other: Target) -> bool:
        (body, digest), (other_body, other_digest) = text_of(one), text_of(other)
        if digest == other_digest:  # the very same text: no need to compare shingles
            return True
        for target, text in ((one, body), (other, other_body)):
            if target not in shingles:
                shingles[target] = dedup.shingle_hashes(text)
        return dedup.is_near_duplicate(shingles[one], shingles[other], threshold=threshold)

    result: list[Target | None] = [None] * len(fresh)
    holders: dict[int, list[int]] = {}  # shared band key -> earlier articles of the batch holding it
    # Only articles sharing a band with something can be near duplicates; the rest need no look.
    for index in np.flatnonzero(repeated.any(axis=1) | hit_stored.any(axis=1)).tolist():
        row = keys[index]
        in_store = sorted({a for k in row[hit_stored[index]].tolist() for a in matches[k]})
        shared = row[repeated[index]].tolist()
        earlier = sorted({j for k in shared for j in holders.get(k, ())})
        for candidate in [("stored", a) for a in in_store] + [("batch", j) for j in earlier]:
            if same_story(("batch", index), candidate):
                result[index] = _canonical(candidate, stored, result)
                break
        for k in shared:
            holders.setdefault(k, []).append(index)
    return result


def _canonical(
    candidate: Target, stored: dict[int, queries.StoredText], result: Sequence[Target | None]
) -> Target:
    """Follow a near duplicate to the canonical article it is linked to."""
    kind, value = candidate
    if kind == "stored":
        linked = stored[value].canonical_of
        return ("stored", linked) if linked is not None else candidate
    return result[value] or candidate

"""Rendering a page: every page gets the visitor's CSRF token, set as a cookie the first time."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy import Connection

from prism.brief.render import date_label, safe_url
from prism.config import Settings
from prism.errors import UsageError
from prism.pipeline import Fitted, current_reader_edition, parse_date, prepare, reader_edition
from prism.recommend.personas import Persona
from prism.records import Briefing, BriefPick, Reader
from prism.store import analyses as stored_analyses
from prism.store import feedback as stored_feedback
from prism.web.cache import Latest, Refresher
from prism.web.personas import personas
from prism.web.security import csrf_token


def page(
    request: Request,
    templates: Environment,
    settings: Settings,
    name: str,
    *,
    status_code: int = 200,
    **values: object,
) -> HTMLResponse:
    """Render template `name` with `brand`, `csrf` and `values`."""
    response = HTMLResponse(status_code=status_code)
    token = csrf_token(request, response, settings)
    response.body = response.render(
        templates.get_template(name).render(brand=settings.brand, csrf=token, **values)
    )
    response.headers["content-length"] = str(len(response.body))
    return response


def edition_page(
    request: Request,
    templates: Environment,
    settings: Settings,
    briefing: Briefing,
    *,
    feedback_next: str | None = None,
    own: bool = False,
) -> HTMLResponse:
    """An edition in the site's layout; picks link to their article pages, and carry 👍 / 👎 forms
    (returning to `feedback_next`) for a signed-in reader."""

    def article_href(pick: BriefPick) -> str:
        return f"/articles/{pick.article_id}?ref=edition"

    return page(
        request,
        templates,
        settings,
        "edition.html",
        b=briefing,
        date_label=date_label(briefing.date),
        safe_url=safe_url,
        article_href=article_href,
        feedback={"next": feedback_next} if feedback_next else None,
        own=own,
        og=None
        if own
        else open_graph(
            settings,
            f"/briefings/{briefing.persona}/{briefing.date}",
            f"{briefing.title} · {briefing.persona_name} · {date_label(briefing.date)}",
            " ".join(q.text for q in briefing.lead[0]) if briefing.lead else briefing.title,
        ),
    )


class FittedPools:
    """Today's fitted pools of the web app by window, shared by every request: each is fitted when first
    asked for, then refitted in the background when the store's pool version has moved on (articles
    ingested or analysed), at most once every PAUSE_S, the previous one served meanwhile."""

    KEEP = 8  # names kept: today's windows, and yesterday's for requests around midnight
    PAUSE_S = 10.0  # between two refits of a window: new articles reach the pages within about that
    CHECK_S = 1.0  # between two reads of the store's version for a window, after the pause

    def __init__(self, refresher: Refresher, *, pause: float = PAUSE_S, check: float = CHECK_S) -> None:
        self._fitted = Latest[Fitted](
            refresher, keep=self.KEEP, version=stored_analyses.pool_version, pause=pause, check=check
        )

    def get(self, conn: Connection, settings: Settings, window: str) -> Fitted:
        """Return today's pool for `window` with the recommender fitted on it."""
        day = parse_date(None, settings)

        def compute(fresh: Connection) -> Fitted:
            made = prepare(fresh, settings, day=day, window=window)
            if window == "all":  # search's index and the stories of the outlets, built before it is served
                made.index  # noqa: B018
                made.stories  # noqa: B018
            return made

        return self._fitted.get(conn, (day.isoformat(), window), compute)


@dataclass(frozen=True, slots=True)
class _OwnEdition:
    fitted: Fitted
    personas: Mapping[str, Persona]
    reader: Reader
    feedback: tuple[int, int | None]
    made: float  # time.monotonic()
    briefing: Briefing


class OwnEditions:
    """Each signed-in reader's own edition, kept while what makes it stays the same: the reader types, the
    reader's profile and their feedback, and the day's fitted pool. A new pool (articles analysed since)
    counts once the edition is POOL_LAG_S old: while the pipeline analyses, the pool is refitted every
    few seconds, and a reader need not wait for their edition to be written again each time. An edition
    is written again after MAX_AGE_S at the latest, so the fading of older feedback counts too. The
    edition a batch built for the day (`prism editions build --readers all`) is shown while it stands
    (`pipeline.current_reader_edition`); after the reader's feedback or a change to their profile, the
    edition is built live."""

    KEEP = 1024  # readers
    POOL_LAG_S = 60.0
    MAX_AGE_S = 600.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._editions: OrderedDict[int, _OwnEdition] = OrderedDict()
        self.written = 0
        self.from_store = 0  # of those, editions a batch built (prism editions build --readers all)

    def get(
        self,
        conn: Connection,
        settings: Settings,
        fitted: Fitted,
        reader: Reader,
        personas: Mapping[str, Persona],
    ) -> Briefing:
        """Return the reader's own edition from `fitted`."""
        feedback = stored_feedback.version(conn, reader_id=reader.id)
        now = time.monotonic()
        with self._lock:
            found = self._editions.get(reader.id)
        if (
            found is not None
            and found.personas is personas
            and found.reader == reader
            and found.feedback == feedback
            and found.fitted.day == fitted.day
            and (found.fitted is fitted or now - found.made < self.POOL_LAG_S)
            and now - found.made < self.MAX_AGE_S
        ):
            return found.briefing
        briefing = current_reader_edition(conn, settings, fitted, reader, personas=personas)
        stored = briefing is not None
        if briefing is None:
            briefing = reader_edition(conn, settings, fitted, reader, personas=personas, ask=False)
        with self._lock:
            self.written += 1
            self.from_store += stored
            self._editions[reader.id] = _OwnEdition(fitted, personas, reader, feedback, now, briefing)
            self._editions.move_to_end(reader.id)
            while len(self._editions) > self.KEEP:
                self._editions.popitem(last=False)
        return briefing


def own_edition(request: Request, conn: Connection, settings: Settings, reader: Reader) -> Briefing:
    """The reader's own edition: their reader type, their keywords and what their feedback says."""
    editions: OwnEditions = request.app.state.own_editions
    return editions.get(conn, settings, fitted(request, conn, settings, "24h"), reader, personas(request))


def fitted(request: Request, conn: Connection, settings: Settings, window: str) -> Fitted:
    """Today's pool for `window`, fitted once per version of the store and shared by every request (the
    previous version's while the new one is fitted)."""
    pools: FittedPools = request.app.state.fitted_pools
    return pools.get(conn, settings, window)


def local_time(value: datetime, settings: Settings) -> str:
    """A time as readers here read it: in the configured zone (Korea), with the zone named in Korean."""
    zone = ZoneInfo(settings.timezone)
    label = "한국 시간" if settings.timezone in ("Asia/Seoul", "ROK") else settings.timezone
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M} ({label})"


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet covering a story, with one of its articles on it."""

    name: str
    article_id: int
    title: str


def coverage(request: Request, conn: Connection, settings: Settings, article_id: int) -> list[Outlet]:
    """The outlets whose articles are in the same story as `article_id` (near duplicates and other articles
    on the event), this article's own outlet first; empty when the article is not analysed yet."""
    try:
        everything = fitted(request, conn, settings, "all")
    except UsageError:  # nothing analysed yet
        return []
    pool = everything.pool
    position = np.flatnonzero(pool.ids == article_id)
    if not len(position):
        return []
    own = int(position[0])
    story = everything.stories.of[own]
    members = [own, *(int(i) for i in np.flatnonzero(everything.stories.of == story) if i != own)]
    outlets: dict[str, Outlet] = {}
    for i in members:
        name = pool.sources[i] or "출처 미상"
        outlets.setdefault(name, Outlet(name, pool.article_id(i), pool.titles[i]))
    return list(outlets.values())


def open_graph(
    settings: Settings, path: str, title: str, description: str, kind: str = "article"
) -> dict[str, str]:
    """OpenGraph values for link previews in messengers; the URL is built from PRISM_PUBLIC_URL, never from
    the request's Host header."""
    text = " ".join(description.split())
    if len(text) > 160:
        text = text[:159].rstrip() + "…"
    return {
        "type": kind,
        "title": title,
        "description": text,
        "url": settings.public_url.rstrip("/") + path,
    }

"""Rendering a page: every page gets the visitor's CSRF token, set as a cookie the first time."""

from __future__ import annotations

import secrets

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy import Connection

from prism.brief.render import date_label, safe_url
from prism.config import Settings
from prism.pipeline import Fitted, parse_date, prepare
from prism.records import Briefing, BriefPick
from prism.store import analyses as stored_analyses
from prism.web.cache import VersionedCache
from prism.web.deps import CSRF_COOKIE


def secure_cookies(request: Request, settings: Settings) -> bool:
    return settings.cookie_secure or request.url.scheme == "https"


def csrf_token(request: Request, response: Response, settings: Settings) -> str:
    """Return the visitor's CSRF token, setting the cookie the first time."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request, settings),
            path="/",
        )
    return token


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
    )


class FittedPools:
    """Fitted pools of the web app, keyed by day, window and the store's pool version, so a request sees
    every article analysed before it; each is fitted once and shared by every request."""

    KEEP = 8  # keys kept: today's windows, and a few from before the last enrichment

    def __init__(self) -> None:
        self._fitted = VersionedCache[Fitted](self.KEEP)

    def get(self, conn: Connection, settings: Settings, window: str) -> Fitted:
        """Return today's pool for `window` with the recommender fitted on it."""
        day = parse_date(None, settings)
        key = (day.isoformat(), window, *stored_analyses.pool_version(conn))
        return self._fitted.get(key, lambda: prepare(conn, settings, day=day, window=window))


def fitted(request: Request, conn: Connection, settings: Settings, window: str) -> Fitted:
    """Today's pool for `window`, fitted once per version of the store and shared by every request."""
    pools: FittedPools = request.app.state.fitted_pools
    return pools.get(conn, settings, window)

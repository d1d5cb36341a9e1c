"""Build the FastAPI app: one router per resource, settings and the store on `app.state`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine, QueuePool
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.gzip import GZipMiddleware

from prism import __version__
from prism.accounts import LoginThrottle
from prism.config import Settings, get_settings, require_real_secret
from prism.store import open_engine
from prism.store.db import HEAD_REVISION, current_revision
from prism.web import errors
from prism.web.access import AccessLog
from prism.web.cache import Refresher
from prism.web.pages import FittedPools, OwnEditions
from prism.web.personas import PersonaFiles
from prism.web.routes import api, articles, bookmarks, briefings, editor, feeds, me, readers, search, trends
from prism.web.security import HeadAsGet, SecurityHeaders, printable

STATIC = Path(__file__).with_name("static")
SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))  # Swagger UI's files, from a PyPI package

log = logging.getLogger("prism.web")


def templates() -> Environment:
    """Web templates first, then the edition templates they share with `prism brief --format html`."""
    return Environment(
        loader=ChoiceLoader(
            [PackageLoader("prism.web", "templates"), PackageLoader("prism.brief", "templates")]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=printable,  # a NUL or ESC in stored text never reaches a page
    )


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Return the app serving the store behind `engine`; outside development, a real secret is required.

    Called with no arguments (`uvicorn --factory prism.web.app:create_app`, or gunicorn with uvicorn
    workers), it is configured from the environment (PRISM_*) and opens its own engine, whose pool holds
    PRISM_DB_POOL_SIZE connections.
    """
    settings = get_settings() if settings is None else settings
    require_real_secret(settings)
    owned = engine is None
    # One connection more than requests hold at once: the background refresh of shared values (`Refresher`).
    engine = engine or open_engine(settings.resolved_database_url, pool_size=settings.db_pool_size + 1)
    refresher = Refresher(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(refresher.close)
        if owned:
            engine.dispose()

    app = FastAPI(title="AI PRISM", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.templates = templates()
    app.state.refresher = refresher
    app.state.fitted_pools = FittedPools(refresher)
    app.state.trend_series = trends.TrendSeries()
    app.state.persona_files = PersonaFiles(settings.home)
    app.state.own_editions = OwnEditions()
    app.state.login_throttle = LoginThrottle(settings)
    app.state.connection_slots = anyio.CapacityLimiter(served_at_once(engine, settings))
    app.add_middleware(AccessLog)
    app.include_router(briefings.router)
    app.include_router(articles.router)
    app.include_router(readers.router)
    app.include_router(feeds.router)
    app.include_router(me.router)
    app.include_router(editor.router)
    app.include_router(api.router)
    app.include_router(search.router)
    app.include_router(trends.router)
    app.include_router(bookmarks.router)
    app.mount("/api/docs/assets", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    # The last added runs first: security headers wrap everything, HEAD is a GET, then compression.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> str:
        """Swagger UI, every file of it served from here: the docs work offline."""
        page: str = app.state.templates.get_template("api_docs.html").render(brand=settings.brand)
        return page

    def revision() -> str | None:
        with engine.connect() as conn:
            return current_revision(conn)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        """Health: the process answers and the database reads (503 when it does not)."""
        try:
            async with app.state.connection_slots:
                found = await run_in_threadpool(revision)
        except SQLAlchemyError as exc:
            log.error("health check: the database cannot be read: %s", str(exc).splitlines()[0])
            return JSONResponse({"status": "unavailable", "database": "unreadable"}, 503)
        if found != HEAD_REVISION:
            return JSONResponse({"status": "unavailable", "database": "not migrated"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return app


def served_at_once(engine: Engine, settings: Settings) -> int:
    """Requests holding a connection at once: PRISM_DB_POOL_SIZE, but no more than the engine's pool keeps
    (so its overflow is never needed)."""
    pool = engine.pool
    return min(settings.db_pool_size, pool.size()) if isinstance(pool, QueuePool) else settings.db_pool_size

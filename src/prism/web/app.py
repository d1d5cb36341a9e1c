"""Build the FastAPI app: one router per resource, settings and the store on `app.state`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

from prism import __version__
from prism.config import Settings, require_real_secret
from prism.web import errors
from prism.web.pages import FittedPools
from prism.web.routes import api, articles, bookmarks, briefings, editor, feeds, me, readers, search, trends
from prism.web.security import HeadAsGet, SecurityHeaders, printable

STATIC = Path(__file__).with_name("static")
SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))  # Swagger UI's files, from a PyPI package


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


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    """Return the app serving the store behind `engine`; outside development, a real secret is required."""
    require_real_secret(settings)
    app = FastAPI(title="AI PRISM", version=__version__, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.templates = templates()
    app.state.fitted_pools = FittedPools()
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

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: the process answers (the load benchmark's baseline, too)."""
        return {"status": "ok"}

    return app

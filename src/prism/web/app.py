"""Build the FastAPI app: one router per resource, settings and the store on `app.state`."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from prism import __version__
from prism.config import Settings, require_real_secret
from prism.web.pages import FittedPools
from prism.web.routes import api, articles, briefings, editor, feeds, me, readers, search, trends


def templates() -> Environment:
    """Web templates first, then the edition templates they share with `prism brief --format html`."""
    return Environment(
        loader=ChoiceLoader(
            [PackageLoader("prism.web", "templates"), PackageLoader("prism.brief", "templates")]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    """Return the app serving the store behind `engine`; outside development, a real secret is required."""
    require_real_secret(settings)
    app = FastAPI(title="AI PRISM", version=__version__, docs_url="/api/docs", redoc_url=None)
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

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: the process answers (the load benchmark's baseline, too)."""
        return {"status": "ok"}

    @app.exception_handler(StarletteHTTPException)
    async def _page_for_errors(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc.detail)}, exc.status_code, headers=exc.headers)
        location = (exc.headers or {}).get("Location")
        if 300 <= exc.status_code < 400 and location:
            return RedirectResponse(location, exc.status_code)
        page = app.state.templates.get_template("error.html").render(
            brand=settings.brand, status=exc.status_code, message=str(exc.detail)
        )
        return HTMLResponse(page, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": problems}, status.HTTP_422_UNPROCESSABLE_ENTITY)
        page = app.state.templates.get_template("error.html").render(
            brand=settings.brand, status=400, message=problems
        )
        return HTMLResponse(page, status_code=400)

    return app

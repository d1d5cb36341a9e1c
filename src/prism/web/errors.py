"""Errors as users see them: the API answers RFC 9457 problem details (application/problem+json), pages a
Korean error page. A bad request value is a 400 naming the parameter; nothing shows a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from prism.config import Settings
from prism.web.security import add_security_headers

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """An RFC 9457 problem: `type` is about:blank, so `title` is the status's own phrase."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return ProblemResponse(body, status, headers=headers)


def _error_page(request: Request, status: int, message: str) -> Response:
    settings: Settings = request.app.state.settings
    page = request.app.state.templates.get_template("error.html").render(
        brand=settings.brand, status=status, message=message
    )
    return HTMLResponse(page, status_code=status)


def _where(location: tuple[Any, ...]) -> str:
    """A parameter's name as the request spelled it: `query.limit` → limit, `body.article_id` → article_id."""
    parts = [str(p) for p in location]
    if len(parts) > 1 and parts[0] in ("query", "path", "body", "header"):
        parts = parts[1:]
    return ".".join(parts)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if is_api(request):
        return problem(request, exc.status_code, str(exc.detail), headers=exc.headers)
    location = (exc.headers or {}).get("Location")
    if 300 <= exc.status_code < 400 and location:
        return RedirectResponse(location, exc.status_code)
    return _error_page(request, exc.status_code, str(exc.detail))


async def bad_request(request: Request, exc: RequestValidationError) -> Response:
    errors = [{"name": _where(tuple(e["loc"])), "reason": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['name']}: {e['reason']}" for e in errors)
    if is_api(request):
        return problem(request, 400, detail, errors=errors)
    return _error_page(request, 400, detail)


async def server_error(request: Request, exc: Exception) -> Response:
    """A failure of ours: logged with its traceback, shown as one line. This answer leaves through
    Starlette's outermost middleware, so it carries the security headers itself."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    message = "서버 오류가 발생했습니다. 잠시 뒤 다시 시도해 주세요."
    response = problem(request, 500, message) if is_api(request) else _error_page(request, 500, message)
    add_security_headers(MutableHeaders(raw=response.raw_headers))
    return response


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, bad_request)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, server_error)

"""Request dependencies as named `Annotated` aliases, so route signatures read as prose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from jinja2 import Environment
from sqlalchemy import Connection, Engine

from prism.accounts import session_reader
from prism.config import Settings
from prism.records import Reader
from prism.web.security import SESSION_COOKIE as SESSION_COOKIE
from prism.web.security import csrf_matches


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_connection(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Connection]:
    with engine.connect() as conn:
        yield conn


def get_templates(request: Request) -> Environment:
    templates: Environment = request.app.state.templates
    return templates


def current_reader(request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Reader | None:
    """The signed-in reader, or None."""
    return session_reader(engine, request.cookies.get(SESSION_COOKIE))


def require_reader(reader: Annotated[Reader | None, Depends(current_reader)]) -> Reader:
    """The signed-in reader; others are sent to the log-in page."""
    if reader is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": "/login"})
    return reader


async def verify_csrf(request: Request) -> None:
    """Refuse a form post whose csrf field is not the token of the visitor's session (403)."""
    form = await request.form()
    if not csrf_matches(request, get_settings(request), form.get("csrf")):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "보안 토큰이 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
TemplatesDep = Annotated[Environment, Depends(get_templates)]
CurrentReader = Annotated[Reader | None, Depends(current_reader)]
RequireReader = Annotated[Reader, Depends(require_reader)]
CsrfChecked = Depends(verify_csrf)

"""Request dependencies as named `Annotated` aliases, so route signatures read as prose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from jinja2 import Environment
from sqlalchemy import Connection, Engine

from prism.accounts import session_reader
from prism.config import Settings
from prism.records import Reader
from prism.web.security import SESSION_COOKIE as SESSION_COOKIE
from prism.web.security import csrf_matches

# The dependencies that only read `app.state` are `async def`: FastAPI runs a plain `def` dependency in a
# worker thread, and handing work to a thread and back costs more than reading an attribute.


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    return engine_of(request)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_connection(request: Request) -> AsyncIterator[Connection]:
    """The request's one connection: every read and write of the request goes through it, so a request
    never waits for a second connection while it holds one.

    As many requests hold one as the engine's pool keeps; the others wait here for a turn, on the event
    loop (no thread, no connection). The connection goes back when the route returns, before the response
    is sent, so a slow client holds none.
    """
    slots: anyio.CapacityLimiter = request.app.state.connection_slots
    async with slots:
        conn = await run_in_threadpool(engine_of(request).connect)
        try:
            yield conn
        finally:
            await run_in_threadpool(conn.close)


# scope="function": the connection is closed when the route returns, not after the response is sent.
ConnectionDep = Annotated[Connection, Depends(get_connection, scope="function")]


async def get_templates(request: Request) -> Environment:
    templates: Environment = request.app.state.templates
    return templates


def current_reader(request: Request, conn: ConnectionDep) -> Reader | None:
    """The signed-in reader, or None."""
    return session_reader(conn, request.cookies.get(SESSION_COOKIE))


def require_reader(reader: Annotated[Reader | None, Depends(current_reader)]) -> Reader:
    """The signed-in reader; others are sent to the log-in page."""
    if reader is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": "/login"})
    return reader


async def verify_csrf(request: Request) -> None:
    """Refuse a form post whose csrf field is not the token of the visitor's session (403)."""
    form = await request.form()
    if not csrf_matches(request, settings_of(request), form.get("csrf")):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "보안 토큰이 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
TemplatesDep = Annotated[Environment, Depends(get_templates)]
CurrentReader = Annotated[Reader | None, Depends(current_reader)]
RequireReader = Annotated[Reader, Depends(require_reader)]
CsrfChecked = Depends(verify_csrf)

"""ASGI middleware of the web app: a limit on requests served at once, and the access log."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("prism.access")


class Admission:
    """Serve at most `limit` requests at once; the others wait (on the event loop, holding nothing).

    Each request holds one database connection while it is served, so with `limit` no larger than the
    engine's pool a request never waits for a connection, however many clients come.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.slots = anyio.CapacityLimiter(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.slots:
            await self.app(scope, receive, send)


class AccessLog:
    """Log one JSON line per request: time, method, path (without the query, which may carry a token),
    status, duration in milliseconds and the client's address."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            access_log.info(
                json.dumps(
                    {
                        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": round((time.perf_counter() - start) * 1000, 1),
                        "client": client[0] if client else None,
                    },
                    ensure_ascii=False,
                )
            )

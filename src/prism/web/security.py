"""Security on every response: headers that stop framing, sniffing and injected scripts; CSRF tokens
bound to the visitor's session; stored text stripped of control characters before it reaches a page."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from fastapi import Request, Response
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prism.config import Settings

SESSION_COOKIE = "prism_session"
CSRF_COOKIE = "prism_csrf"

# No page runs an inline script (the API docs load theirs from a file), so scripts come from this origin
# only. Styles may be inline: the pages carry one <style> block and SVG style attributes, and a style
# cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",  # other sites learn the origin, never the path
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_security_headers(headers: MutableHeaders) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


class HeadAsGet:
    """ASGI middleware answering HEAD like GET without the body (every GET route gets HEAD for free)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


# C0 controls but tab, line feed and carriage return; DEL and the C1 controls. A NUL or an ESC in stored
# text would otherwise go raw into the page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(value: Any) -> Any:
    """Strip control characters from a string a template prints (Jinja's `finalize`)."""
    if not isinstance(value, str) or not _CONTROL.search(value):
        return value
    cleaned = _CONTROL.sub("", value)
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


def strip_controls(value: str) -> str:
    """Strip control characters from text bound for XML or HTML (XML 1.0 forbids most of them)."""
    return _CONTROL.sub("", value)


def session_csrf(settings: Settings, session: str) -> str:
    """The CSRF token of a session: an HMAC of its cookie under the secret key, so only a page served to
    that session shows it."""
    key = hashlib.sha256(b"csrf:" + settings.secret_key.encode("utf-8")).digest()
    return hmac.new(key, session.encode("utf-8"), hashlib.sha256).hexdigest()


def expected_csrf(request: Request, settings: Settings) -> str | None:
    """The CSRF token a form post must carry: bound to the session cookie for a signed-in visitor (so a new
    session, at log-in, gets a new token), else the visitor's own random CSRF cookie."""
    session = request.cookies.get(SESSION_COOKIE)
    return session_csrf(settings, session) if session else request.cookies.get(CSRF_COOKIE)


def csrf_matches(request: Request, settings: Settings, sent: object) -> bool:
    expected = expected_csrf(request, settings)
    return isinstance(sent, str) and bool(expected) and secrets.compare_digest(sent, expected or "")


def secure_cookies(request: Request, settings: Settings) -> bool:
    return settings.cookie_secure or request.url.scheme == "https"


def set_csrf_cookie(request: Request, response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, settings),
        path="/",
    )


def csrf_token(request: Request, response: Response, settings: Settings) -> str:
    """Return the token for the page's forms, (re)setting the CSRF cookie when it differs."""
    token = expected_csrf(request, settings) or secrets.token_urlsafe(32)
    if request.cookies.get(CSRF_COOKIE) != token:
        set_csrf_cookie(request, response, settings, token)
    return token


def rotate_csrf(request: Request, response: Response, settings: Settings, session: str | None) -> None:
    """Give the visitor a fresh token as their session changes: bound to the new session at log-in, a new
    random one at log-out (a token seen before either stops working)."""
    token = secrets.token_urlsafe(32) if session is None else session_csrf(settings, session)
    set_csrf_cookie(request, response, settings, token)


def local_path(target: str, default: str) -> str:
    """`target` when it is a path on this site, else `default`: no open redirect through a `next` field
    (browsers read `/\\host` like `//host`)."""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if local and target.isprintable() else default

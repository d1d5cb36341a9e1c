"""Reader accounts: sign-up, log-in, log-out and the reader's own profile. Every form carries a CSRF token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection

from prism.accounts import (
    AccountError,
    LoginThrottle,
    create_token,
    log_in,
    log_out,
    revoke_token,
    sign_up,
    tokens,
    update_profile,
)
from prism.brief.email import verify_unsubscribe
from prism.config import Settings
from prism.nlp.topics import TOPICS
from prism.records import Reader
from prism.store import bookmarks, write_transaction
from prism.store.readers import set_subscribed
from prism.web.deps import (
    SESSION_COOKIE,
    ConnectionDep,
    CsrfChecked,
    CurrentReader,
    RequireReader,
    SettingsDep,
    TemplatesDep,
)
from prism.web.pages import local_time, page
from prism.web.params import PathId
from prism.web.personas import personas as reader_types
from prism.web.security import rotate_csrf, secure_cookies

router = APIRouter(tags=["readers"])


@router.get("/signup", response_class=HTMLResponse)
def signup_form(
    request: Request, settings: SettingsDep, templates: TemplatesDep, reader: CurrentReader
) -> Response:
    if reader is not None:
        return RedirectResponse("/me", status.HTTP_303_SEE_OTHER)
    return page(request, templates, settings, "signup.html", personas=reader_types(request).values())


def login_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, uvicorn's --proxy-headers puts the forwarded one here)."""
    return request.client.host if request.client else "unknown"


@router.post("/signup", dependencies=[CsrfChecked])
def signup(
    request: Request,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    persona: Annotated[str, Form()] = "",
) -> Response:
    personas = reader_types(request)
    try:
        sign_up(conn, email=email, password=password, persona=persona if persona in personas else None)
        _, token = log_in(conn, settings, email=email, password=password)
    except AccountError as exc:
        return page(
            request,
            templates,
            settings,
            "signup.html",
            status_code=400,
            personas=personas.values(),
            error=str(exc),
            email=email,
        )
    return _signed_in(request, settings, token)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: SettingsDep, templates: TemplatesDep) -> Response:
    return page(request, templates, settings, "login.html")


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    try:
        _, token = log_in(
            conn,
            settings,
            email=email,
            password=password,
            client=client_address(request),
            throttle=login_throttle(request),
        )
    except AccountError as exc:
        code = status.HTTP_429_TOO_MANY_REQUESTS if exc.throttled else status.HTTP_400_BAD_REQUEST
        return page(request, templates, settings, "login.html", status_code=code, error=str(exc), email=email)
    return _signed_in(request, settings, token)


def _signed_in(request: Request, settings: Settings, token: str) -> Response:
    response = RedirectResponse("/me", status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, settings),
        path="/",
    )
    rotate_csrf(request, response, settings, token)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, conn: ConnectionDep, settings: SettingsDep) -> Response:
    log_out(conn, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    rotate_csrf(request, response, settings, None)
    return response


@router.get("/me", response_class=HTMLResponse)
def profile(
    request: Request,
    reader: RequireReader,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    return _profile_page(request, conn, reader, settings, templates)


def _profile_page(
    request: Request,
    conn: Connection,
    reader: Reader,
    settings: Settings,
    templates: TemplatesDep,
    saved: bool = False,
    new_token: str | None = None,
) -> Response:
    return page(
        request,
        templates,
        settings,
        "me.html",
        reader=reader,
        personas=reader_types(request).values(),
        topics=TOPICS,
        chosen=dict(reader.topics),
        saved=saved,
        tokens=tokens(conn, reader),
        new_token=new_token,
        bookmarks=_bookmarks(conn, reader, settings),
    )


def _bookmarks(conn: Connection, reader: Reader, settings: Settings) -> list[dict[str, object]]:
    kept = bookmarks.of_reader(conn, reader_id=reader.id)
    return [{"article": article, "at": local_time(at, settings)} for article, at in kept]


@router.post("/me", dependencies=[CsrfChecked])
async def save_profile(
    request: Request,
    reader: RequireReader,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    persona: Annotated[str, Form()] = "",
    interests: Annotated[str, Form()] = "",
    muted: Annotated[str, Form()] = "",
    subscribed: Annotated[str, Form()] = "",
    companies: Annotated[str, Form()] = "",
    muted_companies: Annotated[str, Form()] = "",
) -> Response:
    form = await request.form()
    topics = {topic: str(form.get(f"topic-{topic}") or "") for topic in TOPICS}
    personas = reader_types(request)
    updated = await run_in_threadpool(  # the store is never touched on the event loop
        update_profile,
        conn,
        reader,
        persona=persona if persona in personas else None,
        interests=interests.replace("\n", ",").split(","),
        muted=muted.replace("\n", ",").split(","),
        subscribed=bool(subscribed),
        topics=topics,
        companies=companies.replace("\n", ",").split(","),
        muted_companies=muted_companies.replace("\n", ",").split(","),
    )
    return await run_in_threadpool(_profile_page, request, conn, updated, settings, templates, saved=True)


@router.post("/me/tokens", dependencies=[CsrfChecked])
def new_token(
    request: Request,
    reader: RequireReader,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    name: Annotated[str, Form()] = "API",
) -> Response:
    """Create a personal access token; it is shown once, on this page."""
    token = create_token(conn, reader, name=name)
    return _profile_page(request, conn, reader, settings, templates, new_token=token)


@router.post("/me/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def revoke(token_id: PathId, reader: RequireReader, conn: ConnectionDep) -> Response:
    """Revoke one of the reader's own tokens (another reader's is not found)."""
    if not revoke_token(conn, reader, token_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"토큰 {token_id}을(를) 찾을 수 없습니다.")
    return RedirectResponse("/me", status.HTTP_303_SEE_OTHER)


@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(
    request: Request, settings: SettingsDep, templates: TemplatesDep, token: str = ""
) -> Response:
    """Confirm an unsubscribe link (a GET never changes anything: mail scanners follow links)."""
    email = verify_unsubscribe(settings, token)
    if email is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "수신 거부 링크가 올바르지 않습니다.")
    return page(request, templates, settings, "unsubscribe.html", email=email, token=token)


@router.post("/unsubscribe")
def unsubscribe(
    request: Request, conn: ConnectionDep, settings: SettingsDep, templates: TemplatesDep, token: str = ""
) -> Response:
    """One-click unsubscribe (RFC 8058): the signed token is the authorization, no session needed."""
    email = verify_unsubscribe(settings, token)
    if email is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "수신 거부 링크가 올바르지 않습니다.")
    with write_transaction(conn) as writer:
        set_subscribed(writer, email=email, subscribed=False)
    return page(request, templates, settings, "unsubscribe.html", email=email, token=token, done=True)

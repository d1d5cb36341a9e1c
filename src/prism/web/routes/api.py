"""The JSON API under /api/v1 (OpenAPI docs at /api/docs). Published editions and articles are public;
the reader's own edition needs a personal access token: `Authorization: Bearer prism_…`.

Lists come in pages (`limit`, `cursor`) with the total; editions carry an ETag and a Last-Modified and
answer 304 to a client whose copy is current; errors are RFC 9457 problem details."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status

from prism.accounts import token_reader
from prism.brief.render import as_json
from prism.records import Article, Edition, Reader
from prism.store import analyses, editions
from prism.store import articles as stored
from prism.web.caching import conditional
from prism.web.deps import ConnectionDep, SettingsDep
from prism.web.models import (
    ArticleBrief,
    ArticleOut,
    ArticlePage,
    EditionOut,
    EditionPage,
    PersonaOut,
    Problem,
)
from prism.web.pages import own_edition
from prism.web.personas import personas as reader_types

PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}} for code in (400, 404)
}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=PROBLEMS)
JSON = "application/json"
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]


def token_holder(conn: ConnectionDep, authorization: Annotated[str | None, Header()] = None) -> Reader:
    """The reader whose personal access token the request carries (401 otherwise)."""
    scheme, _, token = (authorization or "").partition(" ")
    reader = token_reader(conn, token.strip()) if scheme.lower() == "bearer" else None
    if reader is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid personal access token is required (Authorization: Bearer prism_…)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return reader


TokenReader = Annotated[Reader, Depends(token_holder)]


def encode_cursor(*values: str | int) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, *kinds: type) -> list[Any]:
    """The values a cursor holds, of the given kinds in order (400 for one this API did not write)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        values = None
    if not (
        isinstance(values, list)
        and len(values) == len(kinds)
        and all(type(v) is k for v, k in zip(values, kinds, strict=True))
    ):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"cursor {cursor[:40]!r} is not one this API gave")
    return values


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _known_persona(request: Request, persona: str | None) -> None:
    if persona is not None and persona not in reader_types(request):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no reader type {persona!r} (see /api/v1/personas)")


@router.get("/personas", response_model=list[PersonaOut])
def personas(request: Request) -> list[PersonaOut]:
    """Every reader type."""
    return [
        PersonaOut(key=p.key, name=p.name, description=p.description) for p in reader_types(request).values()
    ]


def _editions_answer(request: Request, conn: ConnectionDep, payload: object, rows: list[Edition]) -> Response:
    changed = editions.changed_at(conn, editions_=rows)
    last = max(changed.values(), default=None)
    return conditional(request, _json(payload), media_type=JSON, last_modified=last)


@router.get("/editions", response_model=EditionPage)
def edition_list(
    request: Request,
    conn: ConnectionDep,
    settings: SettingsDep,
    day: Annotated[date | None, Query(description="only this date (YYYY-MM-DD)")] = None,
    persona: Annotated[str | None, Query(description="only this reader type")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    """Published editions, newest date first, then by reader type."""
    _known_persona(request, persona)
    after = decode_cursor(cursor, str, str) if cursor else None
    rows, total = editions.published_page(
        conn,
        edition_date=day.isoformat() if day else None,
        persona=persona,
        limit=limit + 1,
        after=(after[0], after[1]) if after else None,
    )
    shown = rows[:limit]
    more = len(rows) > limit
    payload = {
        "items": [as_json(row.briefing) for row in shown],
        "total": total,
        "next_cursor": encode_cursor(shown[-1].edition_date, shown[-1].persona) if more else None,
    }
    return _editions_answer(request, conn, payload, shown)


@router.get("/editions/{persona}/{day}", response_model=EditionOut)
def one_edition(
    persona: str, day: date, request: Request, conn: ConnectionDep, settings: SettingsDep
) -> Response:
    """One published edition in the documented JSON schema (docs/formats.md)."""
    _known_persona(request, persona)
    row = editions.published_edition(conn, persona=persona, edition_date=day.isoformat())
    if row is None:
        raise HTTPException(404, f"no published edition for persona {persona!r} on {day.isoformat()}")
    return _editions_answer(request, conn, as_json(row.briefing), [row])


def _brief(article: Article) -> ArticleBrief:
    return ArticleBrief(
        id=article.display_id,
        title=article.title,
        url=article.url,
        source=article.source,
        published=article.published_at.isoformat() if article.published_at else None,
    )


@router.get("/articles", response_model=ArticlePage)
def article_list(conn: ConnectionDep, limit: Limit = 20, cursor: Cursor = None) -> ArticlePage:
    """Stored articles, newest first (by published time, else the time they were stored)."""
    after = None
    if cursor:
        stamp, article_id = decode_cursor(cursor, str, int)
        try:
            after = (datetime.fromisoformat(stamp), article_id)
        except ValueError:
            raise HTTPException(400, f"cursor {cursor[:40]!r} is not one this API gave") from None
    rows, total = stored.article_page(conn, limit=limit + 1, after=after)
    shown = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = shown[-1]
        next_cursor = encode_cursor((last.published_at or last.ingested_at).isoformat(), last.id)
    return ArticlePage(items=[_brief(a) for a in shown], total=total, next_cursor=next_cursor)


@router.get("/articles/{article_id}", response_model=ArticleOut)
def article(article_id: str, conn: ConnectionDep) -> ArticleOut:
    """An article with its topic and keyphrases (by external id, or by store id)."""
    found = stored.get_article(conn, key=article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    analysis = analyses.load(conn, content_hashes=[found.content_hash]).get(found.content_hash)
    return ArticleOut(
        **_brief(found).model_dump(),
        body=found.body,
        topic=analysis.topic if analysis else None,
        keyphrases=[term for term, _ in analysis.keyphrases] if analysis else [],
    )


@router.get("/me/briefing", response_model=EditionOut, responses={401: PROBLEMS[400]})
def my_briefing(
    request: Request, reader: TokenReader, conn: ConnectionDep, settings: SettingsDep
) -> Response:
    """The token holder's own edition: their reader type, keywords and feedback."""
    briefing = own_edition(request, conn, settings, reader)
    return Response(_json(as_json(briefing)), media_type=JSON)

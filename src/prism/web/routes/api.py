"""The JSON API under /api/v1 (OpenAPI docs at /api/docs). Published editions and articles are public;
the reader's own edition needs a personal access token: `Authorization: Bearer prism_…`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status

from prism.accounts import token_reader
from prism.brief.render import as_json
from prism.pipeline import reader_edition
from prism.recommend.personas import load_personas
from prism.records import Reader
from prism.store import analyses, editions
from prism.store import articles as stored
from prism.web.deps import ConnectionDep, SettingsDep
from prism.web.pages import fitted

router = APIRouter(prefix="/api/v1", tags=["api"])


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


@router.get("/personas")
def personas(settings: SettingsDep) -> list[dict[str, Any]]:
    """Every reader type."""
    return [
        {"key": p.key, "name": p.name, "description": p.description}
        for p in load_personas(settings.home).values()
    ]


@router.get("/editions")
def latest_editions(conn: ConnectionDep, day: str | None = None) -> list[dict[str, Any]]:
    """The published editions of a date (default: the latest date with any)."""
    return [as_json(row.briefing) for row in editions.published(conn, edition_date=day)]


@router.get("/editions/{persona}/{day}")
def one_edition(persona: str, day: str, conn: ConnectionDep) -> dict[str, Any]:
    """One published edition in the documented JSON schema (docs/formats.md)."""
    row = editions.published_edition(conn, persona=persona, edition_date=day)
    if row is None:
        raise HTTPException(404, f"no published edition for persona {persona!r} on {day}")
    return as_json(row.briefing)


@router.get("/articles/{article_id}")
def article(article_id: str, conn: ConnectionDep) -> dict[str, Any]:
    """An article with its topic and keyphrases (by external id, or by store id)."""
    found = stored.get_article(conn, key=article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    analysis = analyses.load(conn, content_hashes=[found.content_hash]).get(found.content_hash)
    return {
        "id": found.display_id,
        "title": found.title,
        "url": found.url,
        "source": found.source,
        "published": found.published_at.isoformat() if found.published_at else None,
        "body": found.body,
        "topic": analysis.topic if analysis else None,
        "keyphrases": [term for term, _ in analysis.keyphrases] if analysis else [],
    }


@router.get("/me/briefing")
def my_briefing(
    request: Request, reader: TokenReader, conn: ConnectionDep, settings: SettingsDep
) -> dict[str, Any]:
    """The token holder's own edition: their reader type, keywords and feedback."""
    return as_json(reader_edition(conn, settings, fitted(request, conn, settings, "24h"), reader))

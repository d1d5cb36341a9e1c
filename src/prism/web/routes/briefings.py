"""Edition pages: today's editions, one edition, a reader type's archive."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from prism.brief.render import date_label
from prism.store import editions
from prism.web.deps import ConnectionDep, CurrentReader, SettingsDep, TemplatesDep
from prism.web.pages import edition_page
from prism.web.personas import personas as reader_types

router = APIRouter(tags=["briefings"])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, conn: ConnectionDep, settings: SettingsDep, templates: TemplatesDep) -> str:
    """The latest published editions, one card per reader type."""
    rows = editions.published(conn)
    briefings = [row.briefing for row in rows]
    order = list(reader_types(request))
    briefings.sort(key=lambda b: order.index(b.persona) if b.persona in order else len(order))
    return templates.get_template("home.html").render(
        brand=settings.brand,
        briefings=briefings,
        date_label=date_label(briefings[0].date) if briefings else None,
    )


@router.get("/briefings/{persona}", response_class=HTMLResponse)
def archive(
    persona: str, request: Request, conn: ConnectionDep, settings: SettingsDep, templates: TemplatesDep
) -> str:
    """Every published edition of one reader type, newest first."""
    personas = reader_types(request)
    if persona not in personas:
        raise HTTPException(404, f"독자 유형 '{persona}'을(를) 찾을 수 없습니다.")
    dates = editions.published_dates(conn, persona=persona)
    return templates.get_template("archive.html").render(
        brand=settings.brand,
        persona=personas[persona],
        dates=[(day, date_label(day)) for day in dates],
    )


@router.get("/briefings/{persona}/{day}", response_class=HTMLResponse)
def edition(
    persona: str,
    day: str,
    request: Request,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    reader: CurrentReader,
) -> Response:
    """One published edition, with links to each pick's article page (and 👍 / 👎 for a signed-in reader)."""
    row = editions.published_edition(conn, persona=persona, edition_date=day)
    if row is None:
        raise HTTPException(404, f"{day} {persona} 브리핑이 없습니다.")
    briefing = row.briefing

    return edition_page(
        request, templates, settings, briefing, feedback_next=request.url.path if reader is not None else None
    )

"""The reader's own edition, and their 👍 / 👎 / click-throughs on picks."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from prism.brief.service import Fitted, edition, fit_window, parse_date
from prism.config import Settings
from prism.recommend.personas import load_personas
from prism.recommend.profile import feedback_vector, reader_persona
from prism.store import feedback as stored_feedback
from prism.store import write_transaction
from prism.web.deps import CsrfChecked, EngineDep, RequireReader, SettingsDep, TemplatesDep
from prism.web.pages import edition_page

router = APIRouter(tags=["me"])
FIT_SECONDS = 300  # a fitted window is reused this long: new articles show up within five minutes


def fitted_window(request: Request, engine: EngineDep, settings: Settings) -> Fitted:
    """Today's window, fitted once and shared by every reader's edition for a few minutes."""
    day = parse_date(None, settings)
    cache: dict[str, tuple[float, Fitted]] = request.app.state.__dict__.setdefault("fitted", {})
    key = day.isoformat()
    hit = cache.get(key)
    if hit is None or time.monotonic() - hit[0] > FIT_SECONDS:
        hit = cache[key] = (time.monotonic(), fit_window(engine, settings, day=day, window="24h"))
    return hit[1]


@router.get("/me/briefing", response_class=HTMLResponse)
def my_briefing(
    request: Request, reader: RequireReader, engine: EngineDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    """The reader's own edition: their reader type, their keywords and what their feedback says."""
    personas = load_personas(settings.home)
    base = personas.get(reader.persona or "") or next(iter(personas.values()))
    with engine.connect() as conn:
        rows = stored_feedback.with_vectors(conn, reader_id=reader.id)
    vector = feedback_vector(rows, now=datetime.now(UTC))
    disliked = {int(row["article_id"]) for row in rows if row["kind"] == "down"}
    briefing, _ = edition(
        engine,
        settings,
        fitted_window(request, engine, settings),
        reader_persona(base, reader),
        feedback=vector,
        exclude=disliked,
    )

    return edition_page(request, templates, settings, briefing, feedback_next="/me/briefing", own=True)


@router.post("/feedback", dependencies=[CsrfChecked])
def give_feedback(
    reader: RequireReader,
    engine: EngineDep,
    article_id: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    next_url: Annotated[str, Form(alias="next")] = "/me/briefing",
) -> Response:
    """Record 👍 or 👎 on a pick and go back to the page it was given on."""
    if kind not in ("up", "down"):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"알 수 없는 피드백입니다: {kind}")
    with write_transaction(engine) as conn:
        stored_feedback.record(
            conn, reader_id=reader.id, article_id=article_id, kind=kind, at=datetime.now(UTC)
        )
    target = next_url if next_url.startswith("/") and not next_url.startswith("//") else "/me/briefing"
    return RedirectResponse(target, status.HTTP_303_SEE_OTHER)

"""The reader's own edition, and their 👍 / 👎 / click-throughs on picks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from prism.records import FeedbackKind
from prism.store import articles as stored_articles
from prism.store import feedback as stored_feedback
from prism.store import write_transaction
from prism.web.deps import ConnectionDep, CsrfChecked, RequireReader, SettingsDep, TemplatesDep
from prism.web.pages import edition_page, own_edition
from prism.web.params import FormId
from prism.web.security import local_path

router = APIRouter(tags=["me"])


@router.get("/me/briefing", response_class=HTMLResponse)
def my_briefing(
    request: Request,
    reader: RequireReader,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """The reader's own edition: their reader type, their keywords and what their feedback says."""
    briefing = own_edition(request, conn, settings, reader)
    return edition_page(request, templates, settings, briefing, feedback_next="/me/briefing", own=True)


@router.post("/feedback", dependencies=[CsrfChecked])
def give_feedback(
    reader: RequireReader,
    conn: ConnectionDep,
    article_id: FormId,
    kind: Annotated[str, Form()],
    next_url: Annotated[str, Form(alias="next")] = "/me/briefing",
) -> Response:
    """Record 👍 or 👎 on a pick and go back to the page it was given on."""
    if kind not in ("up", "down"):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"알 수 없는 피드백입니다: {kind}")
    given: FeedbackKind = "up" if kind == "up" else "down"
    with write_transaction(conn) as writer:
        if stored_articles.get_article(writer, key=f"#{article_id}") is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"기사 {article_id}을(를) 찾을 수 없습니다.")
        stored_feedback.record(
            writer, reader_id=reader.id, article_id=article_id, kind=given, at=datetime.now(UTC)
        )
    return RedirectResponse(local_path(next_url, "/me/briefing"), status.HTTP_303_SEE_OTHER)

"""Bookmarks: a signed-in reader keeps articles to read again; /me lists them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Response, status
from fastapi.responses import RedirectResponse

from prism.store import articles as stored_articles
from prism.store import bookmarks, write_transaction
from prism.web.deps import ConnectionDep, CsrfChecked, RequireReader
from prism.web.params import FormId
from prism.web.security import local_path

router = APIRouter(tags=["bookmarks"])


@router.post("/bookmarks", dependencies=[CsrfChecked])
def bookmark(
    reader: RequireReader,
    conn: ConnectionDep,
    article_id: FormId,
    remove: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form(alias="next")] = "/me",
) -> Response:
    """Bookmark an article (or, with `remove`, drop the bookmark) and go back to the page it was on."""
    with write_transaction(conn) as writer:
        if stored_articles.get_article(writer, key=f"#{article_id}") is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"기사 {article_id}을(를) 찾을 수 없습니다.")
        if remove:
            bookmarks.remove(writer, reader_id=reader.id, article_id=article_id)
        else:
            bookmarks.add(writer, reader_id=reader.id, article_id=article_id, at=datetime.now(UTC))
    return RedirectResponse(local_path(next_url, "/me"), status.HTTP_303_SEE_OTHER)

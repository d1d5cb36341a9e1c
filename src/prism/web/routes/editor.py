"""Editor review: drafts by date and reader type; edit, drop picks, publish or unpublish. Editors only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection

from prism.brief.review import EDITED, Flag, apply_edits, diff, unsupported
from prism.config import Settings
from prism.nlp.korean import from_json
from prism.pipeline import swap, swap_candidates
from prism.recommend.personas import load_personas
from prism.records import Analysis, Briefing, Reader
from prism.store import analyses as stored_analyses
from prism.store import articles as stored_articles
from prism.store import editions, write_transaction
from prism.store.articles import parse_id
from prism.web.deps import ConnectionDep, CsrfChecked, RequireReader, SettingsDep, TemplatesDep
from prism.web.pages import page
from prism.web.params import PathId

router = APIRouter(prefix="/editor", tags=["editor"])


def require_editor(reader: RequireReader) -> Reader:
    if not reader.is_editor:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "편집자만 볼 수 있는 페이지입니다.")
    return reader


RequireEditor = Annotated[Reader, Depends(require_editor)]


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    editor: RequireEditor,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """Every edition, newest date first; drafts wait for review."""
    return page(request, templates, settings, "editor.html", rows=editions.list_editions(conn), editor=editor)


@router.get("/editions/{edition_id}", response_class=HTMLResponse)
def review(
    edition_id: PathId,
    request: Request,
    editor: RequireEditor,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    row = editions.get_edition(conn, edition_id=edition_id)
    if row is None:
        raise HTTPException(404, f"에디션 {edition_id}을(를) 찾을 수 없습니다.")
    briefing = row.briefing
    persona = load_personas(settings.home).get(briefing.persona)
    candidates = swap_candidates(conn, settings, briefing, persona)[1] if persona else []
    titles = {p.article_id: title_of(conn, p.article_id) for p in candidates}
    return page(
        request,
        templates,
        settings,
        "review.html",
        row=row,
        b=briefing,
        candidates=[(p.article_id, titles[p.article_id]) for p in candidates],
        log=editions.edits(conn, edition_id=edition_id),
        flags=flags_of(conn, briefing),
    )


@router.post("/editions/{edition_id}", dependencies=[CsrfChecked])
async def save(
    edition_id: PathId, request: Request, editor: RequireEditor, conn: ConnectionDep, settings: SettingsDep
) -> Response:
    """Apply the form's edits; each change is stored with its editor, time and diff."""
    form = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
    # The store is never touched on the event loop.
    return await run_in_threadpool(_save, conn, settings, editor, edition_id, form)


def _save(
    conn: Connection, settings: Settings, editor: Reader, edition_id: int, form: dict[str, str]
) -> Response:
    def field(name: str) -> str:
        return form.get(name, "")

    # Edits and swaps are worked out first (a swap reads and fits the window), then written in one go.
    row = editions.get_edition(conn, edition_id=edition_id)
    if row is None:
        raise HTTPException(404, f"에디션 {edition_id}을(를) 찾을 수 없습니다.")
    briefing = row.briefing
    edited, changes = apply_edits(
        briefing,
        lead=[field(f"lead-{i}") for i in range(len(briefing.lead))],
        headings=[field(f"heading-{i}") for i in range(len(briefing.sections))],
        summaries={p.article_id: field(f"summary-{p.article_id}") for p in briefing.picks},
        drop={p.article_id for p in briefing.picks if field(f"drop-{p.article_id}")},
    )
    persona = load_personas(settings.home).get(briefing.persona)
    for pick in briefing.picks:
        chosen = parse_id(field(f"swap-{pick.article_id}"))
        still_there = pick.article_id in {p.article_id for p in edited.picks}  # not dropped just now
        if chosen is not None and persona is not None and still_there:
            swapped = swap(
                conn, settings, edited, persona, old_article_id=pick.article_id, new_article_id=chosen
            )
            new_title = next(p.title for p in swapped.picks if p.article_id == chosen)
            changes.append((f"picks[{pick.id}]", diff(pick.title, new_title)))
            edited = swapped
    with write_transaction(conn) as writer:
        now = datetime.now(UTC)
        for name, difference in changes:
            editions.record_edit(
                writer, edition_id=edition_id, editor_id=editor.id, at=now, field=name, diff=difference
            )
        if changes:
            editions.replace_briefing(
                writer,
                edition_id=edition_id,
                briefing=edited,
                article_ids=[p.article_id for p in edited.picks],
            )
    return RedirectResponse(f"/editor/editions/{edition_id}", status.HTTP_303_SEE_OTHER)


@router.post("/editions/{edition_id}/{action}", dependencies=[CsrfChecked])
def publish(edition_id: PathId, action: str, editor: RequireEditor, conn: ConnectionDep) -> Response:
    """Publish (readers see it) or unpublish (back to draft) an edition."""
    if action not in ("publish", "unpublish"):
        raise HTTPException(404, f"알 수 없는 동작입니다: {action}")
    # Publishing with sentences the checker finds unsupported is the editor's call: allowed, and recorded.
    note = action
    if action == "publish":
        row = editions.get_edition(conn, edition_id=edition_id)
        flags = flags_of(conn, row.briefing) if row else []
        if flags:
            lines = [f"{f.field}: {f.sentence} ({f.reason})" for f in flags]
            note = f"publish with {len(flags)} unsupported sentence(s)\n" + "\n".join(lines)
    with write_transaction(conn) as writer:
        found = editions.set_status(
            writer, edition_id=edition_id, status="published" if action == "publish" else "draft"
        )
        if found:
            editions.record_edit(
                writer,
                edition_id=edition_id,
                editor_id=editor.id,
                at=datetime.now(UTC),
                field="status",
                diff=note,
            )
    if not found:
        raise HTTPException(404, f"에디션 {edition_id}을(를) 찾을 수 없습니다.")
    return RedirectResponse(f"/editor/editions/{edition_id}", status.HTTP_303_SEE_OTHER)


def flags_of(conn: ConnectionDep, briefing: Briefing) -> list[Flag]:
    """Return the editor-written sentences of `briefing` that its articles do not support (checked
    against the articles' stored analyses: nothing is analysed again)."""
    if not any(q.index == EDITED for q in briefing.quotes()):
        return []  # nothing an editor wrote: the articles' own sentences need no check
    hashes: dict[int, str] = {}
    for pick in briefing.picks:
        found = stored_articles.get_article(conn, key=f"#{pick.article_id}")
        if found is not None:
            hashes[pick.article_id] = found.content_hash
    rows = stored_analyses.load(conn, content_hashes=set(hashes.values()))
    analyses: dict[int, Analysis] = {
        article_id: from_json(rows[digest].title_terms, rows[digest].sentences)
        for article_id, digest in hashes.items()
        if digest in rows
    }
    return unsupported(briefing, analyses)


def title_of(conn: ConnectionDep, article_id: int) -> str:
    found = stored_articles.get_article(conn, key=f"#{article_id}")
    return found.title if found else str(article_id)

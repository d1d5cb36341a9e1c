"""Article pages: the body with its 핵심 요약 sentences highlighted (provenance made visible)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from prism.brief.render import safe_url
from prism.nlp.korean import from_json
from prism.records import Analysis
from prism.store import analyses, bookmarks, write_transaction
from prism.store import articles as stored
from prism.store import feedback as stored_feedback
from prism.store.articles import parse_id
from prism.summarize.extractive import summarize
from prism.web.deps import ConnectionDep, CurrentReader, SettingsDep, TemplatesDep
from prism.web.pages import coverage, local_time, open_graph, page

router = APIRouter(tags=["articles"])


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of the body: plain, or one of the summary's sentences."""

    text: str
    marked: bool


def highlighted(body: str, spans: Sequence[tuple[int, int]]) -> list[list[Run]]:
    """Split the body into paragraphs of runs, the spans marked (offsets into the body)."""
    runs: list[Run] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor or end > len(body):
            continue
        if start > cursor:
            runs.append(Run(body[cursor:start], False))
        runs.append(Run(body[start:end], True))
        cursor = end
    runs.append(Run(body[cursor:], False))
    paragraphs: list[list[Run]] = [[]]
    for run in runs:
        pieces = run.text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Run(piece, run.marked))
    return [p for p in paragraphs if any(r.text.strip() for r in p)]


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(
    article_id: str,
    request: Request,
    conn: ConnectionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    reader: CurrentReader,
    ref: str | None = None,
) -> Response:
    """An article with its 핵심 요약 highlighted in the body, a link to the original, and the other outlets
    covering the same story.

    Opened from an edition by a signed-in reader, it counts as a click-through in their profile.
    """
    key = parse_id(article_id)
    found = stored.get_article(conn, key=f"#{key}") if key is not None else None
    if found is None:
        raise HTTPException(404, f"기사 {article_id}을(를) 찾을 수 없습니다.")
    if reader is not None and ref == "edition":
        with write_transaction(conn) as writer:
            stored_feedback.record(
                writer, reader_id=reader.id, article_id=found.id, kind="click", at=datetime.now(UTC)
            )
    rows = analyses.load(conn, content_hashes=[found.content_hash])
    analysis: Analysis | None = None
    if found.content_hash in rows:
        row = rows[found.content_hash]
        analysis = from_json(row.title_terms, row.sentences)
    spans: list[tuple[int, int]] = []
    summary: list[str] = []
    if analysis is not None:
        picked = summarize(analysis, sentences=settings.summary_sentences, max_chars=settings.summary_chars)
        chosen = set(picked.source_indices)
        spans = [(s.start, s.end) for s in analysis.sentences if s.index in chosen]
        summary = list(picked.sentences)
    return page(
        request,
        templates,
        settings,
        "article.html",
        article=found,
        url=safe_url(found.url),
        published=local_time(found.published_at, settings) if found.published_at else None,
        paragraphs=highlighted(found.body, spans),
        summary=summary,
        outlets=coverage(request, conn, settings, found.id) if analysis is not None else [],
        bookmarked=reader is not None and bookmarks.has(conn, reader_id=reader.id, article_id=found.id),
        reader=reader,
        og=open_graph(settings, f"/articles/{found.id}", found.title, " ".join(summary) or found.body),
    )

"""Search over articles: the query is read by Kiwi like an article (compounds, lemmas), and articles are
ranked by BM25 of its terms over their titles, bodies and keyphrases."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from prism.nlp.korean import analyze
from prism.web.deps import ConnectionDep, SettingsDep, TemplatesDep
from prism.web.pages import fitted, page

router = APIRouter(tags=["search"])
RESULTS = 20
QUERIES_KEPT = 1024  # analysed queries kept


def query_terms(query: str, home: Path | None = None) -> dict[str, float]:
    """The query's content terms, as Kiwi reads them (금리인하 → 금리인하; 올랐다 → 오르다)."""
    return dict(_terms(query, home))


@functools.lru_cache(maxsize=QUERIES_KEPT)
def _terms(query: str, home: Path | None) -> tuple[tuple[str, float], ...]:
    """Popular queries come again and again: each is read by Kiwi once. (The process keeps its Kiwi, so a
    query reads the same every time; a home's userdict.txt added while serving counts after a restart.)"""
    analysis = analyze(query, "", home=home)
    terms = dict.fromkeys(analysis.title_terms, 1.0)
    words = [w for w in query.split() if len(w) >= 2]
    for word in words:  # a word Kiwi split differently still matches as written
        terms.setdefault(word, 0.5)
    return tuple(terms.items())


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request, conn: ConnectionDep, settings: SettingsDep, templates: TemplatesDep, q: str = ""
) -> Response:
    query = " ".join(q.split())[:200]
    results = []
    if query:
        everything = fitted(request, conn, settings, "all")
        terms = query_terms(query, settings.home)
        if terms:
            pool = everything.pool
            relevance = everything.index.query(terms)[pool.text_of]
            for i in np.argsort(-relevance, kind="stable")[:RESULTS].tolist():
                if relevance[i] <= 0:
                    break
                results.append(
                    {
                        "id": pool.article_id(i),
                        "title": pool.titles[i],
                        "source": pool.sources[i],
                        "keyphrases": [t for t, _ in pool.keyphrases_of(i)[:4]],
                    }
                )
    return page(request, templates, settings, "search.html", query=query, results=results)

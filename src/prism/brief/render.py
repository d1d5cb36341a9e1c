"""Render a Briefing: `text` (the seed edition's layout), `md`, `html` (one standalone page), `json`.

Output formats are renderers in one registry; a plugin adds one with the `renderer` decorator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape

from prism.records import Briefing, BriefPick, Quote
from prism.registry import Registry

SCHEMA_VERSION = 2  # 2: themed sections (article_ids, sources per sentence)

Render = Callable[[Briefing], str]
R = TypeVar("R", bound=Render)

# How renderings set commentary apart from what the articles say (kind "analysis"; PRISM_LLM_COMMENTARY).
ANALYSIS = "AI 해설"


@dataclass(frozen=True, slots=True)
class Renderer:
    """An output format: the function that renders an edition, and how its files are named and served."""

    render: Render
    suffix: str  # file name suffix, without the dot
    media_type: str
    description: str = ""


renderers: Registry[Renderer] = Registry(
    "renderer", "output formats of an edition (prism brief --format NAME)", noun="format"
)


def renderer(name: str, *, suffix: str, media_type: str, description: str = "") -> Callable[[R], R]:
    """Register the decorated function as the output format `name`."""

    def decorate(function: R) -> R:
        renderers.add(name, Renderer(function, suffix, media_type, description))
        return function

    return decorate


def render(briefing: Briefing, fmt: str) -> str:
    """Render in a registered format; a UsageError names the formats there are."""
    return renderers.get(fmt).render(briefing)


def date_label(day: str) -> str:
    """Return YYYY-MM-DD as Korean readers write it: 2026년 11월 27일."""
    year, month, date = day.split("-")
    return f"{int(year)}년 {int(month)}월 {int(date)}일"


def _date(briefing: Briefing) -> str:
    return date_label(briefing.date)


@renderer("text", suffix="txt", media_type="text/plain; charset=utf-8", description="the seed's layout")
def text(briefing: Briefing, *, why: bool = False) -> str:
    """The layout of the seed edition: lead, ■ sections, [관심 뉴스] 1–3, [참고 뉴스] 4–6, [키워드 TOP 5].
    With `why` (the e-mail's plain part), each pick names its outlet and why it was recommended."""
    name = briefing.persona_name
    lines = [
        f"▲ {briefing.title}",
        f"{name} · {_date(briefing)}",
        f"* 편집자 주 : {briefing.editor_note}",
    ]
    lines += [" ".join(q.text for q in paragraph) for paragraph in briefing.lead]
    lines += [f"[{ANALYSIS}] {q.text}" for q in briefing.analysis]
    for section in briefing.sections:
        lines += [f"■ {section.heading}", section.text]
    if briefing.interest:  # none when no story cleared the reader type's floor (the notice says so)
        lines.append(f"[{name} 관심 뉴스]")
    for number, pick in enumerate(briefing.interest, start=1):
        lines += _text_pick(number, pick, why=why)
    if briefing.reference:
        lines.append(f"[{name} 참고 뉴스]")
    for number, pick in enumerate(briefing.reference, start=len(briefing.interest) + 1):
        lines += _text_pick(number, pick, why=why)
    lines += ["[키워드 TOP 5]", ", ".join(briefing.keywords)]
    lines += [f"※ {notice}" for notice in briefing.notices]
    lines.append(briefing.copyright)
    return "\n".join(lines) + "\n"


def _text_pick(number: int, pick: BriefPick, *, why: bool) -> list[str]:
    lines = [f"{number}. {pick.title}"]
    if why and pick.source:
        lines.append(f"- 언론사: {pick.source}")
    lines.append(f"- 핵심 요약: {pick.summary_text}")
    if why and pick.reasons:
        lines.append(f"- 왜 추천됐나요: {' · '.join(pick.reasons)}")
    if safe_url(pick.url):
        lines.append(f"- 원문: {pick.url}")
    return lines


def _md_escape(value: str) -> str:
    for char in "\\`*_[]<>#|":
        value = value.replace(char, "\\" + char)
    return value


@renderer("md", suffix="md", media_type="text/markdown; charset=utf-8", description="Markdown")
def markdown(briefing: Briefing) -> str:
    """The edition as Markdown; article text is escaped so it cannot add markup or links."""
    name = _md_escape(briefing.persona_name)
    out = [
        f"# {_md_escape(briefing.title)}",
        "",
        f"**{name}** · {_date(briefing)}",
        "",
        f"> 편집자 주: {_md_escape(briefing.editor_note)}",
        "",
    ]
    for paragraph in briefing.lead:
        out += [_md_escape(" ".join(q.text for q in paragraph)), ""]
    for q in briefing.analysis:
        out += [f"> **{ANALYSIS}** · {_md_escape(q.text)}", ""]
    for section in briefing.sections:
        out += [f"## ■ {_md_escape(section.heading)}", "", _md_escape(section.text), ""]
    for label, picks, first in (
        ("관심 뉴스", briefing.interest, 1),
        ("참고 뉴스", briefing.reference, len(briefing.interest) + 1),
    ):
        if picks:
            out += [f"## {name} {label}", ""]
        for number, pick in enumerate(picks, start=first):
            title = _md_escape(pick.title)
            heading = (
                f"[{title}](<{pick.url}>)"
                if pick.url and pick.url.startswith(("http://", "https://"))
                else title
            )
            out += [f"{number}. {heading}", f"   - 핵심 요약: {_md_escape(pick.summary_text)}"]
            if pick.reasons:
                out.append(f"   - 추천 이유: {_md_escape(' · '.join(pick.reasons))}")
        out.append("")
    out += ["## 키워드 TOP 5", "", ", ".join(_md_escape(k) for k in briefing.keywords), ""]
    out += [f"> ※ {_md_escape(n)}" for n in briefing.notices]
    out += ["", _md_escape(briefing.copyright), ""]
    return "\n".join(out)


@cache
def templates() -> Environment:
    """Return the Jinja environment of the briefing templates (HTML pages and e-mails), autoescaping."""
    return Environment(
        loader=PackageLoader("prism.brief", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def safe_url(url: str | None) -> str | None:
    """Return the URL when it is http(s), else None (never a javascript: or data: link)."""
    return url if url and url.startswith(("http://", "https://")) else None


@renderer("html", suffix="html", media_type="text/html; charset=utf-8", description="one standalone page")
def html(briefing: Briefing) -> str:
    """One standalone, responsive, accessible page; every article string is escaped."""
    return (
        templates()
        .get_template("briefing.html")
        .render(b=briefing, date_label=_date(briefing), safe_url=safe_url)
    )


def index_html(editions: Sequence[tuple[Briefing, str]]) -> str:
    """A page linking editions (briefing, relative link), one card per reader type."""
    first = editions[0][0]
    return (
        templates()
        .get_template("index.html")
        .render(
            brand=first.brand,
            date=first.date,
            date_label=_date(first),
            editions=[{"briefing": b, "href": href} for b, href in editions],
        )
    )


def as_json(briefing: Briefing) -> dict[str, Any]:
    """The documented JSON form (docs/formats.md); picks carry the external id given at ingest. What a
    writer wrote (kind "written") names every source sentence it rests on; the fields of written
    sentences, commentary and rejected sentences appear only in editions that have them."""
    ids = {pick.article_id: pick.id for pick in briefing.picks}

    def shown(article_id: int) -> str:
        return ids.get(article_id, str(article_id))

    def source(q: Quote) -> dict[str, Any]:
        found: dict[str, Any] = {"article_id": shown(q.article_id), "index": q.index}
        if q.written:
            found["kind"] = q.kind
            found["sources"] = [{"article_id": shown(a), "index": i} for a, i in q.sources]
        return found

    def pick(p: BriefPick) -> dict[str, Any]:
        return {
            "id": p.id,
            "title": p.title,
            "url": p.url,
            "source": p.source,
            "summary": p.summary_text,
            "sentences": [q.text for q in p.summary],
            "source_indices": [q.index for q in p.summary],
            "reasons": list(p.reasons),
            "topic": p.topic,
            "score": p.score,
        } | ({"sources": [source(q) for q in p.summary]} if any(q.written for q in p.summary) else {})

    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "persona": briefing.persona,
        "persona_name": briefing.persona_name,
        "date": briefing.date,
        "window": briefing.window,
        "title": briefing.title,
        "editor_note": briefing.editor_note,
        "lead": [" ".join(q.text for q in paragraph) for paragraph in briefing.lead],
        "lead_sources": [[source(q) for q in paragraph] for paragraph in briefing.lead],
        "sections": [
            {
                "heading": s.heading,
                "text": s.text,
                "article_ids": [shown(a) for a in s.article_ids],
                "sources": [source(q) for q in s.sentences],
            }
            for s in briefing.sections
        ],
        "interest": [pick(p) for p in briefing.interest],
        "reference": [pick(p) for p in briefing.reference],
        "keywords": list(briefing.keywords),
        "notices": list(briefing.notices),
        "copyright": briefing.copyright,
    }
    if briefing.analysis:
        data["analysis"] = [{"text": q.text, **source(q)} for q in briefing.analysis]
    if briefing.rejected:
        data["rejected"] = [
            {**r.as_dict(), "article_ids": [shown(a) for a in r.article_ids]} for r in briefing.rejected
        ]
    return data


@renderer("json", suffix="json", media_type="application/json", description="the documented JSON form")
def json_text(briefing: Briefing) -> str:
    """The documented JSON form as indented UTF-8 text."""
    return json.dumps(as_json(briefing), ensure_ascii=False, indent=2) + "\n"

"""Atom feeds: one per reader type, one entry per published edition."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from prism.brief.render import date_label, text
from prism.store import editions
from prism.web.caching import conditional
from prism.web.deps import ConnectionDep, SettingsDep
from prism.web.personas import personas as reader_types
from prism.web.security import strip_controls

router = APIRouter(tags=["feeds"])
ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 30


def _atom_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get("/feeds/{persona}.xml")
def feed(persona: str, request: Request, conn: ConnectionDep, settings: SettingsDep) -> Response:
    """The reader type's published editions, newest first, as an Atom feed. Its ids and links are built
    from PRISM_PUBLIC_URL, never from the request's Host header (which the client chooses)."""
    personas = reader_types(request)
    if persona not in personas:
        raise HTTPException(404, f"독자 유형 '{persona}'을(를) 찾을 수 없습니다.")
    base = settings.public_url.rstrip("/")
    rows = [
        row
        for day in editions.published_dates(conn, persona=persona)[:ENTRIES]
        if (row := editions.published_edition(conn, persona=persona, edition_date=day)) is not None
    ]
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(
        root, f"{{{ATOM}}}title"
    ).text = f"{settings.brand} 맞춤형 경제 브리핑 · {personas[persona].name}"
    ET.SubElement(root, f"{{{ATOM}}}id").text = f"{base}/feeds/{persona}.xml"
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=f"{base}/feeds/{persona}.xml")
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/briefings/{persona}")
    changed = editions.changed_at(conn, editions_=rows)
    updated = max(changed.values(), default=datetime(2026, 1, 1, tzinfo=UTC))
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _atom_time(updated)
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = settings.publisher
    for row in rows:
        briefing = row.briefing
        link = f"{base}/briefings/{persona}/{briefing.date}"
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(
            entry, f"{{{ATOM}}}title"
        ).text = f"{briefing.persona_name} · {date_label(briefing.date)}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _atom_time(changed[row.id])
        summary = " ".join(q.text for paragraph in briefing.lead for q in paragraph)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = strip_controls(summary)
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = strip_controls(text(briefing))
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    last = max(changed.values(), default=None)
    return conditional(request, body, media_type="application/atom+xml; charset=utf-8", last_modified=last)

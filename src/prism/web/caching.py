"""Conditional GET: an ETag and a Last-Modified on editions and feeds, and 304 Not Modified when the
client's copy is current (If-None-Match first; If-Modified-Since only without it, as RFC 9110 says)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response


def etag_of(body: bytes) -> str:
    """A weak validator: the bytes may go out gzip-compressed or not, and either is the same document."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's cached copy is current."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [_opaque(t) for t in if_none_match.split(",")]
        return "*" in tags or _opaque(etag) in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return _seconds(last_modified) <= since


def _seconds(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def conditional(
    request: Request, body: bytes, *, media_type: str, last_modified: datetime | None
) -> Response:
    """The response for `body`, or 304 without it when the client already has it."""
    etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",  # may be stored, but checked with the server before each use
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(_seconds(last_modified), usegmt=True)
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)

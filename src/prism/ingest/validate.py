"""Turn a raw record into a validated, normalized NewArticle, or say exactly why not."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import tzinfo
from functools import lru_cache
from typing import Any

from prism.errors import RecordError
from prism.ingest.files import BODY_FIELDS, TITLE_FIELDS
from prism.ingest.normalize import (
    canonical_url,
    clean_line,
    clean_text,
    content_hash,
    parse_published,
    plain_chars,
)
from prism.records import NewArticle, SourceRecord

ID_FIELDS = ("id", "external_id", "article_id")
URL_FIELDS = ("url", "link")
PUBLISHED_FIELDS = ("published", "published_at", "date", "datetime", "pubdate", "입력")
SOURCE_FIELDS = ("source", "press", "publisher")
CATEGORY_FIELDS = ("category", "section")
AUTHOR_FIELDS = ("author", "byline", "reporter")
_KNOWN = frozenset(
    ID_FIELDS + TITLE_FIELDS + BODY_FIELDS + URL_FIELDS + PUBLISHED_FIELDS + SOURCE_FIELDS + CATEGORY_FIELDS
    + AUTHOR_FIELDS
)  # fmt: skip
# The store's column widths (PostgreSQL enforces them; a longer value must be refused here, not there).
MAX_ID_CHARS = 200
MAX_TITLE_CHARS = 1000
MAX_NAME_CHARS = {"source": 200, "category": 100, "author": 200}
# Other fields are kept as given, in a JSON column: nested this deep at most, integers of 64 bits.
MAX_EXTRA_DEPTH = 20
_INT64 = range(-(2**63), 2**63)


# A title longer than this, with no body beside it, is an article body filed in the wrong field.
_TITLE_AS_BODY_CHARS = 200
_FIRST_SENTENCE = re.compile(r"^(.{10,120}?[.!?。])(?:\s|$)")


def to_new_article(
    record: SourceRecord,
    *,
    tz: tzinfo,
    max_body_chars: int,
    default_source: str | None = None,
) -> NewArticle:
    """Validate and normalize one record; raise RecordError naming the problem.

    Repairs that kept a record (e.g. an article body filed under `title`) are listed in `repairs`.
    """
    fields = record.fields
    if not _keys_are_normal(tuple(fields)):
        fields = {str(key).strip().lower(): value for key, value in fields.items()}
    raw_title = _text(fields, TITLE_FIELDS, "title")
    raw_body = _text(fields, BODY_FIELDS, "body")
    repairs: tuple[str, ...] = ()
    if not raw_body.strip() and len(raw_title) > _TITLE_AS_BODY_CHARS:
        raw_title, raw_body = _title_from_body(raw_title), raw_title
        repairs = (
            "the body was empty and the title held the article text; its first sentence became the title",
        )
    title = clean_line(raw_title)
    if not title:
        raise RecordError("missing title (expected a 'title' field)")
    if len(title) > MAX_TITLE_CHARS:
        raise RecordError(f"title is {len(title):,} characters; the limit is {MAX_TITLE_CHARS:,}")
    if len(raw_body) > max_body_chars:
        raise RecordError(
            f"body is {len(raw_body):,} characters; the limit is {max_body_chars:,} (PRISM_MAX_BODY_CHARS)"
        )
    body = clean_text(raw_body)
    if not body:
        raise RecordError("missing body (expected a 'body', 'text' or 'content' field)")
    external_id = clean_line(_text(fields, ID_FIELDS, "id")) or None
    if external_id and len(external_id) > MAX_ID_CHARS:
        raise RecordError(f"id is {len(external_id)} characters; the limit is {MAX_ID_CHARS}")
    raw_url = _text(fields, URL_FIELDS, "url")
    url = canonical_url(raw_url) if raw_url.strip() else None
    published = parse_published(_first(fields, PUBLISHED_FIELDS), tz)
    return NewArticle(
        title=title,
        body=body,
        content_hash=content_hash(title, body),
        external_id=external_id,
        url=url,
        published_at=published,
        source=_name(fields, SOURCE_FIELDS, "source") or default_source or record.source_hint,
        category=_name(fields, CATEGORY_FIELDS, "category"),
        author=_name(fields, AUTHOR_FIELDS, "author"),
        extra=_extra(fields),
        origin=record.where,
        repairs=repairs,
    )


@lru_cache(maxsize=64)
def _keys_are_normal(keys: tuple[Any, ...]) -> bool:
    """Return True if field names are already stripped lower-case text (rows of one file share them)."""
    return all(isinstance(key, str) and key == key.strip().lower() for key in keys)


def _title_from_body(text: str) -> str:
    first = clean_text(text).split("\n", 1)[0]
    match = _FIRST_SENTENCE.match(first)
    return match.group(1) if match else first[:100].rstrip() + "…"


def _first(fields: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = fields.get(name)
        if value is not None and value != "":
            return value
    return None


def _text(fields: Mapping[str, Any], names: tuple[str, ...], label: str) -> str:
    value = _first(fields, names)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"{label} must be text, got {type(value).__name__}")
    return str(value)


def _name(fields: Mapping[str, Any], names: tuple[str, ...], label: str) -> str | None:
    value = clean_line(_text(fields, names, label))
    if len(value) > MAX_NAME_CHARS[label]:
        raise RecordError(f"{label} is {len(value)} characters; the limit is {MAX_NAME_CHARS[label]}")
    return value or None


def _extra(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return the fields no column holds, with their text made storable (see `plain_chars`)."""
    return {
        plain_chars(str(key)): _storable(value, str(key), 1)
        for key, value in fields.items()
        if key not in _KNOWN and value is not None
    }


def _storable(value: Any, key: str, depth: int) -> Any:
    if depth > MAX_EXTRA_DEPTH:
        raise RecordError(f"field {key!r} is nested more than {MAX_EXTRA_DEPTH} levels deep")
    if isinstance(value, str):
        return plain_chars(value)
    if isinstance(value, int) and not isinstance(value, bool) and value not in _INT64:
        raise RecordError(f"field {key!r} holds a number too large to store ({len(str(abs(value)))} digits)")
    if isinstance(value, dict):
        return {plain_chars(str(k)): _storable(v, key, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v, key, depth + 1) for v in value]
    return value

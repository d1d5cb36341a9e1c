"""Read RSS and Atom feeds (feedparser) into records."""

from __future__ import annotations

from calendar import timegm
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prism.ingest.files import Item
from prism.ingest.normalize import clean_line
from prism.ingest.pages import html_to_text
from prism.records import Rejection, SourceRecord


def looks_like_feed(data: bytes) -> bool:
    """Return True if bytes start like an RSS, RDF or Atom document."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf"))


def parse_feed(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield one record per feed entry; a broken feed yields the entries it could read, then a rejection."""
    import feedparser  # here, not at the top: it costs 0.1 s of start-up for commands that never parse feeds

    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, feedparser.CharacterEncodingOverride):  # "bozo", yet perfectly usable
        problem = None
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        reason = f": {_describe(problem)}" if problem else ""
        yield Rejection(name, f"not an RSS or Atom feed{reason}")
        return
    feed_title = clean_line(str(parsed.feed.get("title", ""))) or None
    for index, entry in enumerate(entries, start=1):
        title = clean_line(str(entry.get("title", "")))
        yield SourceRecord(
            f"{name} entry {index}" + (f" ({title[:40]!r})" if title else ""),
            _fields(entry),
            source_hint=feed_title,
        )
    if problem is not None:
        yield Rejection(
            name, f"feed is truncated or malformed ({_describe(problem)}); read {len(entries)} entries"
        )


def _describe(problem: Any) -> str:
    line = getattr(problem, "getLineNumber", None)
    where = f" at line {line()}" if callable(line) else ""
    message = getattr(problem, "getMessage", None)
    text = message() if callable(message) else str(problem)
    return f"{text}{where}"


def _fields(entry: Any) -> dict[str, Any]:
    contents = entry.get("content") or []
    html = max((c.get("value", "") for c in contents), key=len, default="") or entry.get("summary", "")
    fields: dict[str, Any] = {"title": entry.get("title", ""), "body": html_to_text(html)}
    if entry.get("link"):
        fields["url"] = entry["link"]
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        fields["published"] = datetime.fromtimestamp(timegm(stamp), UTC)
    elif entry.get("published"):
        fields["published"] = entry["published"]
    if entry.get("author"):
        fields["author"] = entry["author"]
    tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
    if tags:
        fields["category"] = tags[0]
        fields["tags"] = tags
    if entry.get("id"):
        fields["guid"] = entry["id"]
    if entry.get("source", {}).get("title"):
        fields["source"] = entry["source"]["title"]
    return fields


def is_teaser(body: str) -> bool:
    """Return True if a feed entry's text looks like a teaser rather than the whole article."""
    stripped = body.rstrip()
    return len(stripped) < 400 or stripped.endswith(("…", "...", "[더보기]", "더보기"))

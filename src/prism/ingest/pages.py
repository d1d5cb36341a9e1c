"""Extract articles from HTML pages (trafilatura for text and metadata)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prism.ingest.files import Item
from prism.ingest.normalize import DecodeError, decode_bytes
from prism.records import Rejection, SourceRecord

_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "blockquote", "figcaption")


def looks_like_html(data: bytes) -> bool:
    """Return True if bytes start like an HTML document."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def html_to_text(fragment: str) -> str:
    """Return the text of an HTML fragment (feed content), one paragraph per block element."""
    if "<" not in fragment:
        return fragment
    import lxml.html  # here, not at the top: keeps start-up fast for commands that never parse HTML

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return fragment
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "") if element.tag != "br" else "\n" + (element.tail or "")
    text: str = root.text_content()
    return text


def parse_page(data: bytes, *, name: str, url: str | None = None) -> Iterator[Item]:
    """Yield the one article of an HTML page, or a rejection saying why there is none."""
    if not data.strip():
        yield Rejection(name, "file is empty")
        return
    import trafilatura  # here, not at the top: it costs 0.1 s of start-up for commands that never need it

    try:
        markup, _ = decode_bytes(data)
    except DecodeError as exc:
        yield Rejection(name, str(exc))
        return
    document = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M",
        },
    )
    if document is not None and not isinstance(document, dict):
        document = document.as_dict()
    if not document or not (document.get("text") or "").strip():
        yield Rejection(name, "no article text found in the page")
        return
    yield SourceRecord(name, _fields(document, url), source_hint=document.get("sitename") or None)


def _fields(document: dict[str, Any], url: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": document.get("title") or "", "body": document.get("text") or ""}
    page_url = document.get("url") or url
    if page_url and str(page_url).startswith(("http://", "https://")):
        fields["url"] = page_url
    for ours, theirs in (("published", "date"), ("author", "author")):
        if document.get(theirs):
            fields[ours] = document[theirs]
    categories = document.get("categories") or []
    if categories:
        fields["category"] = categories[0] if isinstance(categories, list) else str(categories)
    return fields

"""Input formats: one registry of readers, each saying how to recognise its format and read records.

A reader's `parse` turns the bytes of one input into records (`SourceRecord`), rejections and notices;
`read_file`, when given, streams a file instead of reading it whole. Formats are recognised by a response's
media type, then a file's suffix, then the bytes (`looks_like`, tried in `sniff_rank` order); what nothing
claims is read as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from prism.ingest.feeds import looks_like_feed, parse_feed
from prism.ingest.files import Item, Progress, parse_csv, parse_jsonl, parse_txt, read_jsonl_file
from prism.ingest.pages import looks_like_html, parse_page
from prism.registry import Registry

AUTO = "auto"
FALLBACK = "txt"  # what bytes no reader recognises are read as


class Parse(Protocol):
    def __call__(self, data: bytes, *, name: str, url: str | None) -> Iterator[Item]: ...


@dataclass(frozen=True, slots=True)
class Reader:
    """An input format."""

    parse: Parse
    description: str
    suffixes: tuple[str, ...] = ()  # lower case, with the dot: ".jsonl"
    media_types: tuple[str, ...] = ()  # a fetched response of one of these types is read in this format
    looks_like: Callable[[bytes], bool] | None = None
    sniff_rank: int = 100  # readers whose `looks_like` is tried first have a lower rank
    read_file: Callable[[Path, str, Progress | None], Iterator[Item]] | None = None


readers: Registry[Reader] = Registry(
    "reader", "input formats for `prism ingest` (--format NAME)", noun="format"
)


def _jsonl(data: bytes, *, name: str, url: str | None) -> Iterator[Item]:
    return parse_jsonl(data, name=name)


def _jsonl_file(path: Path, name: str, progress: Progress | None) -> Iterator[Item]:
    return read_jsonl_file(path, name=name, progress=progress)


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


def _csv(data: bytes, *, name: str, url: str | None) -> Iterator[Item]:
    return parse_csv(data, name=name)


def _txt(data: bytes, *, name: str, url: str | None) -> Iterator[Item]:
    return parse_txt(data, name=name)


def _feed(data: bytes, *, name: str, url: str | None) -> Iterator[Item]:
    return parse_feed(data, name=name)


def _page(data: bytes, *, name: str, url: str | None) -> Iterator[Item]:
    return parse_page(data, name=name, url=url)


readers.add(
    "jsonl",
    Reader(
        _jsonl,
        "JSON Lines (or one JSON array) of {id, title, body, …}",
        suffixes=(".jsonl", ".ndjson", ".json"),
        media_types=("application/json", "application/x-ndjson", "application/jsonl"),
        looks_like=_looks_like_json,
        sniff_rank=30,
        read_file=_jsonl_file,
    ),
)
readers.add(
    "csv",
    Reader(_csv, "CSV or TSV with a header row", suffixes=(".csv", ".tsv"), media_types=("text/csv",)),
)
readers.add(
    "txt", Reader(_txt, "plain text: one article, its first line the title", suffixes=(".txt", ".text"))
)
readers.add(
    "rss",
    Reader(
        _feed,
        "RSS or Atom feed",
        suffixes=(".xml", ".rss", ".atom", ".rdf"),
        media_types=("application/rss+xml", "application/atom+xml", "application/rdf+xml"),
        looks_like=looks_like_feed,
        sniff_rank=20,
    ),
)
readers.add(
    "html",
    Reader(
        _page,
        "an article's web page (main text extracted)",
        suffixes=(".html", ".htm"),
        looks_like=looks_like_html,
        sniff_rank=10,
    ),
)

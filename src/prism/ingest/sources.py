"""Resolve inputs (files, folders, URLs) to a format and read them into records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path

from prism.errors import FetchError, UsageError
from prism.ingest.feeds import looks_like_feed, parse_feed
from prism.ingest.fetch import Fetched
from prism.ingest.files import Item, Progress, parse_csv, parse_jsonl, parse_txt, read_jsonl_file
from prism.ingest.normalize import looks_binary
from prism.ingest.pages import looks_like_html, parse_page
from prism.records import Notice, Rejection


class Format(StrEnum):
    """Input formats `prism ingest --format` accepts."""

    AUTO = "auto"
    JSONL = "jsonl"
    CSV = "csv"
    TXT = "txt"
    RSS = "rss"
    HTML = "html"


_BY_SUFFIX = {
    ".jsonl": Format.JSONL, ".ndjson": Format.JSONL, ".json": Format.JSONL,
    ".csv": Format.CSV, ".tsv": Format.CSV,
    ".txt": Format.TXT, ".text": Format.TXT,
    ".xml": Format.RSS, ".rss": Format.RSS, ".atom": Format.RSS, ".rdf": Format.RSS,
    ".html": Format.HTML, ".htm": Format.HTML,
}  # fmt: skip


def is_url(spec: str) -> bool:
    """Return True if an input names an http(s) URL rather than a path."""
    return spec.startswith(("http://", "https://"))


def check_inputs(specs: list[str]) -> None:
    """Raise UsageError for a missing path before anything is read (URLs are checked when fetched)."""
    for spec in specs:
        if not is_url(spec) and not Path(spec).exists():
            raise UsageError(f"{spec}: no such file or folder")


def input_size(spec: str) -> int:
    """Return the number of bytes a path holds (0 for URLs), for progress bars."""
    if is_url(spec):
        return 0
    path = Path(spec)
    if path.is_dir():
        return sum(p.stat().st_size for p in _folder_files(path))
    return path.stat().st_size


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def sniff(data: bytes, *, name: str, content_type: str = "") -> Format:
    """Guess the format of some bytes from a content type, a file suffix, then the bytes themselves."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return Format.RSS
    if kind in ("application/json", "application/x-ndjson", "application/jsonl"):
        return Format.JSONL
    if kind == "text/csv":
        return Format.CSV
    suffix = Path(name.split("?", 1)[0]).suffix.lower()
    if suffix in _BY_SUFFIX and kind not in ("text/html", "application/xhtml+xml"):
        return _BY_SUFFIX[suffix]
    if looks_like_html(data):
        return Format.HTML
    if looks_like_feed(data):
        return Format.RSS
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return Format.JSONL
    return Format.TXT


def parse_bytes(data: bytes, *, name: str, fmt: Format, url: str | None = None) -> Iterator[Item]:
    """Yield records from bytes in a known format."""
    if not data.strip():
        yield Rejection(name, "file is empty")
        return
    if looks_binary(data):
        yield Rejection(name, "binary file, not text")
        return
    if fmt is Format.JSONL:
        yield from parse_jsonl(data, name=name)
    elif fmt is Format.CSV:
        yield from parse_csv(data, name=name)
    elif fmt is Format.TXT:
        yield from parse_txt(data, name=name)
    elif fmt is Format.RSS:
        yield from parse_feed(data, name=name)
    elif fmt is Format.HTML:
        yield from parse_page(data, name=name, url=url)
    else:  # pragma: no cover - AUTO is resolved by the callers
        raise UsageError(f"format {fmt} needs resolving first")


def read_input(
    spec: str,
    *,
    fmt: Format,
    fetch: Callable[[str], Fetched],
    progress: Progress | None = None,
) -> Iterator[Item]:
    """Yield the records of one input: a file, a folder of files, or an http(s) URL."""
    if is_url(spec):
        try:
            fetched = fetch(spec)
        except FetchError as exc:
            yield Rejection(spec, str(exc).removeprefix(f"{spec}: "))
            return
        chosen = (
            fmt
            if fmt is not Format.AUTO
            else sniff(fetched.data, name=spec, content_type=fetched.content_type)
        )
        yield from parse_bytes(fetched.data, name=spec, fmt=chosen, url=fetched.url)
        return
    path = Path(spec)
    if not path.is_dir():
        yield from _read_file(path, fmt=fmt, progress=progress)
        return
    files = _folder_files(path)
    if not files:
        yield Rejection(spec, "folder holds no files")
    for file in files:
        suffix = file.suffix.lower()
        if fmt is Format.AUTO and suffix and suffix not in _BY_SUFFIX:
            yield Notice(
                str(file), f"skipped: {suffix} is not a news format (use --format to read it anyway)"
            )
            continue
        yield from _read_file(file, fmt=fmt, progress=progress)


def _read_file(path: Path, *, fmt: Format, progress: Progress | None) -> Iterator[Item]:
    name = str(path)
    chosen = fmt
    if chosen is Format.AUTO:
        chosen = _BY_SUFFIX.get(path.suffix.lower(), Format.AUTO)
    try:
        if chosen is Format.JSONL:
            yield from read_jsonl_file(path, name=name, progress=progress)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Rejection(name, f"cannot read file: {exc.strerror}")
        return
    if chosen is Format.AUTO:
        chosen = sniff(data, name=name)
    yield from parse_bytes(data, name=name, fmt=chosen)
    if progress:
        progress(len(data))

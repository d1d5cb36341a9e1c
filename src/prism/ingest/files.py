"""Read records from JSON Lines, CSV/TSV and plain-text files (or the same bytes fetched over HTTP)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

from prism.ingest.normalize import DecodeError, clean_line, decode_bytes, looks_binary
from prism.records import Notice, Rejection, SourceRecord

Item = SourceRecord | Rejection | Notice
Progress = Callable[[int], None]

TITLE_FIELDS = ("title", "headline", "제목")
BODY_FIELDS = ("body", "text", "content", "본문")


def read_jsonl_file(path: Path, *, name: str, progress: Progress | None = None) -> Iterator[Item]:
    """Yield one record per line of a JSON Lines file, streaming (files may be larger than memory)."""
    with path.open("rb") as handle:
        head = handle.read(8192)
        handle.seek(0)
        if not head:
            yield Rejection(name, "file is empty")
            return
        if looks_binary(head):
            yield Rejection(name, "binary file, not text")
            return
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            yield from _json_array(handle.read(), name)
            return
        for number, raw in enumerate(handle, start=1):
            if progress:
                progress(len(raw))
            yield from _json_line(raw, name, number)


def parse_jsonl(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield one record per line of JSON Lines bytes (or per element of a JSON array)."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        yield from _json_array(data, name)
        return
    for number, raw in enumerate(data.splitlines(), start=1):
        yield from _json_line(raw, name, number)


def _json_line(raw: bytes, name: str, number: int) -> Iterator[Item]:
    where = f"{name}:{number}"
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp949")
        except UnicodeDecodeError:
            yield Rejection(where, "line is neither UTF-8 nor EUC-KR/CP949 text")
            return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        column = min(exc.pos, len(text.rstrip())) + 1  # an error at the end is after the last character
        yield Rejection(where, f"malformed JSON: {exc.msg} at column {column}")
        return
    if not isinstance(value, dict):
        yield Rejection(where, f"expected a JSON object, got {_json_type(value)}")
        return
    yield SourceRecord(where, value)


def _json_array(data: bytes, name: str) -> Iterator[Item]:
    try:
        text, _ = decode_bytes(data)
        value = json.loads(text)
    except DecodeError as exc:
        yield Rejection(name, str(exc))
        return
    except json.JSONDecodeError as exc:
        yield Rejection(f"{name}:{exc.lineno}", f"malformed JSON: {exc.msg} at column {exc.colno}")
        return
    if not isinstance(value, list):
        yield Rejection(name, f"expected JSON Lines or a JSON array, got {_json_type(value)}")
        return
    for index, element in enumerate(value):
        where = f"{name}[{index}]"
        if isinstance(element, dict):
            yield SourceRecord(where, element)
        else:
            yield Rejection(where, f"expected a JSON object, got {_json_type(element)}")


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def parse_csv(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield one record per CSV/TSV row; the header names the fields."""
    text = yield from _decoded(data, name)
    if text is None:
        return
    first_line = text.split("\n", 1)[0]
    delimiter = (
        "\t" if name.lower().endswith(".tsv") or first_line.count("\t") > first_line.count(",") else ","
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        yield Rejection(name, "CSV has no header row")
        return
    columns = [clean_line(column).lower() for column in header]
    problems = []
    if not any(c in TITLE_FIELDS for c in columns):
        problems.append("no 'title' column")
    if not any(c in BODY_FIELDS for c in columns):
        problems.append("no 'body' column (nor 'text' or 'content')")
    if problems:
        yield Rejection(
            name, f"CSV header has {' and '.join(problems)}; columns are: {', '.join(columns) or '-'}"
        )
        return
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(f"{name}:{line}", f"malformed CSV: {exc}")
            return
        where, line = f"{name}:{line}", reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            yield Rejection(where, f"row has {len(row)} fields but the header has {len(columns)}")
            continue
        yield SourceRecord(where, dict(zip(columns, row, strict=False)))


def parse_txt(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield records from text: lines of `title<TAB>body`, or one article with its title on line 1."""
    text = yield from _decoded(data, name)
    if text is None:
        return
    lines = text.splitlines()
    filled = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if all("\t" in line for _, line in filled):
        for number, line in filled:
            title, body = line.split("\t", 1)
            yield SourceRecord(f"{name}:{number}", {"title": title, "body": body})
        return
    start = filled[0][0]
    yield SourceRecord(f"{name}:{start}", {"title": lines[start - 1], "body": "\n".join(lines[start:])})


def _decoded(data: bytes, name: str) -> Generator[Item, None, str | None]:
    """Decode `data`, yielding a rejection and returning None if it is not usable text."""
    if not data.strip():
        yield Rejection(name, "file is empty")
        return None
    try:
        text, _ = decode_bytes(data)
    except DecodeError as exc:
        yield Rejection(name, str(exc))
        return None
    if not text.strip():
        yield Rejection(name, "file is empty")
        return None
    return text

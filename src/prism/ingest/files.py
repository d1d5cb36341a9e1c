"""Read records from JSON Lines, CSV/TSV and plain-text files (or the same bytes fetched over HTTP)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import BinaryIO

from prism.ingest.normalize import (
    UNDECODABLE,
    DecodeError,
    binary_reason,
    byte_order_mark,
    clean_line,
    decode_bytes,
    decode_text,
    undecodable,
)
from prism.records import Notice, Rejection, SourceRecord

Item = SourceRecord | Rejection | Notice
Progress = Callable[[int], None]

TITLE_FIELDS = ("title", "headline", "제목")
BODY_FIELDS = ("body", "text", "content", "본문")


# A line longer than this is refused without being read into memory (a body is capped far below it).
MAX_LINE_BYTES = 64 * 1024 * 1024
NUL_REASON = "holds a NUL byte (binary data, not text)"


def read_jsonl_file(path: Path, *, name: str, progress: Progress | None = None) -> Iterator[Item]:
    """Yield one record per line of a JSON Lines file, streaming (files may be larger than memory)."""
    with path.open("rb") as handle:
        head = handle.read(8192)
        handle.seek(0)
        if not head:
            yield Rejection(name, "file is empty")
            return
        reason = binary_reason(head)
        if reason:
            yield Rejection(name, reason)
            return
        encoding, skip = byte_order_mark(head) or ("utf-8", 0)
        if head[skip:].decode(encoding, "prism-mark").lstrip().startswith("["):
            document = _json_array(handle.read(), name)
            if document is not None:
                yield from document
                return
            handle.seek(0)  # not one JSON document: JSON Lines whose first line opens with [
        if encoding == "utf-8":
            for number, raw in enumerate(_byte_lines(handle), start=1):
                if progress:
                    progress(len(raw or b""))
                yield from _json_line(raw, name, number)
            return
        # UTF-16 and UTF-32 lines are found in the decoded text: their newline is more than one byte.
        handle.seek(skip)
        width = 4 if "32" in encoding else 2
        with io.TextIOWrapper(handle, encoding=encoding, errors="prism-mark", newline="\n") as text:
            for number, line in enumerate(text, start=1):
                if progress:
                    progress(len(line) * width)
                yield from _json_text(line, f"{name}:{number}", encoding)


def _byte_lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """Yield the lines of a binary file; None for a line longer than MAX_LINE_BYTES (skipped unread)."""
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES:
            yield line
            continue
        while line and not line.endswith(b"\n"):  # skip the rest of the long line
            line = handle.readline(MAX_LINE_BYTES)
        yield None


def parse_jsonl(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield one record per line of JSON Lines bytes (or per element of a JSON array)."""
    encoding, skip = byte_order_mark(data) or ("utf-8", 0)
    if data[skip : skip + 8192].decode(encoding, "prism-mark").lstrip().startswith("["):
        document = _json_array(data, name)
        if document is not None:
            yield from document
            return
    if encoding == "utf-8":
        for number, raw in enumerate(data.splitlines(), start=1):
            yield from _json_line(raw if len(raw) <= MAX_LINE_BYTES else None, name, number)
        return
    for number, line in enumerate(data[skip:].decode(encoding, "prism-mark").split("\n"), start=1):
        yield from _json_text(line, f"{name}:{number}", encoding)


def _json_line(raw: bytes | None, name: str, number: int) -> Iterator[Item]:
    where = f"{name}:{number}"
    if raw is None:
        yield Rejection(where, f"line is longer than {MAX_LINE_BYTES:,} bytes")
        return
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp949")
        except UnicodeDecodeError:
            yield Rejection(where, undecodable("utf-8", "line"))
            return
    yield from _json_text(text, where, "utf-8")


def _json_text(text: str, where: str, encoding: str) -> Iterator[Item]:
    if not text.strip():
        return
    if UNDECODABLE in text:
        yield Rejection(where, undecodable(encoding, "line"))
        return
    if "\x00" in text:
        yield Rejection(where, f"line {NUL_REASON}")
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        column = min(exc.pos, len(text.rstrip())) + 1  # an error at the end is after the last character
        yield Rejection(where, f"malformed JSON: {exc.msg} at column {column}")
        return
    except (RecursionError, ValueError) as exc:
        yield Rejection(where, _unreadable(exc))
        return
    if not isinstance(value, dict):
        yield Rejection(where, f"expected a JSON object, got {_json_type(value)}")
        return
    yield SourceRecord(where, value)


def _json_array(data: bytes, name: str) -> list[Item] | None:
    """Return the records of a file that is one JSON array, or None when it is not one JSON document but
    lines (JSON Lines whose first line opens with [: more data after the first value, or a first value
    nested too deeply to read), to be read line by line."""
    try:
        text, _ = decode_bytes(data)
        value = json.loads(text)
    except DecodeError as exc:
        return [Rejection(name, str(exc))]
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            return None
        return [Rejection(f"{name}:{exc.lineno}", f"malformed JSON: {exc.msg} at column {exc.colno}")]
    except RecursionError as exc:
        _, newline, rest = text.lstrip().partition("\n")
        return None if newline and rest.strip() else [Rejection(name, _unreadable(exc))]
    except ValueError as exc:
        return [Rejection(name, _unreadable(exc))]
    if not isinstance(value, list):
        return [Rejection(name, f"expected JSON Lines or a JSON array, got {_json_type(value)}")]
    found: list[Item] = []
    for index, element in enumerate(value):
        where = f"{name}[{index}]"
        if isinstance(element, dict):
            found.append(SourceRecord(where, element))
        else:
            found.append(Rejection(where, f"expected a JSON object, got {_json_type(element)}"))
    return found


def _unreadable(exc: RecursionError | ValueError) -> str:
    """Return the reason for JSON that parses but that Python cannot hold (json.loads's other errors)."""
    if isinstance(exc, RecursionError):
        return "JSON is nested too deeply to read"
    return f"unreadable JSON: {str(exc).split(';', 1)[0]}"  # e.g. a number of more than 4,300 digits


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


# The csv module refuses cells above 128 KiB, and then loses its place in the file. The whole file is in
# memory already, so no cell can cost more than that; the body's own limit is checked per record.
csv.field_size_limit(2**31 - 1)


def parse_csv(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield one record per CSV/TSV row; the header names the fields."""
    decoded = yield from _decoded(data, name)
    if decoded is None:
        return
    text, encoding = decoded
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
    # A quote that is never closed makes the rest of the file one cell of the row that opened it.
    last_line = text.count("\n") + (not text.endswith("\n")) if text.count('"') % 2 else 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # the reader goes on at the next line
            yield Rejection(f"{name}:{line}", f"malformed CSV: {exc}")
            line = reader.line_num + 1
            continue
        first, where, line = line, f"{name}:{line}", reader.line_num + 1
        if reader.line_num == last_line and reader.line_num > first:
            yield Rejection(
                where,
                f"malformed CSV: a quote opened in this row is never closed (lines {first}-{last_line} "
                "were read as this one row)",
            )
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            yield Rejection(where, f"row has {len(row)} fields but the header has {len(columns)}")
            continue
        problem = _raw_problem("".join(row), encoding, "row")
        if problem:
            yield Rejection(where, problem)
            continue
        yield SourceRecord(where, dict(zip(columns, row, strict=False)))


def parse_txt(data: bytes, *, name: str) -> Iterator[Item]:
    """Yield records from text: lines of `title<TAB>body`, or one article with its title on line 1."""
    decoded = yield from _decoded(data, name)
    if decoded is None:
        return
    text, encoding = decoded
    lines = text.splitlines()
    filled = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if all("\t" in line for _, line in filled):
        for number, line in filled:
            problem = _raw_problem(line, encoding, "line")
            if problem:
                yield Rejection(f"{name}:{number}", problem)
                continue
            title, body = line.split("\t", 1)
            yield SourceRecord(f"{name}:{number}", {"title": title, "body": body})
        return
    start = filled[0][0]
    problem = _raw_problem(text, encoding, "text")
    if problem:
        yield Rejection(f"{name}:{start}", problem)
        return
    yield SourceRecord(f"{name}:{start}", {"title": lines[start - 1], "body": "\n".join(lines[start:])})


def _raw_problem(text: str, encoding: str, what: str) -> str | None:
    """Return why a row, line or text of a decoded file cannot be a record (bad bytes), else None."""
    if UNDECODABLE in text:
        return undecodable(encoding, what)
    if "\x00" in text:
        return f"{what} {NUL_REASON}"
    return None


def _decoded(data: bytes, name: str) -> Generator[Item, None, tuple[str, str] | None]:
    """Decode `data` to (text, encoding), yielding a rejection and returning None if it is not usable text.

    Undecodable sequences are left in the text (as UNDECODABLE) for the reader to reject only the rows
    that hold them.
    """
    if not data.strip():
        yield Rejection(name, "file is empty")
        return None
    reason = binary_reason(data)
    if reason:
        yield Rejection(name, reason)
        return None
    text, encoding = decode_text(data)
    if not text.strip():
        yield Rejection(name, "file is empty")
        return None
    return text, encoding

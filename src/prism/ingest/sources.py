"""Resolve inputs (files, folders, URLs) to a format and read them into records."""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from prism.errors import FetchError, UsageError
from prism.ingest.fetch import Fetched
from prism.ingest.files import Item, Progress
from prism.ingest.normalize import binary_reason, byte_order_mark, redact_credentials
from prism.ingest.readers import AUTO, FALLBACK, Reader, readers
from prism.records import Notice, Rejection

STDIN = "-"  # an input of `-` is standard input (its records are named <stdin>:LINE)
# A response that says it is a web page is judged by its bytes, not by its URL's suffix.
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


def check_format(fmt: str) -> str:
    """Return `fmt` when it is `auto` or a registered reader's name, else raise UsageError."""
    if fmt != AUTO and fmt not in readers.names():
        raise UsageError(f"format {fmt!r} is not one of {', '.join([AUTO, *readers.names()])}")
    return fmt


def by_suffix(name: str) -> str | None:
    """Return the reader that claims a file name's suffix, if any."""
    suffix = Path(name.split("?", 1)[0]).suffix.lower()
    if not suffix:
        return None
    return next((entry.name for entry in readers.entries() if suffix in entry.value.suffixes), None)


def is_url(spec: str) -> bool:
    """Return True if an input names an http(s) URL rather than a path."""
    return spec.startswith(("http://", "https://"))


def check_inputs(specs: list[str]) -> None:
    """Raise UsageError for a path that is missing or not a file or folder, before anything is read (URLs
    are checked when fetched)."""
    for spec in specs:
        problem = None if spec == STDIN or is_url(spec) else path_problem(Path(spec))
        if problem:
            raise UsageError(f"{redact_credentials(spec)}: {problem}")


def path_problem(path: Path) -> str | None:
    """Return why a path cannot be read as input, else None.

    Only regular files and folders are read: a named pipe or a device (/dev/zero) would block or never end.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as exc:  # e.g. a loop of symbolic links
        return f"cannot read it: {exc.strerror}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "a socket" if stat.S_ISSOCK(mode) else "a special file"
    return f"is {kind}, not a regular file"


def input_size(spec: str) -> int:
    """Return the number of bytes a path holds (0 for URLs), for progress bars."""
    if is_url(spec) or spec == STDIN:
        return 0
    path = Path(spec)
    if path.is_dir():
        return sum(p.stat().st_size for p in _folder_files(path))
    return path.stat().st_size


def _folder_files(folder: Path) -> list[Path]:
    return [path for path, problem in _folder_entries(folder) if problem is None]


def _folder_entries(folder: Path) -> list[tuple[Path, str | None]]:
    """Return what a folder holds besides folders and hidden files, each with why it cannot be read."""
    entries = [(p, path_problem(p)) for p in sorted(folder.rglob("*")) if not p.name.startswith(".")]
    return [(p, problem) for p, problem in entries if problem is not None or not p.is_dir()]


def sniff(data: bytes, *, name: str, content_type: str = "") -> str:
    """Guess the format of some bytes from a content type, a file suffix, then the bytes themselves."""
    kind = content_type.split(";", 1)[0].strip().lower()
    entries = readers.entries()
    claimed = next((entry.name for entry in entries if kind and kind in entry.value.media_types), None)
    if claimed:
        return claimed
    suffixed = by_suffix(name)
    if suffixed and kind not in _PAGE_TYPES:
        return suffixed
    marked = byte_order_mark(data)
    if marked and marked[0] != "utf-8":  # readers recognise their format in UTF-8 bytes
        encoding, skip = marked
        data = data[skip : skip + 8192].decode(encoding, "replace").encode()
    sniffers = sorted((e for e in entries if e.value.looks_like), key=lambda e: e.value.sniff_rank)
    return next((e.name for e in sniffers if e.value.looks_like and e.value.looks_like(data)), FALLBACK)


def parse_bytes(data: bytes, *, name: str, fmt: str, url: str | None = None) -> Iterator[Item]:
    """Yield records from bytes in a known format."""
    if not data.strip():
        yield Rejection(name, "file is empty")
        return
    reason = binary_reason(data)
    if reason:
        yield Rejection(name, reason)
        return
    reader: Reader = readers.get(fmt)
    yield from reader.parse(data, name=name, url=url)


def read_input(
    spec: str,
    *,
    fmt: str,
    fetch: Callable[[str], Fetched],
    progress: Progress | None = None,
) -> Iterator[Item]:
    """Yield the records of one input: a file, a folder of files, or an http(s) URL."""
    if is_url(spec):
        name = redact_credentials(spec)  # the name goes into reports and the store
        try:
            fetched = fetch(spec)
        except FetchError as exc:
            yield Rejection(name, redact_credentials(str(exc)).removeprefix(f"{name}: "))
            return
        chosen = fmt if fmt != AUTO else sniff(fetched.data, name=name, content_type=fetched.content_type)
        yield from parse_bytes(fetched.data, name=name, fmt=chosen, url=fetched.url)
        return
    if spec == STDIN:
        data = sys.stdin.buffer.read()
        chosen = fmt if fmt != AUTO else sniff(data, name="<stdin>")
        yield from parse_bytes(data, name="<stdin>", fmt=chosen)
        return
    path = Path(spec)
    if not path.is_dir():
        yield from _read_file(path, fmt=fmt, progress=progress)
        return
    entries = _folder_entries(path)
    if not entries:
        yield Rejection(spec, "folder holds no files")
    for file, problem in entries:
        if problem:
            yield Notice(str(file), f"skipped: {problem}")
            continue
        suffix = file.suffix.lower()
        if fmt == AUTO and suffix and by_suffix(file.name) is None:
            yield Notice(
                str(file), f"skipped: {suffix} is not a news format (use --format to read it anyway)"
            )
            continue
        yield from _read_file(file, fmt=fmt, progress=progress)


def _read_file(path: Path, *, fmt: str, progress: Progress | None) -> Iterator[Item]:
    name = str(path)
    problem = path_problem(path)
    if problem:
        yield Rejection(name, problem)
        return
    chosen = fmt if fmt != AUTO else by_suffix(path.name) or AUTO
    streamed = readers.get(chosen).read_file if chosen != AUTO else None
    try:
        if streamed:
            yield from streamed(path, name, progress)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Rejection(name, f"cannot read file: {exc.strerror}")
        return
    if chosen == AUTO:
        chosen = sniff(data, name=name)
    yield from parse_bytes(data, name=name, fmt=chosen)
    if progress:
        progress(len(data))

"""Hostile input, on SQLite and on PostgreSQL: every good record is stored, every bad one is named with its
reason (file:line, row or URL), no traceback reaches the user, and the exit code is the documented one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from prism.config import Settings
from prism.records import IngestReport
from prism.store import articles as queries
from tests.helpers import korean_article, run_ingest

GOOD = 6  # good records around each bad one


def good_lines(first: int = 0, count: int = GOOD) -> list[str]:
    return [json.dumps(korean_article(n), ensure_ascii=False) for n in range(first, first + count)]


def stored_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {a.external_id or "" for a in queries.list_articles(conn, limit=10_000)}


def expected_ids(first: int = 0, count: int = GOOD) -> set[str]:
    return {f"t-{n:04d}" for n in range(first, first + count)}


def reasons(report: IngestReport) -> list[tuple[str, str]]:
    return [(r.where, r.reason) for r in report.rejected]


def around(bad: bytes, *, encoding: str = "utf-8") -> bytes:
    """Return half the good lines, the bad line (line 4), then the other half, as JSON Lines bytes."""
    lines = good_lines()
    before = "".join(line + "\n" for line in lines[:3]).encode(encoding)
    after = "".join(line + "\n" for line in lines[3:]).encode(encoding)
    return before + bad + b"\n" + after


# --- Bytes that are not text --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_nul_byte_early_rejects_only_its_record(
    tmp_path: Path, engine: Engine, settings: Settings, suffix: str
) -> None:
    """One NUL byte in the first 8 KB once made the whole file 'binary'; now only its record goes."""
    path = tmp_path / f"nul{suffix}"
    if suffix == ".jsonl":
        path.write_bytes(around(b'{"id": "nul", "title": "\x00\xec\xa0\x9c\xeb\xaa\xa9", "body": "x"}'))
        where = f"{path}:4"
        reason = "line holds a NUL byte (binary data, not text)"
    else:
        rows = [f"t-{n:04d},제목 {n},본문 {n}이다. 내용이 있다." for n in range(GOOD)]
        body = "id,title,body\n" + "\n".join(rows[:3]) + "\nnul,제목\x00,본문\n" + "\n".join(rows[3:]) + "\n"
        path.write_bytes(body.encode())
        where = f"{path}:5"
        reason = "row holds a NUL byte (binary data, not text)"
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(where, reason)]
    assert report.ingested == GOOD and report.exit_code == 0
    assert stored_ids(engine) == expected_ids()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".tsv", ".txt"])
def test_byte_order_marks(
    tmp_path: Path, engine: Engine, settings: Settings, encoding: str, suffix: str
) -> None:
    """UTF-16 (Excel's "Unicode text"), UTF-32 and UTF-8 with a BOM, with Windows line ends."""
    path = tmp_path / f"bom{suffix}"
    rows = [korean_article(n) for n in range(GOOD)]
    if suffix == ".jsonl":
        content = "".join(json.dumps(row, ensure_ascii=False) + "\r\n" for row in rows)
    elif suffix == ".txt":
        content = "".join(f"{row['title']}\t{row['body']}\r\n".replace("\n\n", " ") for row in rows)
    else:
        sep = "\t" if suffix == ".tsv" else ","
        lines = [sep.join(["id", "title", "body"])]
        lines += [sep.join([str(row["id"]), str(row["title"]), f'"{row["body"]}"']) for row in rows]
        content = "\r\n".join(lines) + "\r\n"
    data = content.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [] and report.ingested == GOOD
    with engine.connect() as conn:
        titles = {a.title for a in queries.list_articles(conn)}
    assert titles == {row["title"] for row in rows}  # decoded, not mojibake; no BOM left on a field


def test_utf16_without_suffix_is_sniffed(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    path = tmp_path / "export"
    path.write_bytes("\n".join(good_lines()).encode("utf-16"))
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [] and report.ingested == GOOD


def test_invalid_utf16_mid_file_rejects_one_line(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    lone_surrogate = b"\x00\xd8"  # half a UTF-16 pair, followed by a quote: no character
    bad = '{"id": "bad", "title": "'.encode("utf-16-le") + lone_surrogate + '"}'.encode("utf-16-le")
    lines = good_lines()
    data = b"\xff\xfe" + "\n".join(lines[:3]).encode("utf-16-le") + "\n".encode("utf-16-le") + bad
    data += ("\n" + "\n".join(lines[3:]) + "\n").encode("utf-16-le")
    path = tmp_path / "broken16.jsonl"
    path.write_bytes(data)
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(f"{path}:4", "line is not valid UTF-16 text")]
    assert report.ingested == GOOD


@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_invalid_utf8_mid_file_rejects_one_row(
    tmp_path: Path, engine: Engine, settings: Settings, suffix: str
) -> None:
    rows = [f"제목 {n},본문 {n}이다. 충분히 긴 내용이 있다." for n in range(GOOD)]
    if suffix == ".txt":
        rows = [row.replace(",", "\t") for row in rows]
    head = "" if suffix == ".txt" else "title,body\n"
    sep = "\t" if suffix == ".txt" else ","
    data = (head + "\n".join(rows[:3]) + "\n").encode() + b"\xff\xfe" + sep.encode() + b"x\n"
    data += ("\n".join(rows[3:]) + "\n").encode()
    path = tmp_path / f"mixed{suffix}"
    path.write_bytes(data)
    report = run_ingest(engine, settings, path)
    what = "row" if suffix == ".csv" else "line"
    line = 5 if suffix == ".csv" else 4
    assert reasons(report) == [(f"{path}:{line}", f"{what} is neither UTF-8 nor EUC-KR/CP949 text")]
    assert report.ingested == GOOD


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt", ""])
def test_compressed_file_is_refused_not_unpacked(
    tmp_path: Path, engine: Engine, settings: Settings, suffix: str
) -> None:
    """A gzip bomb: 30 KB that unpacks to 30 MB. It is named as compressed and never opened."""
    import gzip

    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(gzip.compress(b"{" * 30_000_000, compresslevel=9))
    assert path.stat().st_size < 100_000
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(str(path), "gzip-compressed file, not text (decompress it first)")]
    assert report.exit_code == 1 and stored_ids(engine) == set()


# --- JSON that parses badly --------------------------------------------------------------------------


def test_deeply_nested_line_is_named_and_skipped(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """100,000 nested arrays overflow the parser (RecursionError): that line is named, the rest stored."""
    path = tmp_path / "deep.jsonl"
    path.write_bytes(around(b"[" * 100_000))
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(f"{path}:4", "JSON is nested too deeply to read")]
    assert stored_ids(engine) == expected_ids()


def test_deeply_nested_first_line_is_named_and_skipped(
    tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    """A first line that opens with [ does not make the file one JSON array: the deep line is named, the
    lines after it stored (the file read as JSON Lines)."""
    path = tmp_path / "deep-first.jsonl"
    good = "".join(line + "\n" for line in good_lines()).encode()
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000 + b"\n" + good)
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(f"{path}:1", "JSON is nested too deeply to read")]
    assert stored_ids(engine) == expected_ids()


def test_deeply_nested_array_file(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" + "[" * 100_000, encoding="utf-8")
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(str(path), "JSON is nested too deeply to read")]
    assert report.exit_code == 1


def test_nested_extra_field_is_refused_before_the_store(
    tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    """Nesting that Python parses but that the store's JSON writer would choke on (and lose the batch)."""
    deep: object = "바닥"
    for _ in range(200):
        deep = {"a": deep}
    bad = {"id": "deep", "title": "깊은 필드", "body": "본문이다.", "meta": deep}
    path = tmp_path / "extra.jsonl"
    path.write_bytes(around(json.dumps(bad, ensure_ascii=False).encode()))
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(f"{path}:4", "field 'meta' is nested more than 20 levels deep")]
    assert stored_ids(engine) == expected_ids()


def test_huge_numbers(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """A number above 64 bits in a kept field, and one of more digits than Python converts."""
    path = tmp_path / "numbers.jsonl"
    big = b'{"id": "big", "title": "t", "body": "b", "views": 123456789012345678901234567890}'
    lines = good_lines()
    data = "\n".join(lines[:3]).encode() + b"\n" + big + b"\n" + b'{"n": ' + b"9" * 5000 + b"}\n"
    path.write_bytes(data + "\n".join(lines[3:]).encode() + b"\n")
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [
        (f"{path}:4", "field 'views' holds a number too large to store (30 digits)"),
        (
            f"{path}:5",
            "unreadable JSON: Exceeds the limit (4300 digits) for integer string conversion: "
            "value has 5000 digits",
        ),
    ]
    assert stored_ids(engine) == expected_ids()


def test_huge_line_is_skipped_unread(
    tmp_path: Path, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism.ingest import files

    monkeypatch.setattr(files, "MAX_LINE_BYTES", 100_000)
    path = tmp_path / "long.jsonl"
    path.write_bytes(around(b'{"title": "' + b"a" * 250_000 + b'"}'))
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(f"{path}:4", "line is longer than 100,000 bytes")]
    assert stored_ids(engine) == expected_ids()


# --- Text the store or a terminal would take badly -------------------------------------------------------


def test_control_characters_are_stripped_the_same_on_both_stores(
    tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    """`\\u0000` in a title once failed the whole batch on PostgreSQL (0 of 10 stored); ESC reached the
    terminal. Both stores now keep the same text, without control characters but with line breaks."""
    bad = {
        "id": "ctl\u0000-1",
        "title": "반도체\u0000 수출\u001b[31m 급증\u007f\u009b",
        "body": "첫 문단\u0000이다.\n\n둘째\u001b]0;title\u0007 문단\ttab이다.",
        "source": "테스트\u0000일보",
        "note": "메모\u0000\u001b[2J",
        "tags": ["a\u0000b", {"k\u0000": "v\u001b"}],
    }
    path = tmp_path / "controls.jsonl"
    path.write_bytes(around(json.dumps(bad).encode()))
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [] and report.ingested == GOOD + 1
    with engine.connect() as conn:
        article = queries.get_article(conn, key="ctl-1")
    assert article is not None
    assert article.title == "반도체 수출[31m 급증"
    assert article.body == "첫 문단이다.\n\n둘째]0;title 문단 tab이다."
    assert article.source == "테스트일보"
    assert dict(article.extra) == {"note": "메모[2J", "tags": ["ab", {"k": "v"}]}


def test_long_category_and_percent_encoded_url(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """Values that pass a loose check but exceed a column (PostgreSQL refuses them) are named up front."""
    rows = [
        {"id": "cat", "title": "분류", "body": "본문이다.", "category": "가" * 150},
        {"id": "url", "title": "주소", "body": "본문이다.", "url": "https://news.test/" + "가" * 400},
    ]
    path = tmp_path / "columns.jsonl"
    lines = good_lines()
    body = lines[:3] + [json.dumps(row, ensure_ascii=False) for row in rows] + lines[3:]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [
        (f"{path}:4", "category is 150 characters; the limit is 100"),
        (f"{path}:5", "url is 3,618 characters once percent-encoded; the limit is 2,000"),
    ]
    assert stored_ids(engine) == expected_ids()


def test_a_record_the_database_refuses_costs_only_itself(
    tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    """The database refuses one record of a batch (here a trigger does, as a constraint would): the
    other records of the batch are stored, the refused one is named with the database's reason."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.external_id = 't-0004' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.external_id = 't-0004' THEN RAISE EXCEPTION 'refused by the test trigger' "
                    "USING ERRCODE = 'check_violation'; "
                    "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION refuse()")
            )
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(good_lines(0, 10)) + "\n", encoding="utf-8")
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [(f"{path}:5", "the database refused it: refused by the test trigger")]
    assert report.ingested == 9 and report.exit_code == 0
    assert stored_ids(engine) == expected_ids(0, 10) - {"t-0004"}


# --- CSV ----------------------------------------------------------------------------------------------


def test_huge_csv_cell_loses_only_its_row(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """A 300,000-character cell once broke the csv module's field limit and lost the next good row."""
    rows = [f"t-{n:04d},제목 {n},본문 {n}이다. 내용이 있다." for n in range(GOOD)]
    huge = "huge,거대한 셀," + "가" * 300_000
    path = tmp_path / "huge.csv"
    path.write_text("id,title,body\n" + "\n".join([*rows[:3], huge, *rows[3:]]) + "\n", encoding="utf-8")
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [
        (f"{path}:5", "body is 300,000 characters; the limit is 200,000 (PRISM_MAX_BODY_CHARS)")
    ]
    assert stored_ids(engine) == expected_ids()


def test_csv_with_an_unclosed_quote(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """An unclosed quote swallows the rest of the file into one cell: that row is named with the lines
    it swallowed, rather than stored as an article made of other rows."""
    rows = [f"t-{n:04d},제목 {n},본문 {n}이다. 내용이 있다." for n in range(GOOD)]
    path = tmp_path / "quote.csv"
    lines = ["id,title,body", *rows, 'open,열린 따옴표,"본문', "t-0099,뒤의 제목,뒤의 본문", "t-0098,끝,끝"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_ingest(engine, settings, path)
    assert reasons(report) == [
        (
            f"{path}:8",
            "malformed CSV: a quote opened in this row is never closed "
            "(lines 8-10 were read as this one row)",
        )
    ]
    assert stored_ids(engine) == expected_ids()


# --- Paths that are not files -------------------------------------------------------------------------


def special_paths(tmp_path: Path) -> list[tuple[Path, str]]:
    import os

    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    return [
        (pipe, "is a named pipe, not a regular file"),
        (Path("/dev/zero"), "is a device, not a regular file"),
        (loop, "cannot read it: Too many levels of symbolic links"),
    ]


def test_special_paths_are_refused_before_reading(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """A named pipe once hung ingest (and /dev/zero never ends): they are refused before anything is read."""
    from prism.errors import UsageError

    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(good_lines()) + "\n", encoding="utf-8")
    for path, reason in special_paths(tmp_path):
        with pytest.raises(UsageError) as raised:
            run_ingest(engine, settings, good, path)
        assert str(raised.value) == f"{path}: {reason}"
    assert stored_ids(engine) == set()  # a usage error stops the run before it starts


def test_special_files_in_a_folder_are_skipped(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.jsonl").write_text("\n".join(good_lines()) + "\n", encoding="utf-8")
    specials = special_paths(folder)
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    report = run_ingest(engine, settings, folder)
    assert stored_ids(engine) == expected_ids() and report.rejected == []
    notices = {(w.where, w.reason) for w in report.warnings}
    expected = {(str(path), f"skipped: {reason}") for path, reason in specials if path.parent == folder}
    expected.add((str(folder / "zero.jsonl"), "skipped: is a device, not a regular file"))
    assert notices == expected


# --- Servers and URLs -------------------------------------------------------------------------------------


class DrippingServer:
    """A real HTTP server on 127.0.0.1 that sends a valid feed one byte at a time, each well within the
    per-read timeout: only a deadline for the whole fetch stops it."""

    def __init__(self, body: bytes, pause: float) -> None:
        import socket
        import threading

        self.response = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        self.pause = pause
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/feed.xml"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                try:
                    for index in range(len(self.response)):
                        if self.stop.wait(self.pause):
                            return
                        conn.sendall(self.response[index : index + 1])
                        self.sent += 1
                except OSError:  # the client hung up: what a deadline does
                    continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.listener.close()


def test_dripping_server_meets_the_deadline(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server dripping a byte every 50 ms once kept one fetch alive for a minute (PRISM_HTTP_TIMEOUT
    was per read). With a deadline of 1 s for the whole fetch, the URL is refused with that reason, the
    file beside it is stored, and the feed (which would take a minute to arrive) is not."""
    from prism.config import get_settings

    monkeypatch.setenv("PRISM_HTTP_TIMEOUT", "1")
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(good_lines()) + "\n", encoding="utf-8")
    server = DrippingServer((Path(__file__).with_name("resources") / "feed-rss.xml").read_bytes(), pause=0.05)
    try:
        report = run_ingest(engine, get_settings(), good, server.url, allow_private=True)
    finally:
        server.close()
    assert reasons(report) == [
        (
            server.url,
            "timed out: no complete answer within the deadline of 1 s for the whole fetch "
            "(PRISM_HTTP_TIMEOUT)",
        )
    ]
    assert stored_ids(engine) == expected_ids()
    assert 0 < server.sent < len(server.response)  # it was answering, just too slowly


def test_credentials_never_reach_a_report(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """user:password in a URL input, a redirect or a record's url field is redacted in every message, and
    neither the origin nor the report keeps it."""
    secret = "hunter2"
    path = tmp_path / "urls.jsonl"
    bad = {"id": "cred", "title": "t", "body": "본문이다.", "url": f"https://editor:{secret}@news.test/a"}
    path.write_bytes(around(json.dumps(bad).encode()))
    report = run_ingest(engine, settings, path, f"http://admin:{secret}@127.0.0.1:9/feed")
    assert reasons(report) == [
        (f"{path}:4", "url 'https://***@news.test/a' carries credentials; refusing to store it"),
        (
            "http://***@127.0.0.1:9/feed",
            "refused, 127.0.0.1 resolves to the non-public address 127.0.0.1 "
            "(pass --allow-private to fetch from private networks)",
        ),
    ]
    assert stored_ids(engine) == expected_ids()
    assert secret not in json.dumps(report.as_dict())
    with engine.connect() as conn:
        assert secret not in str(conn.execute(text("SELECT origin, url FROM articles")).all())
    from prism.errors import UsageError

    with pytest.raises(UsageError) as raised:  # not http(s), so read as a path, and there is none
        run_ingest(engine, settings, f"ftp://u:{secret}@news.test/x")
    assert str(raised.value) == "ftp://***@news.test/x: no such file or folder"


# --- Errors a user once saw as tracebacks -------------------------------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `prism` in-process; return (exit code, stdout, stderr), failing on any escaped exception."""
    from typer.testing import CliRunner

    from prism.cli import app

    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def read_only(database_url: str, engine: Engine) -> str:
    """Return a URL that opens the database without the right to write it."""
    if engine.dialect.name == "sqlite":
        return f"sqlite:///file:{engine.url.database}?mode=ro&uri=true"
    with engine.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS prism_reader"))
        conn.execute(text("CREATE ROLE prism_reader LOGIN"))
        conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO prism_reader"))
    from sqlalchemy.engine import make_url

    return make_url(database_url).set(username="prism_reader").render_as_string(hide_password=False)


def test_read_only_database_is_one_line(
    tmp_path: Path, database_url: str, engine: Engine, settings: Settings
) -> None:
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(good_lines(0, 3)) + "\n", encoding="utf-8")
    run_ingest(engine, settings, first)
    url = read_only(database_url, engine)
    second = tmp_path / "second.jsonl"
    second.write_text("\n".join(good_lines(3, 3)) + "\n", encoding="utf-8")
    code, out, err = cli("ingest", str(second), "-d", url)
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith("error: database ") and str(engine.url.database) in line  # names it
    assert ("readonly database" in line or "permission denied" in line) and line.endswith(
        "(0 articles stored before it are kept)"
    )
    code, out, err = cli("enrich", "-d", url)
    assert code == 1 and len(err.splitlines()) == 1 and err.startswith("error: database error: ")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP OWNED BY prism_reader"))
            conn.execute(text("DROP ROLE prism_reader"))
    assert stored_ids(engine) == expected_ids(0, 3)  # nothing stored before was lost


def test_database_failing_mid_run_keeps_the_batches_stored(
    tmp_path: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's file fills up (its size is capped); PostgreSQL's database is dropped under the run. The run
    stops with one line naming the database, the reason and what was kept."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    from prism.config import get_settings
    from prism.errors import StoreError
    from prism.ingest import ingest
    from prism.store.db import describe

    monkeypatch.setenv("PRISM_INGEST_BATCH_SIZE", "2")
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(good_lines(0, 40)) + "\n", encoding="utf-8")
    lines_read = 0

    def fail_after_some(_: int) -> None:
        nonlocal lines_read
        lines_read += 1
        if lines_read == 9 and engine.dialect.name == "postgresql":
            admin = create_engine(
                make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
            )
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{engine.url.database}" WITH (FORCE)'))
            admin.dispose()

    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        engine.dispose()

        @event.listens_for(engine, "connect")
        def _cap(dbapi_connection: object, _record: object) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 3}")  # type: ignore[attr-defined]

    with pytest.raises(StoreError) as raised:
        ingest([str(path)], engine=engine, settings=get_settings(), progress=fail_after_some)
    message = str(raised.value)
    assert message.startswith(f"database {describe(engine)}: ")
    kept = int(message.rsplit("(", 1)[1].split()[0])
    if engine.dialect.name == "sqlite":
        assert "full" in message and 0 < kept < 40
        engine.dispose()
        event.remove(engine, "connect", _cap)
        assert len(stored_ids(engine)) == kept
    else:
        assert "does not exist" in message or "terminat" in message
        assert kept == 8


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PRISM_SCHEDULE_TIMES", "[06:00", "PRISM_SCHEDULE_TIMES: Value error, not a JSON list"),
        ("PRISM_SCHEDULE_TIMES", "6시", "PRISM_SCHEDULE_TIMES: Value error, '6시' is not a time HH:MM"),
        ("PRISM_FEEDS", '["https://news.test/rss",', "PRISM_FEEDS: Value error, not a JSON list"),
        ("PRISM_FEEDS", "[1]", "PRISM_FEEDS[0]: Input should be a valid string"),
        ("PRISM_HTTP_TIMEOUT", "soon", "PRISM_HTTP_TIMEOUT: Input should be a valid number"),
    ],
)
def test_malformed_settings_are_one_line(variable: str, value: str, expected: str) -> None:
    code, out, err = cli("articles", "list", env={variable: value})
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"error: invalid setting: {expected}")


def test_one_feed_or_time_needs_no_json() -> None:
    """`PRISM_FEEDS=https://…` and `PRISM_SCHEDULE_TIMES=06:00`, as people write them, are lists of one."""
    import os

    from prism.config import get_settings

    os.environ["PRISM_FEEDS"] = "https://news.test/rss.xml"
    os.environ["PRISM_SCHEDULE_TIMES"] = " 07:30 "
    try:
        settings = get_settings()
    finally:
        del os.environ["PRISM_FEEDS"], os.environ["PRISM_SCHEDULE_TIMES"]
    assert (settings.feeds, settings.schedule_times) == (["https://news.test/rss.xml"], ["07:30"])


def test_terminal_never_gets_raw_control_characters(
    tmp_path: Path, database_url: str, engine: Engine, settings: Settings
) -> None:
    """Text stored before control characters were stripped (or by another tool) is printed with them
    visible (`\\x1b`), never raw: ESC would drive the terminal. PostgreSQL cannot hold NUL, so ESC only."""
    path = tmp_path / "ok.jsonl"
    path.write_text("\n".join(good_lines(0, 1)) + "\n", encoding="utf-8")
    run_ingest(engine, settings, path)
    raw = "제목\x1b]0;pwned\x07\x1b[2J" + ("\x00" if engine.dialect.name == "sqlite" else "")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE articles SET title = :a, body = :b, source = :c"), {"a": raw, "b": raw, "c": raw}
        )
    for args in (["articles", "list"], ["articles", "show", "t-0000"]):
        code, out, _ = cli(*args, "-d", database_url)
        assert code == 0
        assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
        assert "제목\\x1b]0;pwned\\x07\\x1b[2J" in out.replace("\n", "").replace("│", "").replace(" ", "")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.jsonl", b"", [("{path}", "file is empty")]),
        ("blank.csv", b"\xef\xbb\xbf\r\n\r\n", [("{path}", "file is empty")]),
        (
            "header.csv",
            "제목,내용\n가,나\n".encode(),
            [
                (
                    "{path}",
                    "CSV header has no 'body' column (nor 'text' or 'content'); columns are: 제목, 내용",
                )
            ],
        ),
        (
            "twice.jsonl",
            (good_lines(0, 1)[0] + "\n" + good_lines(0, 1)[0] + "\n").encode(),
            [("{path}:2", "id 't-0000' appears again (first at {path}:1)")],
        ),
    ],
)
def test_small_hostile_files(
    tmp_path: Path,
    engine: Engine,
    settings: Settings,
    name: str,
    content: bytes,
    expected: list[tuple[str, str]],
) -> None:
    """Each beside a good file: the good one is stored, the bad one named."""
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(good_lines(1, 3)) + "\n", encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(content)
    report = run_ingest(engine, settings, good, path)
    assert reasons(report) == [(w.format(path=path), r.format(path=path)) for w, r in expected]
    assert expected_ids(1, 3) <= stored_ids(engine) and report.exit_code == 0

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
                    "IF NEW.external_id = 't-0004' THEN RAISE EXCEPTION 'refused by the test trigger'; "
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

"""Every kind of bad input gets a clear rejection naming the record and the reason; good rows still land."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from prism.config import Settings, get_settings
from prism.errors import UsageError
from prism.records import IngestReport
from prism.store import articles as queries
from tests.helpers import korean_article, run_ingest, write_jsonl
from tests.test_ingest_sources import RSS


def reasons(report: IngestReport) -> list[tuple[str, str]]:
    return [(r.where, r.reason) for r in report.rejected]


def test_mixed_file_keeps_good_rows(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        '{"id": "ok-1", "title": "좋은 기사", "body": "정상적인 본문이다."}',
        '{"id": "bad-json", "title": "깨진 줄", ',
        "",
        '["not", "an", "object"]',
        '{"id": "no-title", "body": "제목이 없다."}',
        '{"id": "no-body", "title": "본문이 없다"}',
        '{"id": "bad-date", "title": "날짜", "body": "본문.", "published": "어제 오후"}',
        '{"id": "bad-url", "title": "주소", "body": "본문.", "url": "ftp://example.com/x"}',
        '{"id": "ok-2", "title": "또 좋은 기사", "body": "다른 본문이다."}',
        '{"id": "ok-1", "title": "같은 id", "body": "다른 내용이다."}',
        '{"id": "list-title", "title": ["a"], "body": "본문."}',
        '{"id": "long-title", "title": "' + "제목" * 600 + '", "body": "본문."}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 2 and report.exit_code == 0
    assert reasons(report) == [
        (f"{path}:2", "malformed JSON: Expecting property name enclosed in double quotes at column 36"),
        (f"{path}:4", "expected a JSON object, got an array"),
        (f"{path}:5", "missing title (expected a 'title' field)"),
        (f"{path}:6", "missing body (expected a 'body', 'text' or 'content' field)"),
        (
            f"{path}:7",
            "unparseable published date '어제 오후' "
            "(expected ISO 8601, RFC 2822 or a form like 2025.03.04 10:21)",
        ),
        (f"{path}:8", "url 'ftp://example.com/x' is not an http(s) URL"),
        (f"{path}:10", f"id 'ok-1' appears again (first at {path}:1)"),
        (f"{path}:11", "title must be text, got list"),
        (f"{path}:12", "title is 1,200 characters; the limit is 1,000"),
    ]


def test_csv_without_title_or_body(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,headline_text,summary\n1,a,b\n", encoding="utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.exit_code == 1
    assert reasons(report) == [
        (
            str(path),
            "CSV header has no 'title' column and no 'body' column (nor 'text' or 'content'); "
            "columns are: id, headline_text, summary",
        )
    ]


def test_csv_row_problems(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("title,body\n좋은 제목,좋은 본문이다.\n제목만,\n너무,많은,필드\n", encoding="utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 1
    assert reasons(report) == [
        (f"{path}:3", "missing body (expected a 'body', 'text' or 'content' field)"),
        (f"{path}:4", "row has 3 fields but the header has 2"),
    ]


def test_xml_that_is_not_a_feed(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "config.xml"
    path.write_text('<?xml version="1.0"?><settings><value>1</value></settings>', encoding="utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.exit_code == 1
    (rejection,) = report.rejected
    assert rejection.where == str(path) and rejection.reason.startswith("not an RSS or Atom feed")


def test_truncated_feed_keeps_complete_entries(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    path = tmp_path / "cut.xml"
    cut = RSS.index("<item><title>코스피")
    path.write_text(RSS[: cut + 40], encoding="utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 1 and report.exit_code == 0
    assert any(r.where == str(path) and "truncated or malformed" in r.reason for r in report.rejected)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt", ".xml", ".html", ""])
def test_binary_file(tmp_path: Path, sqlite_engine: Engine, settings: Settings, suffix: str) -> None:
    path = tmp_path / f"picture{suffix}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    report = run_ingest(sqlite_engine, settings, path)
    assert report.exit_code == 1 and report.ingested == 0
    (rejection,) = report.rejected
    assert rejection.where == str(path) and "binary" in rejection.reason


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt", ".xml", ".html"])
def test_empty_file(tmp_path: Path, sqlite_engine: Engine, settings: Settings, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    report = run_ingest(sqlite_engine, settings, path)
    assert reasons(report) == [(str(path), "file is empty")]
    assert report.exit_code == 1


def test_empty_folder(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    (tmp_path / "nothing").mkdir()
    assert reasons(run_ingest(sqlite_engine, settings, tmp_path / "nothing")) == [
        (str(tmp_path / "nothing"), "folder holds no files")
    ]


def test_huge_body_is_capped(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    huge = "가" * (5 * 1024 * 1024)
    path = write_jsonl(
        tmp_path / "huge.jsonl", [{"id": "big", "title": "거대한 기사", "body": huge}, korean_article(1)]
    )
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 1
    assert reasons(report) == [
        (f"{path}:1", "body is 5,242,880 characters; the limit is 200,000 (PRISM_MAX_BODY_CHARS)")
    ]


def test_body_cap_is_a_setting(
    tmp_path: Path, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRISM_MAX_BODY_CHARS", "1000000")
    path = write_jsonl(
        tmp_path / "big.jsonl", [{"id": "big", "title": "긴 기사", "body": "가나다라. " * 100_000}]
    )
    assert run_ingest(sqlite_engine, get_settings(), path).ingested == 1


def test_invalid_line_encoding(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "mixed-encoding.jsonl"
    good = '{"id": "g", "title": "제목", "body": "본문이다."}\n'.encode()
    path.write_bytes(good + b'{"id": "x", "title": "\xff\xfe\xfd\xfc"}\n')
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 1
    assert reasons(report) == [(f"{path}:2", "line is neither UTF-8 nor EUC-KR/CP949 text")]


def test_title_holding_the_body_is_repaired(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    """A real-world defect: the article text filed under `title`, with an empty body."""
    text = "예결위는 이날 오전 8시 소소위원회를 열고 보류된 사업의 감액 심사를 했다. " * 5
    path = write_jsonl(tmp_path / "swap.jsonl", [{"id": "s-1", "title": text, "body": ""}])
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 1 and not report.rejected
    assert [(w.where, w.reason[:20]) for w in report.warnings] == [(f"{path}:1", "the body was empty a")]
    with sqlite_engine.connect() as conn:
        article = queries.get_article(conn, key="s-1")
    assert article is not None
    assert article.title == "예결위는 이날 오전 8시 소소위원회를 열고 보류된 사업의 감액 심사를 했다."
    assert article.body.startswith("예결위는")
    again = run_ingest(sqlite_engine, settings, path)
    assert again.duplicates == 1 and again.warnings == []  # a skipped duplicate needs no warning


def test_missing_path_is_a_usage_error(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [korean_article(1)])
    with pytest.raises(UsageError, match="no such file"):
        run_ingest(sqlite_engine, settings, good, tmp_path / "missing.jsonl")
    with sqlite_engine.connect() as conn:
        assert queries.count_articles(conn) == 0  # nothing half-done


def test_bad_input_never_loses_stored_articles(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [korean_article(n) for n in range(5)])
    run_ingest(sqlite_engine, settings, first)
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"\x00\x01\x02garbage")
    run_ingest(sqlite_engine, settings, broken)
    with sqlite_engine.connect() as conn:
        assert queries.count_articles(conn) == 5


def test_malformed_json_array(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"title": "제목", "body": "본문이다."},\n  {"title": "잘린\n', encoding="utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.exit_code == 1
    (rejection,) = report.rejected
    assert rejection.where == f"{path}:3" and rejection.reason.startswith("malformed JSON:")


def test_lone_surrogates_become_replacement_characters(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    """JSON may escape half a UTF-16 pair ("\\ud800"): no text encoding can hold it, so it is stored as
    U+FFFD and the article is analysed like any other."""
    from prism.pipeline import enrich_pending

    source = tmp_path / "surrogate.jsonl"
    source.write_text(
        '{"id": "s1", "title": "반도체\\udc80 수출", "body": "삼성전자\\ud800가 반도체 수출을 늘렸다. '
        '수출은 20% 늘었다."}\n',
        encoding="utf-8",
    )
    report = run_ingest(sqlite_engine, settings, source)
    assert report.ingested == 1 and not report.rejected
    with sqlite_engine.connect() as conn:
        [article] = queries.list_articles(conn)
    assert article.body.startswith("삼성전자\ufffd가") and article.title == "반도체\ufffd 수출"
    assert enrich_pending(sqlite_engine, settings).analysed == 1

"""Each input format, end to end into a real SQLite store."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from prism.config import Settings
from prism.store import articles as queries
from tests.helpers import korean_article, run_ingest, write_jsonl

RESOURCES = Path(__file__).with_name("resources")


def stored(engine: Engine, key: str):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return queries.get_article(conn, key=key)


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return queries.count_articles(conn)


def test_jsonl_fields_aliases_and_extras(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {
                "id": "a-1",
                "title": " 한국은행,  기준금리 0.25%p 인하 ",
                "text": "한국은행이 26일 기준금리를 2.25%로 내렸다.\n\n\n시장은 예상했다는 반응이다.",
                "url": "https://News.Example.com/economy/1?utm_source=rss",
                "published": "2026.11.26 10:21",
                "press": "프리즘경제",
                "section": "경제",
                "author": "김하늘",
                "dataset": "demo",
                "tags": ["금리", "한국은행"],
            },
            {
                "id": 42,
                "title": "숫자 id",
                "content": "본문이 content 필드에 있다.",
                "published": "2026년 11월 27일",
            },
        ],
    )
    report = run_ingest(sqlite_engine, settings, path)
    assert report.as_dict() == {"ingested": 2, "duplicates": 0, "near_duplicates": 0, "rejected": []}
    article = stored(sqlite_engine, "a-1")
    assert article.title == "한국은행, 기준금리 0.25%p 인하"
    assert article.body == "한국은행이 26일 기준금리를 2.25%로 내렸다.\n\n시장은 예상했다는 반응이다."
    assert article.url == "https://news.example.com/economy/1"
    assert article.published_at == datetime(2026, 11, 26, 1, 21, tzinfo=UTC)
    assert (article.source, article.category, article.author) == ("프리즘경제", "경제", "김하늘")
    assert article.extra == {"dataset": "demo", "tags": ["금리", "한국은행"]}
    assert article.origin == f"{path}:1"
    assert article.content_hash.startswith("sha256:")
    assert stored(sqlite_engine, "42").body == "본문이 content 필드에 있다."


def test_json_array_file(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    import json

    path = tmp_path / "news.json"
    path.write_text(json.dumps([korean_article(1), korean_article(2), "oops"], ensure_ascii=False), "utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 2
    assert [(r.where, r.reason) for r in report.rejected] == [
        (f"{path}[2]", "expected a JSON object, got a string")
    ]


@pytest.mark.parametrize(("suffix", "delimiter"), [(".csv", ","), (".tsv", "\t")])
def test_csv_and_tsv(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings, suffix: str, delimiter: str
) -> None:
    path = tmp_path / f"news{suffix}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["ID", "Title", "Body", "Published", "Source", "memo"])
        writer.writerow(
            [
                "c-1",
                "전세 매물 감소",
                "서울 전세 매물이 줄었다.\n월세는 올랐다.",
                "2026-11-21 14:05",
                "한빛일보",
                "x",
            ]
        )
        writer.writerow(["c-2", "청약 경쟁률 상승", "청약 경쟁률이 올랐다.", "", "", ""])
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 2 and not report.rejected
    first = stored(sqlite_engine, "c-1")
    assert first.body == "서울 전세 매물이 줄었다.\n월세는 올랐다."  # a quoted multi-line cell
    assert first.extra == {"memo": "x"} and first.source == "한빛일보"
    assert stored(sqlite_engine, "c-2").published_at is None


def test_txt_single_article_and_tab_lines(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "\n최저임금 9,860원 확정\n\n최저임금위원회가 결정했다.\n노사 모두 불만이다.\n", "utf-8"
    )
    (folder / "lines.txt").write_text(
        "환율 1,420원 돌파\t원/달러 환율이 올랐다.\n물가 상승\t소비자물가가 2.1% 올랐다.\n", "utf-8"
    )
    report = run_ingest(sqlite_engine, settings, folder, source="텍스트통신")
    assert report.ingested == 3 and not report.rejected
    with sqlite_engine.connect() as conn:
        articles = {a.title: a for a in queries.list_articles(conn, limit=10)}
    assert articles["최저임금 9,860원 확정"].body == "최저임금위원회가 결정했다.\n노사 모두 불만이다."
    assert articles["최저임금 9,860원 확정"].origin == f"{folder / 'one.txt'}:2"
    assert articles["물가 상승"].origin == f"{folder / 'lines.txt'}:2"
    assert {a.source for a in articles.values()} == {"텍스트통신"}


def test_source_option_does_not_override_records(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    anonymous = {k: v for k, v in korean_article(2).items() if k != "source"}
    path = write_jsonl(tmp_path / "n.jsonl", [{**korean_article(1), "source": "원래일보"}, anonymous])
    run_ingest(sqlite_engine, settings, path, source="옵션일보")
    assert stored(sqlite_engine, "t-0001").source == "원래일보"
    assert stored(sqlite_engine, "t-0002").source == "옵션일보"


RSS = (RESOURCES / "feed-rss.xml").read_text(encoding="utf-8")

ATOM = (RESOURCES / "feed-atom.xml").read_text(encoding="utf-8")


def test_rss_feed(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(RSS, "utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 2 and not report.rejected
    with sqlite_engine.connect() as conn:
        articles = {a.url: a for a in queries.list_articles(conn, limit=10)}
    first = articles["https://news.example.com/a/1"]
    assert first.title == "삼성SDI, 46파이 배터리 양산"
    assert first.body == "삼성SDI가 46파이 배터리 양산에 들어갔다.\n\n고객사는 미국 업체다."
    assert first.published_at == datetime(2026, 11, 27, 0, 30, tzinfo=UTC)
    assert first.source == "프리즘경제 - 경제" and first.category == "산업"
    assert first.origin == f"{path} entry 1 ('삼성SDI, 46파이 배터리 양산')"
    assert articles["https://news.example.com/a/2"].body == "코스피가 <강보합>으로 마감했다."


def test_atom_feed(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, "utf-8")
    report = run_ingest(sqlite_engine, settings, path, fmt="rss")
    assert report.ingested == 1
    with sqlite_engine.connect() as conn:
        (article,) = queries.list_articles(conn, limit=10)
    assert article.body == "청년 고용률이 석 달째 내렸다.\n\n“쉬었음” 청년도 늘었다."
    assert article.author == "박서준" and article.source == "한빛일보"
    assert article.published_at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


PAGE = (RESOURCES / "article.html").read_text(encoding="utf-8")


def test_html_page(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, "utf-8")
    report = run_ingest(sqlite_engine, settings, path)
    assert report.ingested == 1, report.rejected
    with sqlite_engine.connect() as conn:
        (article,) = queries.list_articles(conn, limit=10)
    assert article.title == "반도체 수출 20% 증가"
    assert "HBM" in article.body and "메뉴 홈" not in article.body
    assert article.url == "https://nuri.example.com/news/77"
    assert article.source == "누리뉴스"
    assert article.published_at is not None and article.published_at.date().isoformat() == "2026-11-24"


def test_format_is_sniffed_without_suffix(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    (tmp_path / "feed").write_text(RSS, "utf-8")
    (tmp_path / "page").write_text(PAGE, "utf-8")
    write_jsonl(tmp_path / "rows", [korean_article(3)])
    report = run_ingest(sqlite_engine, settings, tmp_path / "feed", tmp_path / "page", tmp_path / "rows")
    assert report.ingested == 4 and not report.rejected


def test_euc_kr_files(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    (tmp_path / "old.txt").write_bytes(
        "국민연금 수익률 발표\n국민연금기금 수익률이 8%를 기록했다.".encode("euc-kr")
    )
    (tmp_path / "old.jsonl").write_bytes(
        '{"id": "e-1", "title": "퇴직연금 적립금 증가", "body": "퇴직연금 적립금이 늘었다."}\n'.encode(
            "cp949"
        )
    )
    report = run_ingest(sqlite_engine, settings, tmp_path / "old.txt", tmp_path / "old.jsonl")
    assert report.ingested == 2 and not report.rejected
    assert stored(sqlite_engine, "e-1").title == "퇴직연금 적립금 증가"


def test_bom_is_stripped(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + '{"id": "b-1", "title": "제목", "body": "본문이다."}\n'.encode())
    assert run_ingest(sqlite_engine, settings, path).ingested == 1

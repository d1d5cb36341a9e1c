"""Text, URL, encoding and date normalization: table-driven cases plus properties."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prism.errors import RecordError
from prism.ingest.normalize import (
    DecodeError,
    canonical_url,
    clean_line,
    clean_text,
    content_hash,
    decode_bytes,
    is_tracking_param,
    parse_published,
)

KST = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("삼성전자 &amp; SK하이닉스", "삼성전자 & SK하이닉스"),
        ("&amp;quot;반도체&amp;quot;", '"반도체"'),  # double-escaped, as feeds often are
        ("코스피\u00a0\u00a02,650.32", "코스피 2,650.32"),  # no-break spaces
        ("전세\u3000시장", "전세 시장"),  # ideographic space
        ("금리\u200b인하", "금리인하"),  # zero-width space
        ("첫 문단.\r\n\r\n\r\n\r\n둘째 문단.", "첫 문단.\n\n둘째 문단."),
        ("  줄 앞뒤 공백  \n  다음 줄  ", "줄 앞뒤 공백\n다음 줄"),
        ("첫 줄<br/>둘째 줄", "첫 줄\n둘째 줄"),
        ("\u1100\u1161\u11a8", "\uac01"),  # decomposed jamo (NFD) -> composed syllable (NFC)
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_line_joins_lines() -> None:
    assert clean_line("  삼성SDI,\n 46파이\t배터리  양산 ") == "삼성SDI, 46파이 배터리 양산"


@given(st.text())
def test_clean_text_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    assert "\r" not in once and "  " not in once and "\n\n\n" not in once
    assert once == once.strip()


@given(st.text())
def test_clean_line_has_no_line_breaks(raw: str) -> None:
    line = clean_line(raw)
    assert "\n" not in line and clean_line(line) == line


def test_content_hash_is_prefixed_sha256() -> None:
    digest = content_hash("제목", "본문")
    assert digest.startswith("sha256:") and len(digest) == 71
    assert digest != content_hash("제목", "본문.")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://News.Example.COM:443/a/b?id=3", "https://news.example.com/a/b?id=3"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com/a?utm_source=rss&id=7&utm_medium=feed#comments", "https://example.com/a?id=7"),
        ("https://example.kr/view?idxno=4821&fbclid=abc&gclid=x", "https://example.kr/view?idxno=4821"),
        ("https://example.kr/view?idxno=4821?utm_source=rss", "https://example.kr/view?idxno=4821"),
        ("https://뉴스.example.kr/기사", "https://xn--vg1b002a.example.kr/%EA%B8%B0%EC%82%AC"),
        ("https://example.kr/%ea%b8%b0%ec%82%ac", "https://example.kr/%EA%B8%B0%EC%82%AC"),
        ("https://example.kr/a b", "https://example.kr/a%20b"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("ftp://example.com/a", r"not an http\(s\) URL"),
        ("javascript:alert(1)", r"not an http\(s\) URL"),
        ("news.example.com/a", r"not an http\(s\) URL"),
        ("https://user:pw@example.com/", "credentials"),
        ("http://example.com:99999/", "not valid"),
        ("https://example.com/" + "a" * 3000, "limit"),
    ],
)
def test_canonical_url_rejects(raw: str, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        canonical_url(raw)


_url_part = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(com|kr|co\.kr)", fullmatch=True),
    path=_url_part,
    params=st.lists(
        st.tuples(st.sampled_from(["id", "utm_source", "page", "fbclid", "q"]), _url_part), max_size=4
    ),
)
def test_canonical_url_properties(host: str, path: str, params: list[tuple[str, str]]) -> None:
    from urllib.parse import urlencode, urlsplit

    url = f"https://{host.upper()}/{path.replace('?', '').replace('#', '')}?{urlencode(params)}#frag"
    canonical = canonical_url(url)
    assert canonical_url(canonical) == canonical  # idempotent
    parts = urlsplit(canonical)
    assert parts.hostname == host and not parts.fragment
    assert not any(is_tracking_param(name) for name in parts.query.split("&") if name)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-04T10:21:00+09:00", datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),
        ("2025-03-04T01:21:00Z", datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),
        ("2025.03.04 10:21", datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),  # read in Korean time
        ("2025년 3월 4일", datetime(2025, 3, 3, 15, 0, tzinfo=UTC)),
        ("2025년 3월 4일 오후 3시 20분", datetime(2025, 3, 4, 6, 20, tzinfo=UTC)),
        ("2025.03.04. 오전 9:05", datetime(2025, 3, 4, 0, 5, tzinfo=UTC)),
        ("입력 2025-03-04 10:21:00", datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),
        ("2025/03/04", datetime(2025, 3, 3, 15, 0, tzinfo=UTC)),
        ("20250304", datetime(2025, 3, 3, 15, 0, tzinfo=UTC)),
        ("Tue, 04 Mar 2025 01:21:00 GMT", datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),
        ("Tue, 04 Mar 2025 10:21:00 +0900", datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),
        (1741051260, datetime(2025, 3, 4, 1, 21, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_parse_published(raw: object, expected: datetime | None) -> None:
    assert parse_published(raw, KST) == expected


@pytest.mark.parametrize("raw", ["어제", "2025.13.40", "2025년 2월 30일", "soon", "99999999999", ["2025"]])
def test_parse_published_rejects(raw: object) -> None:
    with pytest.raises(RecordError, match="published"):
        parse_published(raw, KST)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("한국은행 기준금리".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "한국은행".encode(), "utf-8"),
        ("한국은행 기준금리 동결".encode("euc-kr"), "cp949"),
        ("똠방각하".encode("cp949"), "cp949"),  # 똠 exists only in CP949, not in EUC-KR
        (b"\xff\xfe" + "금리".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_decode_bytes(data: bytes, encoding: str) -> None:
    text, detected = decode_bytes(data)
    assert detected == encoding
    assert text in ("한국은행 기준금리", "한국은행", "한국은행 기준금리 동결", "똠방각하", "금리")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)) * 4])
def test_decode_bytes_refuses_binary(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_bytes(data)

"""Cleaning on the real-world forms of Korean news boilerplate (tests/resources/news-forms-ko.tsv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prism.nlp.clean import clean_for_analysis

FORMS = Path(__file__).parent / "resources" / "news-forms-ko.tsv"


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\xa0", "\xa0")


def _forms() -> list[tuple[str, str, str]]:
    rows = []
    for line in FORMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            body, expected, form = line.split("\t")
            rows.append((_unescape(body), _unescape(expected), form))
    return rows


CASES = _forms()


def test_the_fixture_covers_the_forms() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("body", "expected", "form"), CASES, ids=[form for _, _, form in CASES])
def test_cleaning_real_world_forms(body: str, expected: str, form: str) -> None:
    assert clean_for_analysis(body).text == expected, form


@pytest.mark.parametrize(("body", "expected", "form"), CASES, ids=[form for _, _, form in CASES])
def test_every_kept_character_maps_back(body: str, expected: str, form: str) -> None:
    cleaned = clean_for_analysis(body)
    for at, char in enumerate(cleaned.text):
        assert body[cleaned.original_offset(at)] == char, (form, at)


@pytest.mark.parametrize(
    ("body", "break_before"),
    [
        # A photo's title, then the Yonhap-style dateline of its caption: the two never run on.
        ("'편파수사' 규탄 여성시위(서울=한빛뉴스) 박동주 기자 = 시민들이 모였다.", "시민들이"),
        # A caption credit ending a line's first part.
        ("누리전자 신제품 [사진=누리전자] 판매가 시작됐다.", "판매가"),
    ],
)
def test_cut_datelines_and_credits_end_a_sentence(body: str, break_before: str) -> None:
    cleaned = clean_for_analysis(body)
    assert [cleaned.text[at:].lstrip() for at in cleaned.breaks] == [
        cleaned.text[cleaned.text.index(break_before) :]
    ]


def test_urls_and_e_mails_inside_a_sentence_do_not_end_it() -> None:
    cleaned = clean_for_analysis("자세한 내용은 홈페이지(www.example.kr)와 메일(a@example.com)로 안내한다.")
    assert cleaned.breaks == ()

"""Korean analysis: cleaning, sentence splitting, compounds (table-driven)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prism.nlp.clean import clean_for_analysis
from prism.nlp.korean import analyze, analyze_many


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # 기사 첫머리 (dateline) with a reporter: dropped
        ("(서울=연합뉴스) 홍길동 기자 = 코스피가 올랐다.", "코스피가 올랐다."),
        ("[서울경제] 코스피가 올랐다.", "코스피가 올랐다."),
        ("【서울=뉴시스】김철수·박영희 기자 = 금리가 내렸다.", "금리가 내렸다."),
        ("(주)삼성이 올랐다.", "(주)삼성이 올랐다."),  # not a dateline: no "="
        # 바이라인 (byline) and e-mail lines: dropped
        ("본문이다.\n홍길동 기자 hong@example.com", "본문이다.\n"),
        ("본문이다.\n이성훈 sinawi@hanmail.net", "본문이다.\n"),
        ("마지막 문단이다. 홍길동 기자 hong@example.com", "마지막 문단이다."),
        ("본문이다.\n홍길동 기자", "본문이다.\n"),
        # 사진 설명 (photo captions)
        ("삼성이 양산한다. [사진=삼성SDI 제공] 다음 문장.", "삼성이 양산한다.  다음 문장."),
        ("본문이다.\n서울 여의도 증권가 전경. /사진=한빛일보", "본문이다.\n"),
        ("본문이다.\n▲ 평택캠퍼스 전경 (삼성전자 제공)", "본문이다.\n"),
        # 관련기사 and copyright lines
        ("본문이다.\n▶ 관련기사 삼성전자, 평택 증설", "본문이다.\n"),
        ("본문이다.\n<저작권자 ⓒ 누리뉴스, 무단 전재 및 재배포 금지>", "본문이다.\n"),
        ("본문이다.\nⓒ 다온비즈 무단전재 및 재배포금지", "본문이다.\n"),
        ("본문이다.\n무단 복제를 금합니다", "본문이다.\n"),
        ("본문이다.\nCOPYRIGHT 2026 NURI NEWS", "본문이다.\n"),  # any case: kept past the substring test
        ("본문이다.\nall rights reserved.", "본문이다.\n"),
        # URLs
        ("자세한 내용은 https://news.example.com/a?b=1 에서 본다.", "자세한 내용은 에서 본다."),
    ],
)
def test_cleaning(body: str, expected: str) -> None:
    assert clean_for_analysis(body).text == expected


def test_cleaning_keeps_offsets() -> None:
    body = "(서울=연합뉴스) 홍길동 기자 = 삼성SDI가 양산한다. [사진=삼성SDI] 베트남 법인이 조립한다."
    cleaned = clean_for_analysis(body)
    for word in ("삼성SDI가", "베트남"):
        at = cleaned.text.index(word)
        start = cleaned.original_offset(at)
        assert body[start : start + len(word)] == word


@pytest.mark.parametrize(
    ("body", "sentences"),
    [
        ("코스피는 2,650.32로 마감했다. 환율은 올랐다.", ["코스피는 2,650.32로 마감했다.", "환율은 올랐다."]),
        ("물가가 12.3% 올랐다. 정부는 대책을 냈다.", ["물가가 12.3% 올랐다.", "정부는 대책을 냈다."]),
        (
            "주가가 올랐다.이어 환율이 내렸다.",
            ["주가가 올랐다.", "이어 환율이 내렸다."],
        ),  # no space after the period
        (
            '그는 "금리를 내리겠다"고 말했다. 시장은 반겼다.',
            ['그는 "금리를 내리겠다"고 말했다.', "시장은 반겼다."],
        ),
        (
            "연구진은 새 소재를 찾았다\n이 소재는 저렴하다",
            ["연구진은 새 소재를 찾았다", "이 소재는 저렴하다"],
        ),  # no periods
        (
            "정부는 검토 중이다. 결론은 아직이다",
            ["정부는 검토 중이다.", "결론은 아직이다"],
        ),  # no final period
    ],
)
def test_sentences(body: str, sentences: list[str]) -> None:
    analysis = analyze("", body)
    assert [s.text for s in analysis.sentences] == sentences
    for sentence in analysis.sentences:
        assert body[sentence.start : sentence.end] == sentence.text  # offsets point into the original


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("삼성SDI가 양산에 들어갔다.", "삼성SDI"),  # 고유명사 + 외국어 (proper noun + Latin letters)
        ("SK하이닉스가 투자한다.", "SK하이닉스"),
        ("영업이익이 늘었다.", "영업이익"),  # 명사 + 명사 (noun + noun)
        ("금융통화위원회가 결정했다.", "금융통화위원회"),
        ("46파이 배터리 양산이 시작됐다.", "46파이 배터리"),  # from our user dictionary
        ("HBM3E 공급이 늘었다.", "HBM3E"),
        ("카카오뱅크가 대출을 늘렸다.", "카카오뱅크"),
        # 접두사 + 명사 (prefix + noun): Kiwi tags the prefix apart; without it the meaning turns over
        ("비정규직 근로자가 늘었다.", "비정규직"),
        ("미분양 주택이 쌓였다.", "미분양"),
        ("대규모 채용에 나선다.", "대규모"),
        ("제2공장을 짓는다.", "제2공장"),
    ],
)
def test_compounds(text: str, compound: str) -> None:
    assert compound in analyze("", text).sentences[0].nouns


def test_a_prefix_alone_or_before_a_number_alone_is_no_term() -> None:
    nouns = analyze("", "비정규직은 제2 공장에서 일한다.").sentences[0].nouns
    assert "정규직" not in nouns and "제2" not in nouns and "공장" in nouns


def test_stopwords_and_predicates() -> None:
    sentence = analyze("", "관계자는 올해 영업이익이 크게 늘었다고 밝혔다.").sentences[0]
    assert "관계자" not in sentence.nouns and "올해" not in sentence.nouns
    assert "늘다" in sentence.terms and "밝히다" not in sentence.terms


def test_user_dictionary_of_the_home_passed_down(home: Path, tmp_path: Path) -> None:
    """The home given (a --home flag's, say) brings its dictionary, whatever PRISM_HOME says; the
    configured home's is the default; homes without one share the packaged dictionary."""
    own = tmp_path / "elsewhere"
    own.mkdir()
    (own / "userdict.txt").write_text("프리즘코인\n", encoding="utf-8")
    sentence = "프리즘코인이 상장됐다."
    # One token with the dictionary; without it, Kiwi reads 프리즘 + 코인.
    assert "프리즘코인" in analyze("", sentence, home=own).sentences[0].lemmas
    assert "프리즘코인" not in analyze("", sentence).sentences[0].lemmas  # PRISM_HOME has none
    home.mkdir(parents=True, exist_ok=True)
    (home / "userdict.txt").write_text("프리즘코인\n", encoding="utf-8")
    assert "프리즘코인" in analyze("", sentence).sentences[0].lemmas


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "앞 문장이다. 경량 AI 모델이 대안이 될 수 있다.",
            "경량 AI 모델",
        ),  # not the first sentence of its line
        ("차세대 배터리 시장이 커진다.", "차세대 배터리 시장"),
        ("B2B AI 시장의 성장세가 뚜렷하다.", "B2B AI 시장"),
    ],
)
def test_noun_phrases(text: str, phrase: str) -> None:
    assert phrase in [p for s in analyze("", text).sentences for p in s.phrases]


def _articles(n: int, pulled: list[int], fail_at: int | None = None) -> Iterator[tuple[str, str]]:
    for i in range(n):
        if i == fail_at:
            raise ValueError(f"article {i} cannot be read")
        pulled[0] += 1
        yield f"제목 {i}", f"{i}번째 기사의 첫 문장이다.\n둘째 문단의 문장이다."


def test_analyze_many_streams_and_matches_one_by_one() -> None:
    pulled = [0]
    results = analyze_many(_articles(5000, pulled), workers=2)
    first = next(results)
    assert first == analyze("제목 0", "0번째 기사의 첫 문장이다.\n둘째 문단의 문장이다.")
    # Kiwi reads ahead, but not the whole input: articles are cleaned as they go.
    assert pulled[0] < 5000
    results.close()


def test_analyze_many_raises_what_the_input_raises() -> None:
    with pytest.raises(ValueError, match="article 3 cannot be read"):
        list(analyze_many(_articles(10, [0], fail_at=3)))


@pytest.mark.parametrize(
    ("body", "sentences"),
    [
        # 인용 (a quotation) of several sentences is one unit
        (
            "그는 “9일 만에 6kg을 뺐다. 그냥 굶은 게 아니다.”라고 밝혔다. 팬들이 반겼다.",
            ["그는 “9일 만에 6kg을 뺐다. 그냥 굶은 게 아니다.”라고 밝혔다.", "팬들이 반겼다."],
        ),
        (
            '조 장관은 "전통문을 보내야겠죠. 내용은 검토 중이다"고 말했다.',
            ['조 장관은 "전통문을 보내야겠죠. 내용은 검토 중이다"고 말했다.'],
        ),
        # 붙은 문장 (glued sentences): split after 다. with no space, the text unchanged
        ("기능을 도입했다.AI기술을 통해 탑재했다.", ["기능을 도입했다.", "AI기술을 통해 탑재했다."]),
        # 앞머리 인용어 (a leading quoted term) stays with its sentence, never cut at the closing quote
        (
            "금융위가 설명했다. ‘자본시장과 금융투자업에 관한 법’에 따르면 과징금은 최대 20억원이다.",
            ["금융위가 설명했다.", "‘자본시장과 금융투자업에 관한 법’에 따르면 과징금은 최대 20억원이다."],
        ),
        # a URL or e-mail inside a sentence is the body's own text
        (
            "자세한 내용은 홈페이지(www.example.kr)에서 본다.",
            ["자세한 내용은 홈페이지(www.example.kr)에서 본다."],
        ),
        # a dateline cut from inside a line ends the caption's title
        (
            "'편파수사' 규탄 시위(서울=한빛뉴스) 박동주 기자 = 시민들이 모였다.",
            ["'편파수사' 규탄 시위", "시민들이 모였다."],
        ),
    ],
)
def test_sentence_units(body: str, sentences: list[str]) -> None:
    analysis = analyze("", body)
    assert [s.text for s in analysis.sentences] == sentences
    for sentence in analysis.sentences:
        assert body[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("line", "statement"),
    [
        ("가장 많은 비중 차지하는 '1인 가구' 영향 커", False),  # 헤드라인 (headline): no ending
        ("北 매체, 북미 정상회담 첫 공식화", False),  # ends in a noun
        ("하지만 상장공지 하루도 안돼", False),  # 해체 (informal) ending, no final mark
        ("22일 정상회담서 북한 달랠까", False),
        ("구강청결제 사용 주의하자", False),
        ("정확하게 어느 수준까지 온 건가요?", False),  # a question
        ("반도체 회사가 젊은 세대를 공략하는 이유는 무엇일까.", False),  # a question without its mark
        ("정부는 무엇을 해야 하는가.", False),
        ("[우리 사회의 정의를 해치는 행위이므로 근절해야 합니다.]", False),  # a quote box
        ("연구진은 새 소재를 찾았다", True),  # 다 ending without a period (sci-news style)
        ("정부가 대책을 내놨다.", True),
        ("결론은 다음 달 발표될 예정.", False),  # a noun before the period: headline style
        ("네이버는 아마존에 정면 승부를 건 경우.", False),
    ],
)
def test_headline_fragments_are_not_statements(line: str, statement: bool) -> None:
    (sentence,) = analyze("", line).sentences
    assert sentence.is_statement is statement

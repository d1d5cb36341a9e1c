"""Which sentences lean on the one before them, and which speak in someone's own voice."""

from __future__ import annotations

import pytest

from prism.nlp.discourse import is_spoken, leans_back, readable_runs, stands_alone, written
from prism.nlp.korean import analyze
from prism.records import Sentence


def sentence(text: str) -> Sentence:
    """Return the one sentence Kiwi makes of `text` (after a title line it ignores)."""
    (only,) = analyze("제목", text).sentences
    return only


LEANS_BACK = [
    "이는 작년 같은 시기보다 1.6%포인트 높은 수준이다.",  # 이는: "this" (대명사, pronoun)
    "그는 기자간담회에서 금리 인상 가능성을 언급했다.",  # 그는: "he"
    "이 영향으로 국내 채권시장에서도 금리가 올랐다.",  # 이 영향으로: "because of this" (관형사 이)
    "이 총재는 기자 간담회를 열고 이같이 말했다.",  # a surname for a full name, and 이같이 ("like this")
    "김 대표는 합병 배경을 설명했다.",  # 김 대표: surname and title only
    "반면 수입은 4.3% 줄어든 것으로 집계됐다.",  # 반면: "on the other hand"
    "하지만 시장의 반응은 엇갈렸다.",  # 하지만: 접속부사 (conjunctive adverb)
    "이어 두 회사는 기술 협력 방안을 논의했다.",  # 이어: "then"
    "양사는 다음 달 합병 계약을 맺을 예정이다.",  # 양사: "both companies" named before
    "같은 기간 수출은 2.1% 늘었다.",  # 같은 기간: "the same period"
    "당시 정부는 규제 완화를 약속했다.",  # 당시: "at that time"
    "“이번 결정은 시장 상황을 반영한 것”이라고 덧붙였다.",  # a quote whose speaker came before
    "이후 브랜드를 개인 명의로 등록한 것은 문제가 없다는 설명이다.",  # reports a speaker named before
    "비급여 청구를 할 수 없다는 얘기다.",  # "that is to say": restates the sentence before
    "반발을 키웠다는 것이다.",
    "한편 정부는 내년 예산안을 다음 주 발표한다.",  # 한편: "meanwhile", turning from what was said
    "1주택자 종부세는 공시가격 9억원 초과 주택에만 부과되기 때문이다.",  # the reason for what came before
    "석 달 만에 다시 반등한 것이다.",  # "it is that it rebounded": what the sentence before meant
    "3주 연속 오른 것이며, 연중 최고치에 근접한 가격이다.",  # the same in a first clause
    "수출 감소 폭이 예상보다 컸던 것이다.",  # a subject inside, but no topic: still a restatement
    "작년 같은 달보다 12% 증가한 수치다.",  # …한 수치다 with no subject: the figure of the sentence before
    "지난해보다 8% 늘어난 수치로, 15개월 만에 가장 큰 증가율이다.",
    "공격적인 채용을 이어가는 이유다.",  # "that is why …"
    "대학마다 ‘인재 모시기’에 나서며 채용을 늘리는 이유다.",  # ‘…’ marks a term, not a speaker
    "3년 전과 비교하면 17% 오른 셈이다.",
    "수출도 석 달 연속 늘었다.",  # 도: "exports, too", besides something told before
    "김 본부장도 “제도를 고쳐야 한다”고 강조했다.",
    "박 연구실장은 역시 “인상 폭을 줄여야 한다”고 주장했다.",  # 역시 ("too") after the subject
    "정부는 또 추가 대책을 내놨다.",
]
STANDS_ALONE = [
    "한국은행은 기준금리를 연 3.5%로 동결했다.",
    "카카오가 자회사 카카오M을 합병한다고 17일 공시했다.",
    "한 관계자는 “협상이 막바지에 이르렀다”고 말했다.",  # 한 관계자: "an official", no one named before
    "“수출 회복이 더디다”고 한국무역협회 관계자는 설명했다.",  # the speaker follows the quote
    "우리나라 수출은 석 달 연속 늘었다.",  # 우리나라 (Korea), not 우리 (we)
    "남북경협이 재개되면 무역이익 규모가 늘어날 것이란 전망이다.",  # an impersonal outlook
    "취업자 증가 폭이 줄어든 것은 제조업 취업자가 감소했기 때문이다.",  # names what it explains
    "새 대출 제도는 중소기업의 자금난을 덜기 위한 것이다.",  # …한 것이다 after its topic
    "내년에는 수출이 다시 늘어날 것이다.",  # …ㄹ 것이다: an outlook, not a restatement
    "한 관계자는 “가격을 올린 것”이라고 말했다.",  # the 것 is inside a speaker's quotation
    "정부는 규제를 완화한 것이라고 설명했다.",  # reports what a named speaker said
    "올해 수출 증가율은 2010년 이후 가장 높은 수준이다.",  # 수준이다 after its topic
    "가계부채가 사상 최대 규모를 기록했다.",  # 규모 is an object here
    "판매가 늘어난 이유로는 신제품 효과가 꼽힌다.",  # 이유로는: names the reason it gives
    "지금도 많은 기업이 인력난을 겪고 있다.",  # 지금도: "still", a time word
    "제도 개선이 시급하다.",  # 제도 is a noun, not 제 + 도
    "경기도 파주시의 토지 거래가 늘었다.",  # a place name
    "정부는 수출도 늘 것으로 본다.",  # 도 after the subject's topic, inside what is said
]
SPOKEN = [
    "요즘 전세 대출이 인기가 많은데요.",  # 해요체 (polite speech) ending
    "정부도 제도 개선을 검토중이에요.",
    "이런 현상은 당분간 이어질 것으로 보이죠.",
    "저는 이번 정책이 필요하다고 생각한다.",  # 저는: first person
]


@pytest.mark.parametrize("text", LEANS_BACK)
def test_sentences_that_lean_back(text: str) -> None:
    assert leans_back(sentence(text)), text
    assert not stands_alone(sentence(text))


@pytest.mark.parametrize("text", STANDS_ALONE)
def test_sentences_that_stand_alone(text: str) -> None:
    assert stands_alone(sentence(text)), text


@pytest.mark.parametrize("text", SPOKEN)
def test_spoken_register(text: str) -> None:
    assert is_spoken(sentence(text)), text


def test_quoted_speech_is_reported_not_spoken() -> None:
    assert not is_spoken(sentence("김 대표는 “올해는 꼭 흑자를 내야죠”라고 말했다."))
    assert not is_spoken(sentence("“올해는 꼭 흑자를 내야죠.”"))


def test_a_leaning_sentence_reads_only_after_its_antecedent() -> None:
    analysis = analyze(
        "제목",
        "미국 10년물 국채 금리가 3%를 넘어섰다. 이 영향으로 국내 채권시장에서도 금리가 올랐다. "
        "주택담보대출 금리도 치솟는 양상이다.",
    )
    first, leaning, third = analysis.sentences
    assert readable_runs([first, leaning, third])
    assert not readable_runs([leaning, third])  # its antecedent is left out
    assert not readable_runs([first, third, leaning])  # shown, but not right before it


@pytest.mark.parametrize(
    "text",
    [
        "시중은행들이 하반기에 이처럼 대규모 공채를 진행하는 것은 처음이다.",  # 이처럼 ("like this") inside
        "김씨 등의 부정 채용은 서류전형 점수를 조작하는 방식으로 이뤄졌다.",  # 김씨: surname + 씨
        "4일 이 총재가 기자간담회에서 금리 인상 가능성을 언급했다.",  # mid-sentence surname + title
    ],
)
def test_references_inside_a_sentence(text: str) -> None:
    assert leans_back(sentence(text)), text


def test_a_title_inside_a_quote_is_the_speakers() -> None:
    assert stands_alone(sentence("한국은행 관계자는 “이 총재가 직접 설명할 것”이라고 말했다."))


def test_broadcast_register_and_half_quotations() -> None:
    assert is_spoken(sentence("집주인이 보증금을 돌려주지 못하는 경우가 속출하고 있습니다."))  # 하십시오체
    assert leans_back(sentence("임대사업 등록 절차 등을 알아보고 있다”고 말했다."))  # a quotation's end
    assert leans_back(sentence("이날 회의에서 금리 동결이 결정됐다."))  # 이날: "that day"
    opened = analyze("제목", "박씨는 “전세를 놓고 있는데 걱정이다. 절차를 알아보고 있다”고 말했다.").sentences
    assert len(opened) == 1  # one quotation over two sentences is one unit


@pytest.mark.parametrize(
    ("broadcast", "plain"),
    [
        ("경우가 속출하고 있습니다.", "경우가 속출하고 있다."),  # 있다: plain 다
        ("비용이 발생합니다.", "비용이 발생한다."),  # a verb: ㄴ다
        ("상가 공실률이 23%에 달합니다.", "상가 공실률이 23%에 달한다."),
        ("차량이 여성을 그대로 들이받습니다.", "차량이 여성을 그대로 들이받는다."),  # 는다 after a consonant
        ("김씨는 낭패를 겪을 뻔했습니다.", "김씨는 낭패를 겪을 뻔했다."),  # after a tense: 다
        ("정부는 내년부터 시행할 계획입니다.", "정부는 내년부터 시행할 계획이다."),  # the copula
        ("상가 분양가가 비쌉니다.", "상가 분양가가 비싸다."),  # an adjective
        ("거래는 안 됩니다.", "거래는 안 된다."),
        ("보증금을 돌려주지 않은 겁니다.", "보증금을 돌려주지 않은 것이다."),
        ("애물단지로 전락하고 있다고 합니다.", "애물단지로 전락하고 있다고 한다."),  # hearsay stays hearsay
    ],
)
def test_broadcast_register_becomes_written_by_its_ending_only(broadcast: str, plain: str) -> None:
    assert written(sentence(broadcast)) == plain


@pytest.mark.parametrize(
    "text",
    [
        "정부가 대책을 내놨다.",  # already written
        "김 대표는 “수출이 늘었습니다”라고 말했다.",  # the speaker's words stay his
        "“수출이 늘었습니다”",  # a quotation's end is not the sentence's own ending
        "보신 것처럼 자율주행 기술은 빠르게 발전하고 있습니다.",  # addresses viewers: not used at all
    ],
)
def test_written_leaves_other_sentences_alone(text: str) -> None:
    assert written(sentence(text)) == text


def test_a_newscaster_addressing_viewers_is_spoken() -> None:
    assert is_spoken(sentence("보신 것처럼 자율주행 기술은 빠르게 발전하고 있습니다."))
    assert is_spoken(sentence("아시다시피 금리는 올랐다."))

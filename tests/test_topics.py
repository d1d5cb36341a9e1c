"""The topic classifier: its n-grams and arithmetic, the packaged model, and its held-out accuracy."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from prism.nlp import topics
from prism.nlp.topics import PackedCharGrams, PackedWordGrams, TopicModel, TopicPrediction

YNAT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ynat-headlines.tsv"
FLOOR = 0.86

# Headlines written for these tests, one clear case per topic.
HEADLINES = [
    ("코스피, 외국인 순매수에 2,600선 회복…원/달러 환율은 하락", "경제"),
    ("한국은행, 기준금리 동결…물가 상승률 둔화에 신중", "경제"),
    ("손흥민 멀티골 폭발…토트넘, 리그 3연승 질주", "스포츠"),
    ("류현진 7이닝 무실점 호투…시즌 10승 달성", "스포츠"),
    ("국회 본회의, 내년도 예산안 여야 합의로 통과", "정치"),
    ("대통령, 여당 대표와 회동…개각 논의", "정치"),
    ("트럼프, 중국산 수입품에 추가 관세 경고…무역전쟁 우려", "세계"),
    ("누리호 2차 발사 성공…위성 궤도 안착 확인", "IT과학"),
    ("아파트 화재로 주민 30명 대피…경찰, 화재 원인 조사", "사회"),
    ("국립현대미술관 기획전 개막…주말 관람객 몰려", "생활문화"),
]

# A made-up economic article: several paragraphs, longer than the lead that is read.
BODY = "\n\n".join(
    [
        "(서울=연합뉴스) 홍길동 기자 = 코스피가 외국인과 기관의 동반 순매수에 힘입어 1% 넘게 올랐다.",
        "한국거래소에 따르면 이날 코스피는 전 거래일보다 31.52포인트(1.22%) 오른 2,612.45에 거래를 마쳤다. "
        "외국인은 유가증권시장에서 4천200억원어치를 순매수했고 기관도 1천800억원어치를 사들였다. "
        "개인은 6천억원어치를 순매도했다.",
        "시가총액 상위 종목 가운데 반도체 대형주가 강세를 보였다. 증권업계는 미국 연방준비제도의 금리 "
        "인하 기대감과 원/달러 환율 하락이 투자 심리를 개선했다고 분석했다. 코스닥지수도 0.8% 올랐다.",
        "서울 외환시장에서 원/달러 환율은 전날보다 9.3원 내린 1,318.2원에 마감했다. 채권시장에서 "
        "국고채 3년물 금리는 0.05%포인트 하락했다.",
        "한 증권사 연구원은 '수출 회복과 기업 실적 개선 기대가 이어지고 있다'며 '다만 대외 불확실성이 "
        "남아 있어 변동성에 유의해야 한다'고 말했다. " * 3,
        "이날 거래대금은 유가증권시장 12조원, 코스닥시장 9조원으로 집계됐다. 업종별로는 전기전자, "
        "증권, 금융업이 강세를 보였고 음식료, 통신업은 약세였다. " * 3,
        "전문가들은 다음 주 발표될 미국 소비자물가지수와 국내 기업들의 분기 실적이 증시 방향을 가를 "
        "것으로 내다봤다. 반도체 수출이 석 달 연속 늘어난 점도 긍정적인 요인으로 꼽혔다. " * 4,
    ]
)


def assert_probabilities(prediction: TopicPrediction) -> None:
    assert list(prediction.scores) == list(topics.TOPICS)
    assert math.isclose(sum(prediction.scores.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in prediction.scores.values())
    assert prediction.label == max(prediction.scores, key=lambda label: prediction.scores[label])


# scikit-learn's char_wb analyzer pads each word with one space on both sides; a word shorter than n
# yields itself (padded) once.
@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("ab", 1, 2, [" ", "a", "b", " ", " a", "ab", "b "]),
        ("가", 1, 4, [" ", "가", " ", " 가", "가 ", " 가 "]),
        ("국회  통과", 3, 3, [" 국회", "국회 ", " 통과", "통과 "]),
        ("", 1, 4, []),
    ],
)
def test_char_wb_ngrams_match_scikit_learn(text: str, low: int, high: int, expected: list[str]) -> None:
    assert topics.char_wb_ngrams(text, low, high) == expected


# 어절 (eojeol): a space-separated word with its particles, the unit Korean writing puts spaces around.
@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("국회 예산안 통과", 1, 2, ["국회", "예산안", "통과", "국회 예산안", "예산안 통과"]),
        ("국회 예산안 통과", 2, 2, ["국회 예산안", "예산안 통과"]),
        ("국회", 1, 2, ["국회"]),
        ("국회", 2, 2, []),
    ],
)
def test_word_ngrams_match_scikit_learn(text: str, low: int, high: int, expected: list[str]) -> None:
    assert topics.word_ngrams(text, low, high) == expected


def test_normalize_composes_and_lowercases() -> None:
    decomposed = "\u1100\u1161"  # 가 as separate jamo (자모, letters), as some sources send it
    assert topics.normalize(f"{decomposed} KOSPI") == "가 kospi"


def test_lead_keeps_short_text_and_cuts_long_text_at_a_sentence_end() -> None:
    assert topics.lead("  짧은 제목  ") == "짧은 제목"
    text = "첫 문장이다. " * 200
    cut = topics.lead(text, 100)
    assert len(cut) <= 100 and cut.endswith("다.")
    assert topics.lead("가" * 50 + " " + "나" * 100, 100) == "가" * 50
    assert topics.lead("가" * 300, 100) == "가" * 100


def tiny_model(folder: Path) -> TopicModel:
    """Write and read back a two-topic model over two blocks small enough to score by hand."""
    topics.write_model(
        folder,
        name="tiny",
        labels=["경제", "스포츠"],
        blocks=[
            (
                {"name": "char", "analyzer": "char_wb", "ngram_range": [2, 2], "weight": 1.0, "documents": 3},
                [" 골", "주가"],
                np.array([1, 2]),
            ),
            (
                {"name": "eojeol", "analyzer": "word", "ngram_range": [1, 1], "weight": 0.5, "documents": 3},
                ["주가"],
                np.array([2]),
            ),
        ],
        coef=np.array([[-1.0, 1.0], [2.0, -2.0], [1.0, -1.0]], dtype=np.float32),
        intercept=np.array([0.1, -0.1]),
        temperature=2.0,
        training={"note": "test"},
    )
    return TopicModel.from_folder(folder, "tiny")


def test_scores_are_sublinear_tfidf_normalized_per_block(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    # "주가 주가 골": char 2-grams hold " 골" once and "주가" twice; eojeol unigrams hold "주가" twice.
    idf_goal = math.log(4 / 2) + 1
    idf_price = math.log(4 / 3) + 1
    x_goal, x_price = idf_goal, (1 + math.log(2)) * idf_price
    norm = math.hypot(x_goal, x_price)
    economy = 0.1 - x_goal / norm + 2 * x_price / norm + 0.5 * 1.0
    scores = model.decision_function(["주가 주가 골", ""])
    assert scores[0] == pytest.approx([economy, -economy])
    assert scores[1] == pytest.approx([0.1, -0.1])  # no known n-gram: the intercepts alone
    p = model.probabilities(scores)
    assert p[0, 0] == pytest.approx(1 / (1 + math.exp(-4 * economy)))


def test_write_model_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    tiny_model(tmp_path / "a")
    tiny_model(tmp_path / "b")
    for suffix in ("npz", "json"):
        assert (tmp_path / "a" / f"tiny.{suffix}").read_bytes() == (
            tmp_path / "b" / f"tiny.{suffix}"
        ).read_bytes()


def test_packaged_model_loads_once() -> None:
    model = topics.load_model()
    assert model is topics.load_model()
    assert model.labels == topics.TOPICS
    assert model.metadata["training"]["holdout_accuracy"] >= FLOOR


@pytest.mark.parametrize(("title", "topic"), HEADLINES)
def test_clear_headlines_get_their_topic(title: str, topic: str) -> None:
    prediction = topics.predict(title)
    assert prediction.label == topic, prediction.scores
    assert_probabilities(prediction)


def test_predict_many_agrees_with_predict() -> None:
    titles = [title for title, _ in HEADLINES]
    assert topics.predict_many(titles) == [topics.predict(title) for title in titles]
    assert topics.predict_many([]) == []


# Texts for the packed-code path: characters outside the vocabulary's alphabet (emoji, Greek, a full-width
# letter), one-character words, a word longer than any n-gram, runs of whitespace, nothing at all.
PACKED_TEXTS = [
    "",
    "   \n\t ",
    "가",
    "주가\u3000상승\u00a0전망\x1c반도체\u2028수출",  # Unicode spaces: str.split() splits where \S+ does
    "a b c",
    "😀 이모지 ΩΩΩ 섞인 제목",
    "경제😀성장 Ａ사 3.5% 상승",
    "초고속인터넷서비스사업자협의회 " * 3,
    "코스피, 외국인 순매수에 2,600선 회복…원/달러 환율은 하락",
    BODY,
]


def assert_packed_counts_like_strings(packer: type, grams: Callable[..., list[str]], text: str) -> None:
    model = topics.load_model()
    b, packed = next((b, p) for b, p in model._packed.items() if isinstance(p, packer))
    block = model.blocks[b]
    normalized = topics.normalize(text)
    expected: dict[int, int] = {}
    for gram in grams(normalized, *block.ngram_range):
        if gram in block.vocabulary:
            expected[block.vocabulary[gram]] = expected.get(block.vocabulary[gram], 0) + 1
    rows, columns, counts = packed.count([normalized])
    assert set(rows.tolist()) <= {0}
    assert dict(zip(columns.tolist(), counts.tolist(), strict=True)) == expected


@pytest.mark.parametrize("text", PACKED_TEXTS)
def test_packed_char_grams_count_what_the_string_path_counts(text: str) -> None:
    assert_packed_counts_like_strings(PackedCharGrams, topics.char_wb_ngrams, text)


@pytest.mark.parametrize("packer", [PackedCharGrams, PackedWordGrams])
def test_packed_grams_keep_texts_apart(packer: type) -> None:
    model = topics.load_model()
    packed = next(p for p in model._packed.values() if isinstance(p, packer))
    texts = [topics.normalize(text) for text in ["주가 상승", "상승 주가", "", "주가", *PACKED_TEXTS]]
    rows, columns, counts = packed.count(texts)
    for row, text in enumerate(texts):
        alone = packed.count([text])
        mine = rows == row
        assert columns[mine].tolist() == alone[1].tolist()  # no n-gram across two texts
        assert counts[mine].tolist() == alone[2].tolist()


def test_packed_char_grams_count_more_texts_than_row_bits_hold_in_parts() -> None:
    model = topics.load_model()
    packed = copy.copy(next(p for p in model._packed.values() if isinstance(p, PackedCharGrams)))
    texts = [topics.normalize(text) for text in PACKED_TEXTS]
    whole = packed.count(texts)
    packed.max_texts = 2
    parts = packed.count(texts)
    assert len(texts) > 2 * packed.max_texts
    assert entries(parts) == entries(whole)


def entries(found: tuple[np.ndarray, ...]) -> set[tuple[int, ...]]:
    """Return (row, column, count) triples, in whatever order a packer returned them."""
    return set(zip(*(array.tolist() for array in found), strict=True))


def test_packed_scores_equal_string_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    model = topics.load_model()
    fast = model.decision_function(PACKED_TEXTS)
    monkeypatch.setattr(model, "_packed", {})
    slow = model.decision_function(PACKED_TEXTS)
    assert np.allclose(fast, slow, rtol=0, atol=1e-12)


def test_tiny_model_blocks_are_packed_or_not_as_they_allow(tmp_path: Path) -> None:
    model = tiny_model(tmp_path)
    assert [type(packed) for packed in model._packed.values()] == [PackedCharGrams, PackedWordGrams]
    eojeol = model.blocks[1]
    for ngram_range in [(1, 3), (2, 3)]:  # 어절 trigrams are counted from strings
        with pytest.raises(ValueError, match="cannot be packed"):
            PackedWordGrams(dataclasses.replace(eojeol, ngram_range=ngram_range))
    with pytest.raises(ValueError, match="cannot be packed"):
        PackedCharGrams(eojeol)


@pytest.mark.parametrize("text", [*PACKED_TEXTS, "주가 주가 골", "주가 상승 주가 상승 주가"])
def test_packed_word_grams_count_what_the_string_path_counts(text: str) -> None:
    assert_packed_counts_like_strings(PackedWordGrams, topics.word_ngrams, text)


def test_predict_articles_agrees_with_predict() -> None:
    articles = [(title, "") for title, _ in HEADLINES[:3]] + [
        ("코스피 1% 상승 마감", BODY),
        ("", BODY),
        ("", ""),
    ]
    assert topics.predict_articles(articles) == [topics.predict(title, body) for title, body in articles]
    assert topics.predict_articles([]) == []


def test_long_body_is_classified() -> None:
    assert len(BODY) > topics.LEAD_CHARS
    title = "코스피 1% 상승 마감…외국인·기관 동반 순매수"
    for prediction in (
        topics.predict(title, BODY),
        topics.predict("", BODY),
        topics.predict(BODY),
        topics.predict_many([f"{title}\n\n{BODY}"])[0],
    ):
        assert prediction.label == "경제", prediction.scores
        assert_probabilities(prediction)


def test_a_body_weighs_in_beside_its_title() -> None:
    title = "26일 주요 일정"  # says nothing about the topic by itself
    alone = topics.predict(title)
    with_body = topics.predict(title, BODY)
    assert with_body.label == "경제"
    assert with_body.scores["경제"] > alone.scores["경제"]


def test_empty_text_still_gives_probabilities() -> None:
    assert_probabilities(topics.predict(""))
    assert_probabilities(topics.predict("   ", "\n"))


@pytest.mark.skipif(not YNAT.exists(), reason=f"{YNAT} is absent (../shared not here)")
def test_held_out_accuracy_reaches_the_floor() -> None:
    titles, labels = topics.read_headlines(YNAT)
    _, held = topics.holdout_split(len(titles))
    predictions = topics.predict_many(titles[i] for i in held)
    accuracy = float(np.mean([p.label == labels[i] for p, i in zip(predictions, held, strict=True)]))
    assert accuracy >= FLOOR
    training = topics.load_model().metadata["training"]
    if hashlib.sha256(YNAT.read_bytes()).hexdigest() == training["data_sha256"]:
        # Same data as at training time: the accuracy the training script recorded is the one we get.
        assert accuracy == pytest.approx(training["holdout_accuracy"], abs=1e-4)

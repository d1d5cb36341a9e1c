"""The topic model: its arithmetic, the packaged model's predictions, and its held-out accuracy."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from prism.nlp import topics
from prism.nlp.topics import TopicModel, TopicPrediction

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


def tiny_model() -> TopicModel:
    """Return a two-topic model over two blocks small enough to score by hand, read from the bytes of
    the files scripts/train_topics.py writes."""
    arrays = {
        "char.terms": np.frombuffer("\n".join([" 골", "주가"]).encode(), dtype=np.uint8),
        "char.df": np.array([1, 2], dtype=np.int32),
        "eojeol.terms": np.frombuffer("주가".encode(), dtype=np.uint8),
        "eojeol.df": np.array([2], dtype=np.int32),
        "coef": np.array([[-1.0, 1.0], [2.0, -2.0], [1.0, -1.0]], dtype=np.float32),
        "intercept": np.array([0.1, -0.1]),
    }
    npz = io.BytesIO()
    np.savez(npz, **arrays)
    meta = {
        "format": topics.FORMAT_VERSION,
        "labels": ["경제", "스포츠"],
        "blocks": [
            {"name": "char", "analyzer": "char_wb", "ngram_range": [2, 2], "weight": 1.0, "documents": 3},
            {"name": "eojeol", "analyzer": "word", "ngram_range": [1, 1], "weight": 0.5, "documents": 3},
        ],
        "temperature": 2.0,
        "training": {"note": "test"},
    }
    return TopicModel.from_bytes(npz.getvalue(), json.dumps(meta, ensure_ascii=False))


def test_scores_are_sublinear_tfidf_normalized_per_block() -> None:
    model = tiny_model()
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
    with YNAT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    titles, labels = [row["title"] for row in rows], [row["topic"] for row in rows]
    _, held = topics.holdout_split(len(titles))
    predictions = topics.predict_many(titles[i] for i in held)
    accuracy = float(np.mean([p.label == labels[i] for p, i in zip(predictions, held, strict=True)]))
    assert accuracy >= FLOOR
    training = topics.load_model().metadata["training"]
    if hashlib.sha256(YNAT.read_bytes()).hexdigest() == training["data_sha256"]:
        # Same data as at training time: the accuracy the training script recorded is the one we get.
        assert accuracy == pytest.approx(training["holdout_accuracy"], abs=1e-4)

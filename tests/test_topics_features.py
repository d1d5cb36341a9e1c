"""The topic model's features in plain Python: n-grams as scikit-learn makes them, normalization, the lead."""

from __future__ import annotations

import numpy as np
import pytest

from prism.nlp.topics import features


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
    assert features.char_wb_ngrams(text, low, high) == expected


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
    assert features.word_ngrams(text, low, high) == expected


def test_normalize_composes_and_lowercases() -> None:
    decomposed = "\u1100\u1161"  # 가 as separate jamo (자모, letters), as some sources send it
    assert features.normalize(f"{decomposed} KOSPI") == "가 kospi"


def test_lead_keeps_short_text_and_cuts_long_text_at_a_sentence_end() -> None:
    assert features.lead("  짧은 제목  ") == "짧은 제목"
    text = "첫 문장이다. " * 200
    cut = features.lead(text, 100)
    assert len(cut) <= 100 and cut.endswith("다.")
    assert features.lead("가" * 50 + " " + "나" * 100, 100) == "가" * 50
    assert features.lead("가" * 300, 100) == "가" * 100


def test_count_grams_counts_each_texts_vocabulary_n_grams() -> None:
    block = features.FeatureBlock(
        name="eojeol",
        analyzer="word",
        ngram_range=(1, 2),
        weight=1.0,
        vocabulary={"주가": 0, "주가 상승": 1, "상승": 2},
        idf=features.smooth_idf(np.array([1, 1, 1]), 2),
        offset=0,
    )
    rows, columns, counts = features.count_grams(block, ["주가 상승 주가", "하락", "상승"])
    assert list(zip(rows.tolist(), columns.tolist(), counts.tolist(), strict=True)) == [
        (0, 0, 2),
        (0, 2, 1),
        (0, 1, 1),
        (2, 2, 1),
    ]

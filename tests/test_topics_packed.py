"""The packed path counts exactly what the plain n-gram path counts, on any text."""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prism.nlp.topics import TopicModel, load_model, normalize
from prism.nlp.topics.features import count_grams
from prism.nlp.topics.packed import PackedCharGrams, PackedWordGrams, pack
from tests.test_topics import BODY, HEADLINES, tiny_model

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
    "주가 주가 골",
    "주가 상승 주가 상승 주가",
    BODY,
]

# Arbitrary text that still hits the vocabulary: whole 어절 (eojeol) of real headlines, single syllables
# and jamo (자모, letters), any character at all, and every kind of whitespace between them.
_WORDS = sorted({word for title, _ in HEADLINES for word in title.split()} | set(BODY.split()))
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # 한글 음절 (Hangul syllables)
    st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),  # 자모, decomposed: NFC composes them
    st.characters(),
    st.sampled_from([" ", "  ", "\n", "\t", "\u3000", "\u00a0", "\x1c", "\u2028", "·", "…", "😀"]),
)
# The packaged model's 어절 bigrams, word by word, so that a batch may cut one across two texts (where it
# must not be counted).
_EOJEOL = st.deferred(
    lambda: st.sampled_from(
        sorted(
            term
            for block in load_model().blocks
            if block.analyzer == "word"
            for term in block.vocabulary
            if " " in term
        )
    ).map(lambda term: list(term.partition(" ")))
)
TEXTS = st.lists(_PIECES, max_size=40).map("".join)


@st.composite
def batches(draw: st.DrawFn) -> list[str]:
    """Return texts cut from one run of pieces, wherever the cuts fall (between two words, say)."""
    pieces = [
        piece for run in draw(st.lists(st.one_of(_PIECES.map(lambda p: [p]), _EOJEOL))) for piece in run
    ]
    cuts = sorted(draw(st.lists(st.integers(0, len(pieces)), max_size=5)))
    return ["".join(pieces[start:stop]) for start, stop in itertools.pairwise([0, *cuts, len(pieces)])]


def entries(found: Sequence[np.ndarray]) -> set[tuple[int, ...]]:
    """Return (row, column, count) triples, in whatever order a counter returned them."""
    return set(zip(*(array.tolist() for array in found), strict=True))


def assert_packed_counts_like_strings(model: TopicModel, texts: Sequence[str]) -> None:
    """Each packed block counts, text by text, exactly what the plain path counts."""
    normalized = [normalize(text) for text in texts]
    assert model._packed, "no block of the model is packed"
    for b, packed in model._packed.items():
        assert entries(packed.count(normalized)) == entries(count_grams(model.blocks[b], normalized))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_packed_counts_equal_plain_counts_on_any_text(texts: list[str]) -> None:
    assert_packed_counts_like_strings(load_model(), texts)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_packed_counts_equal_plain_counts_in_a_tiny_model(texts: list[str]) -> None:
    assert_packed_counts_like_strings(tiny_model(), texts)


@pytest.mark.parametrize("text", PACKED_TEXTS)
def test_packed_counts_equal_plain_counts_on_hard_texts(text: str) -> None:
    assert_packed_counts_like_strings(load_model(), [text])


@pytest.mark.parametrize("packer", [PackedCharGrams, PackedWordGrams])
def test_packed_grams_keep_texts_apart(packer: type) -> None:
    model = load_model()
    packed = next(p for p in model._packed.values() if isinstance(p, packer))
    texts = [normalize(text) for text in ["주가 상승", "상승 주가", "", "주가", *PACKED_TEXTS]]
    rows, columns, counts = packed.count(texts)
    for row, text in enumerate(texts):
        alone = packed.count([text])
        mine = rows == row
        assert columns[mine].tolist() == alone[1].tolist()  # no n-gram across two texts
        assert counts[mine].tolist() == alone[2].tolist()


def test_packed_char_grams_count_more_texts_than_row_bits_hold_in_parts() -> None:
    model = load_model()
    packed = copy.copy(next(p for p in model._packed.values() if isinstance(p, PackedCharGrams)))
    texts = [normalize(text) for text in PACKED_TEXTS]
    whole = packed.count(texts)
    packed.max_texts = 2
    parts = packed.count(texts)
    assert len(texts) > 2 * packed.max_texts
    assert entries(parts) == entries(whole)


def test_packed_scores_equal_plain_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same terms and values, summed in another order: equal up to the last bits.
    model = load_model()
    fast = model.decision_function(PACKED_TEXTS)
    monkeypatch.setattr(model, "_packed", {})
    slow = model.decision_function(PACKED_TEXTS)
    assert np.allclose(fast, slow, rtol=0, atol=1e-12)


def test_blocks_are_packed_or_not_as_they_allow() -> None:
    model = tiny_model()
    assert [type(packed) for packed in model._packed.values()] == [PackedCharGrams, PackedWordGrams]
    eojeol = model.blocks[1]
    for ngram_range in [(1, 3), (2, 3)]:  # 어절 trigrams are counted from strings
        with pytest.raises(ValueError, match="cannot be packed"):
            PackedWordGrams(dataclasses.replace(eojeol, ngram_range=ngram_range))
        assert pack(dataclasses.replace(eojeol, ngram_range=ngram_range)) is None
    with pytest.raises(ValueError, match="cannot be packed"):
        PackedCharGrams(eojeol)

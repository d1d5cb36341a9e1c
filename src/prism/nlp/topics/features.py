"""The model's features, as plain Python: normalized text, its n-grams and their TF-IDF block.

This is what scikit-learn's TfidfVectorizer does with the settings scripts/train_topics.py uses; the
packed path (packed.py) must count exactly what `count_grams` counts here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The model learned from headlines: a body is read up to about this many characters (its lead, the
# first two or three sentences), which is where a news article states what it is about; docs/topics.md
# compares lengths.
LEAD_CHARS = 400

ANALYZERS = ("char_wb", "word")
_TOKEN = re.compile(r"\S+")
# A sentence ends at ., ! or ? before whitespace, or at a line break.
_SENTENCE_END = re.compile(r"[.!?。](?=\s)|\n")


def normalize(text: str) -> str:
    """Return text as the model sees it: NFC-composed and lower-cased (the training preprocessor too)."""
    return unicodedata.normalize("NFC", text).lower()


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Return the character n-grams of each space-padded word, as scikit-learn's ``char_wb`` analyzer."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(min_n, max_n + 1):
            if n >= size:
                # A word shorter than n counts once, whole, and no longer n-grams follow.
                grams.append(padded)
                break
            grams.extend([padded[start : start + n] for start in range(size - n + 1)])
    return grams


def word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Return the n-grams of whitespace-separated tokens (어절, eojeol), as scikit-learn's word analyzer."""
    tokens: list[str] = _TOKEN.findall(text)
    grams = tokens[:] if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def lead(text: str, max_chars: int = LEAD_CHARS) -> str:
    """Return the start of text, at most max_chars long, cut at a sentence end when one is near."""
    text = text.strip()
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() >= max_chars // 2]
    if ends:
        return head[: ends[-1]].strip()
    space = head.rfind(" ")
    return head[:space] if space >= max_chars // 2 else head


def smooth_idf(df: npt.NDArray[np.integer[Any]], documents: int) -> FloatArray:
    """Return scikit-learn's smoothed IDF, ln((1 + documents) / (1 + df)) + 1, computed the same way."""
    idf: FloatArray = np.full(df.shape, documents + 1, dtype=np.float64)
    idf /= df.astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    return idf


@dataclass(frozen=True, slots=True)
class FeatureBlock:
    """One TF-IDF block of the model: an analyzer, its vocabulary and IDF, and its weight in the sum."""

    name: str
    analyzer: str
    ngram_range: tuple[int, int]
    weight: float
    vocabulary: Mapping[str, int]
    idf: FloatArray
    # Where this block's columns start in the model's weight matrix.
    offset: int

    def grams(self, text: str) -> list[str]:
        """Return the n-grams of an already normalized text."""
        low, high = self.ngram_range
        if self.analyzer == "char_wb":
            return char_wb_ngrams(text, low, high)
        return word_ngrams(text, low, high)


def count_grams(block: FeatureBlock, texts: Sequence[str]) -> tuple[IntArray, IntArray, IntArray]:
    """Return (rows, columns, counts): how often each of the block's vocabulary n-grams occurs in each
    normalized text, one text after another."""
    rows: list[int] = []
    columns: list[int] = []
    counts: list[int] = []
    for row, text in enumerate(texts):
        # Unknown n-grams count as None, dropped after counting.
        counted = Counter(map(block.vocabulary.get, block.grams(text)))
        counted.pop(None, None)
        found = cast("Counter[int]", counted)
        rows.extend([row] * len(found))
        columns.extend(found)
        counts.extend(found.values())
    return (
        np.asarray(rows, dtype=np.int64),
        np.asarray(columns, dtype=np.int64),
        np.asarray(counts, dtype=np.int64),
    )

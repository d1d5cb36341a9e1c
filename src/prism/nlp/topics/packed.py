"""The fast path: a block's n-grams packed into int64 codes and counted by numpy, many texts at once.

Each packer counts exactly what `features.count_grams` counts for its block (tests/test_topics_packed.py
checks it on arbitrary text); the order of the entries it returns may differ. A block a packer cannot
represent exactly raises ValueError at construction, and the model counts it from strings instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from prism.nlp.topics.features import FeatureBlock, IntArray

Counts = tuple[IntArray, IntArray, IntArray]  # (rows, columns, counts), as features.count_grams returns


class PackedCharGrams:
    """A ``char_wb`` block's vocabulary as integers, so a text's n-grams are counted by numpy.

    Each character of the vocabulary's alphabet gets a rank from 1; an n-gram (n ≤ 4) is packed into one
    int64, `bits` bits a character (11 for the shipped model's 1,540 characters), with the number of
    its text below. Packing is exact (distinct n-grams, distinct codes), so counting packed codes gives what
    counting the strings of `char_wb_ngrams` gives, without slicing and hashing a Python string per n-gram.
    """

    MAX_N = 4
    MAX_CODE_BITS = 56  # what an n-gram may take, leaving at least 7 bits (128 texts) for the row

    def __init__(self, block: FeatureBlock) -> None:
        low, high = block.ngram_range
        alphabet = sorted({char for term in block.vocabulary for char in term})
        self.bits = max(len(alphabet).bit_length(), 1)
        if (
            block.analyzer != "char_wb"
            or high > self.MAX_N
            or low > 3
            or self.bits * high > self.MAX_CODE_BITS
        ):
            raise ValueError(f"Block {block.name!r} cannot be packed")
        self.low, self.high = low, high
        self.max_texts = 1 << (63 - self.bits * high)
        points = np.asarray([ord(char) for char in alphabet], dtype=np.int64)
        self.rank: IntArray = np.zeros(int(points.max()) + 1, dtype=np.int64)
        self.rank[points] = np.arange(1, len(alphabet) + 1)
        ranks = dict(zip(alphabet, range(1, len(alphabet) + 1), strict=True))
        codes = np.empty(len(block.vocabulary), dtype=np.int64)
        columns = np.empty(len(block.vocabulary), dtype=np.int64)
        for i, (term, column) in enumerate(block.vocabulary.items()):
            code = 0
            for char in term:
                code = (code << self.bits) | ranks[char]
            codes[i] = code
            columns[i] = column
        order = np.argsort(codes, kind="stable")
        self.codes: IntArray = codes[order]
        self.columns: IntArray = columns[order]

    def count(self, texts: Sequence[str], words_of: Sequence[Sequence[str]] | None = None) -> Counts:
        """Return (rows, columns, counts): how often each vocabulary n-gram occurs in each normalized text
        (`words_of`, each text's words, when already split).

        All texts go through numpy together: one array of characters, one sort of (n-gram, text) codes
        that counts them, one lookup of the distinct ones.
        """
        if len(texts) > self.max_texts:  # more texts than the row bits can number: in parts
            parts = []
            for first in range(0, len(texts), self.max_texts):
                part = slice(first, first + self.max_texts)
                rows, columns, counts = self.count(texts[part], None if words_of is None else words_of[part])
                parts.append((rows + first, columns, counts))
            return (
                np.concatenate([rows for rows, _, _ in parts]),
                np.concatenate([columns for _, columns, _ in parts]),
                np.concatenate([counts for _, _, counts in parts]),
            )
        if words_of is None:
            words_of = [text.split() for text in texts]
        words = list(itertools.chain.from_iterable(words_of))
        if not words:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        # Every word padded with a space, as char_wb reads it; an n-gram never crosses two padded words.
        padded = " " + "  ".join(words) + " "
        # surrogatepass: a lone surrogate (JSON's "\ud800") is a code point like any other, not a crash
        points = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        known = points < len(self.rank)
        chars = np.where(known, self.rank[np.where(known, points, 0)], 0)
        sizes = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) + 2
        word = np.repeat(np.arange(len(words)), sizes)
        per_text = np.fromiter(map(len, words_of), dtype=np.int64, count=len(words_of))
        row = np.repeat(np.arange(len(texts), dtype=np.int64), per_text)[word]
        row_bits = max(len(texts) - 1, 1).bit_length()
        keys = []
        code = np.zeros(len(chars), dtype=np.int64)
        whole = np.ones(len(chars), dtype=bool)  # every character of the n-gram is in the alphabet
        for n in range(1, self.high + 1):
            m = len(chars) - n + 1
            if m <= 0:
                break
            code = (code[:m] << self.bits) | chars[n - 1 :]
            whole = whole[:m] & (chars[n - 1 :] != 0)
            if n >= self.low:
                keep = np.flatnonzero(whole & (word[:m] == word[n - 1 :]))
                keys.append((code[keep] << row_bits) | row[keep])
        # One sort counts every (n-gram, text); the n-grams come out in order, so looking them up in the
        # sorted vocabulary walks it once instead of jumping around it.
        distinct, counts = np.unique(np.concatenate(keys), return_counts=True)
        codes = distinct >> row_bits
        at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        found = self.codes[at] == codes
        return distinct[found] & ((1 << row_bits) - 1), self.columns[at[found]], counts[found]


class PackedWordGrams:
    """A ``word`` block (어절 1- and 2-grams) as integers, so a text's n-grams are counted by numpy.

    Every word that occurs in the vocabulary gets an id from 1; a unigram's code is its id, a bigram's
    the two ids side by side in one int64. A word the vocabulary never holds gets 0, and no n-gram
    holding it is looked up: such an n-gram cannot be in the vocabulary either, so counting the codes
    gives what counting the strings of `word_ngrams` gives.
    """

    SHIFT = 32

    def __init__(self, block: FeatureBlock) -> None:
        low, high = block.ngram_range
        if block.analyzer != "word" or not 1 <= low <= high <= 2:
            raise ValueError(f"Block {block.name!r} cannot be packed")
        self.low, self.high = low, high
        self.ids: dict[str, int] = {}
        codes = np.empty(len(block.vocabulary), dtype=np.int64)
        columns = np.empty(len(block.vocabulary), dtype=np.int64)
        for i, (term, column) in enumerate(block.vocabulary.items()):
            code = 0
            for word in term.split(" "):
                code = (code << self.SHIFT) | self.ids.setdefault(word, len(self.ids) + 1)
            codes[i] = code
            columns[i] = column
        if len(self.ids) >= 1 << (self.SHIFT - 1):
            raise ValueError(f"Block {block.name!r} has too many words to pack")
        order = np.argsort(codes, kind="stable")
        self.codes: IntArray = codes[order]
        self.columns: IntArray = columns[order]
        self.width = int(columns.max()) + 1 if len(columns) else 1

    def count(self, texts: Sequence[str], words_of: Sequence[Sequence[str]] | None = None) -> Counts:
        """Return (rows, columns, counts): how often each vocabulary n-gram occurs in each normalized text
        (`words_of`, each text's words, when already split: str.split() splits where word_ngrams does)."""
        if words_of is None:
            words_of = [text.split() for text in texts]
        ids = np.fromiter(
            map(self.ids.get, itertools.chain.from_iterable(words_of), itertools.repeat(0)), dtype=np.int64
        )
        per_text = np.fromiter(map(len, words_of), dtype=np.int64, count=len(words_of))
        row = np.repeat(np.arange(len(texts)), per_text)
        codes, rows = [], []
        if self.low == 1:
            keep = ids != 0
            codes.append(ids[keep])
            rows.append(row[keep])
        if self.high == 2 and len(ids) > 1:
            keep = (ids[:-1] != 0) & (ids[1:] != 0) & (row[:-1] == row[1:])
            codes.append((ids[:-1][keep] << self.SHIFT) | ids[1:][keep])
            rows.append(row[:-1][keep])
        if not codes or not sum(len(c) for c in codes):
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        code, row = np.concatenate(codes), np.concatenate(rows)
        at = np.minimum(np.searchsorted(self.codes, code), len(self.codes) - 1)
        known = self.codes[at] == code
        width = self.width
        keys, counts = np.unique(row[known] * width + self.columns[at[known]], return_counts=True)
        return keys // width, keys % width, counts


def pack(block: FeatureBlock) -> PackedCharGrams | PackedWordGrams | None:
    """Return the packer for a block, or None when the block can only be counted from strings."""
    packer = PackedCharGrams if block.analyzer == "char_wb" else PackedWordGrams
    try:
        return packer(block)
    except ValueError:
        return None

"""Topic classification: the 7 YNAT news topics from a packaged linear model, scored with numpy alone.

The model is trained by scripts/train_topics.py (scikit-learn: TF-IDF blocks and a linear SVM) and
exported to data/models/topics.npz (vocabularies, document frequencies, weights) and topics.json
(labels, feature blocks, calibration, training record). This module re-implements exactly the feature
extraction and linear scoring of that pipeline, so inference needs no scikit-learn; the training script
asserts that both give the same predictions on the held-out headlines. See docs/topics.md.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# YNAT's topics, in the order of the model's rows (scikit-learn sorts class labels).
TOPICS: tuple[str, ...] = ("IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치")

MODEL_NAME = "topics"
FORMAT_VERSION = 1
# The model learned from headlines: a body is read up to about this many characters (its lead, the
# first two or three sentences), which is where a news article states what it is about. 400 reads as
# well as 1000 (0.710 vs 0.715 on the 1,190 shared 8-class articles, whose section labels differ from
# YNAT's) at 2.1x the speed, and topic scoring is the largest cost of enrichment after Kiwi itself.
LEAD_CHARS = 400
# The held-out split that the shipped model's accuracy is measured on (see holdout_split).
SPLIT_SEED = 7
HOLDOUT_FRACTION = 0.1

ANALYZERS = ("char_wb", "word")
_TOKEN = re.compile(r"\S+")
# A sentence ends at ., ! or ? before whitespace, or at a line break.
_SENTENCE_END = re.compile(r"[.!?。](?=\s)|\n")


@dataclass(frozen=True, slots=True)
class TopicPrediction:
    """A predicted topic and the probability of every topic (they sum to 1)."""

    label: str
    scores: dict[str, float]


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


class PackedCharGrams:
    """A ``char_wb`` block's vocabulary as integers, so a text's n-grams are counted by numpy.

    Each character of the vocabulary's alphabet gets a rank from 1; an n-gram (n ≤ 4) is packed into one
    int64, `bits` bits a character (11 for the shipped model's 1,540 characters), with the number of
    its text below. Packing is exact (distinct n-grams, distinct codes), so counting packed codes gives what
    counting the strings of `char_wb_ngrams` gives, without slicing and hashing a Python string per
    n-gram — that was most of the topic model's cost in enrichment.
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

    def count(
        self, texts: Sequence[str], words_of: Sequence[Sequence[str]] | None = None
    ) -> tuple[IntArray, IntArray, IntArray]:
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
        points = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
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

    def count(
        self, texts: Sequence[str], words_of: Sequence[Sequence[str]] | None = None
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Return (rows, columns, counts): how often each vocabulary n-gram occurs in each normalized text
        (`words_of`, each text's words, when already split: str.split() splits where _TOKEN does)."""
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


class TopicModel:
    """A linear classifier over weighted, L2-normalized TF-IDF blocks with sublinear term frequency.

    Not a dataclass: __init__ checks the arrays against each other and prepares them for scoring.
    """

    def __init__(
        self,
        *,
        labels: Sequence[str],
        blocks: Sequence[FeatureBlock],
        coef: npt.NDArray[np.floating[Any]],
        intercept: npt.NDArray[np.floating[Any]],
        temperature: float,
        metadata: Mapping[str, Any],
    ) -> None:
        n_features = sum(len(block.vocabulary) for block in blocks)
        if coef.shape != (n_features, len(labels)) or intercept.shape != (len(labels),):
            raise ValueError(
                f"Topic model weights have shape {coef.shape} and {intercept.shape}, "
                f"expected ({n_features}, {len(labels)}) and ({len(labels)},)"
            )
        self.labels = tuple(labels)
        self.blocks = tuple(blocks)
        # Weights may be stored as float16 to keep the file small; float32 holds those exactly, and
        # scores are still summed in float64 (values are float64), as scikit-learn does.
        self.coef: npt.NDArray[np.floating[Any]] = coef.astype(np.promote_types(coef.dtype, np.float32))
        # One contiguous row of weights per label: scoring gathers each label's weights of a batch's
        # features from one row instead of strided columns.
        self._coef_by_label = np.ascontiguousarray(self.coef.T)
        self.intercept: FloatArray = intercept.astype(np.float64)
        self.temperature = float(temperature)
        self.metadata = dict(metadata)
        self._idf: FloatArray = np.concatenate([block.idf for block in self.blocks])
        self._weights: FloatArray = np.asarray([block.weight for block in self.blocks], dtype=np.float64)
        self._packed: dict[int, PackedCharGrams | PackedWordGrams] = {}
        for b, block in enumerate(self.blocks):
            try:
                packer = PackedCharGrams if block.analyzer == "char_wb" else PackedWordGrams
                self._packed[b] = packer(block)
            except ValueError:
                continue  # counted from strings instead

    @classmethod
    def from_bytes(cls, arrays: bytes, metadata: str) -> TopicModel:
        """Build a model from the bytes of topics.npz and the text of topics.json."""
        meta = json.loads(metadata)
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"Topic model format {meta.get('format')!r} is not {FORMAT_VERSION}")
        with np.load(io.BytesIO(arrays), allow_pickle=False) as npz:
            data = {name: npz[name] for name in npz.files}
        blocks = []
        offset = 0
        for spec in meta["blocks"]:
            name = spec["name"]
            if spec["analyzer"] not in ANALYZERS:
                raise ValueError(f"Topic model block {name!r} has unknown analyzer {spec['analyzer']!r}")
            terms = data[f"{name}.terms"].tobytes().decode("utf-8").split("\n")
            df = data[f"{name}.df"]
            if len(terms) != len(df):
                raise ValueError(
                    f"Topic model block {name!r} has {len(terms)} terms but {len(df)} frequencies"
                )
            low, high = spec["ngram_range"]
            blocks.append(
                FeatureBlock(
                    name=name,
                    analyzer=spec["analyzer"],
                    ngram_range=(int(low), int(high)),
                    weight=float(spec["weight"]),
                    vocabulary={term: offset + j for j, term in enumerate(terms)},
                    idf=smooth_idf(df, int(spec["documents"])),
                    offset=offset,
                )
            )
            offset += len(terms)
        return cls(
            labels=meta["labels"],
            blocks=blocks,
            coef=data["coef"],
            intercept=data["intercept"],
            temperature=float(meta["temperature"]),
            metadata=meta,
        )

    @classmethod
    def from_folder(cls, folder: Path, name: str = MODEL_NAME) -> TopicModel:
        """Load NAME.npz and NAME.json from a folder (a freshly trained model, say)."""
        return cls.from_bytes(
            (folder / f"{name}.npz").read_bytes(), (folder / f"{name}.json").read_text(encoding="utf-8")
        )

    def decision_function(self, texts: Iterable[str]) -> FloatArray:
        """Return the raw linear scores, one row per text, exactly as the training pipeline computes them."""
        normalized = [normalize(text) for text in texts]
        words_of = [text.split() for text in normalized]  # both packed blocks read words
        n_texts, n_blocks = len(normalized), len(self.blocks)
        columns: list[IntArray] = []
        counts: list[IntArray] = []
        # Which (text, block) pair each entry belongs to: each pair is normalized on its own.
        segments: list[IntArray] = []
        for b, block in enumerate(self.blocks):
            rows, found, counted = self._count(b, block, normalized, words_of)
            columns.append(found)
            counts.append(counted)
            segments.append(rows * n_blocks + b)
        scores = np.tile(self.intercept, (n_texts, 1))
        cols = np.concatenate(columns)
        if not len(cols):
            return scores
        segs = np.concatenate(segments)
        values = (np.log(np.concatenate(counts).astype(np.float64)) + 1.0) * self._idf[cols]
        norms = np.sqrt(np.bincount(segs, weights=values * values, minlength=n_texts * n_blocks))
        values = values / norms[segs] * self._weights[segs % n_blocks]
        rows = segs // n_blocks
        for k, weights in enumerate(self._coef_by_label):
            scores[:, k] += np.bincount(rows, weights=values * weights[cols], minlength=n_texts)
        return scores

    def _count(
        self, b: int, block: FeatureBlock, texts: Sequence[str], words_of: Sequence[Sequence[str]]
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Return (rows, columns, counts) of block `b`'s vocabulary in normalized texts (split into
        `words_of`)."""
        packed = self._packed.get(b)
        if packed is not None:
            return packed.count(texts, words_of)
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            # Counting in C (Counter over map) is what makes this fast; unknown n-grams count as None.
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

    def probabilities(self, scores: FloatArray) -> FloatArray:
        """Turn raw scores into calibrated probabilities (a softmax at the fitted temperature)."""
        z = scores * self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p: FloatArray = e / e.sum(axis=1, keepdims=True)
        return p

    def _predictions(self, scores: FloatArray) -> list[TopicPrediction]:
        """Return the prediction of each row of raw scores."""
        labels = self.labels
        return [
            TopicPrediction(label=labels[best], scores=dict(zip(labels, row, strict=True)))
            for best, row in zip(
                np.argmax(scores, axis=1).tolist(), self.probabilities(scores).tolist(), strict=True
            )
        ]

    def predict(self, title: str, body: str = "") -> TopicPrediction:
        """Predict the topic of a headline, an article body, or both.

        With both, the scores of the title alone and of the title followed by the body's lead are
        averaged, so neither a long body nor a terse title decides alone.
        """
        return self.predict_articles([(title, body)])[0]

    def predict_articles(self, articles: Sequence[tuple[str, str]]) -> list[TopicPrediction]:
        """Predict the topic of each (title, body) pair, as predict(title, body) would, in one pass."""
        texts: list[str] = []
        spans: list[tuple[int, int]] = []  # each article's texts: texts[start:stop]
        for title, body in articles:
            title, body = title.strip(), body.strip()
            start = len(texts)
            if not title or not body:
                texts.append(lead(title or body))
            else:
                texts += [lead(title), lead(f"{title}\n{body}")]
            spans.append((start, len(texts)))
        scores = self.decision_function(texts)
        if not spans:
            return []
        # Each article's score is the mean of its one or two texts' rows, all articles at once.
        firsts = np.asarray([start for start, _ in spans])
        sizes = np.asarray([stop - start for start, stop in spans], dtype=np.float64)
        means = np.add.reduceat(scores, firsts, axis=0) / sizes[:, None]
        return self._predictions(means)

    def predict_many(self, texts: Iterable[str]) -> list[TopicPrediction]:
        """Predict the topic of each text (a headline or a whole article), as predict(text) would."""
        return self._predictions(self.decision_function(lead(text) for text in texts))


def smooth_idf(df: npt.NDArray[np.integer[Any]], documents: int) -> FloatArray:
    """Return scikit-learn's smoothed IDF, ln((1 + documents) / (1 + df)) + 1, computed the same way."""
    idf: FloatArray = np.full(df.shape, documents + 1, dtype=np.float64)
    idf /= df.astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    return idf


@cache
def load_model() -> TopicModel:
    """Return the packaged topic model, loaded on first use."""
    folder = files("prism") / "data" / "models"
    return TopicModel.from_bytes(
        (folder / f"{MODEL_NAME}.npz").read_bytes(),
        (folder / f"{MODEL_NAME}.json").read_text(encoding="utf-8"),
    )


def predict(title: str, body: str = "") -> TopicPrediction:
    """Predict the topic of a headline, an article body, or both, with the packaged model."""
    return load_model().predict(title, body)


def predict_many(texts: Iterable[str]) -> list[TopicPrediction]:
    """Predict the topic of each text with the packaged model."""
    return load_model().predict_many(texts)


def predict_articles(articles: Sequence[tuple[str, str]]) -> list[TopicPrediction]:
    """Predict the topic of each (title, body) pair with the packaged model."""
    return load_model().predict_articles(articles)


def write_model(
    folder: Path,
    *,
    labels: Sequence[str],
    blocks: Sequence[tuple[Mapping[str, Any], Sequence[str], npt.NDArray[np.integer[Any]]]],
    coef: npt.NDArray[np.floating[Any]],
    intercept: npt.NDArray[np.floating[Any]],
    temperature: float,
    training: Mapping[str, Any],
    name: str = MODEL_NAME,
) -> None:
    """Write NAME.npz and NAME.json; each block is (spec, terms in column order, document frequencies).

    A spec holds name, analyzer, ngram_range, weight and documents (the number of training texts).
    The archive's entries carry a fixed date, so retraining to the same weights gives the same bytes.
    """
    arrays: dict[str, npt.NDArray[Any]] = {}
    for spec, terms, df in blocks:
        if any("\n" in term for term in terms):
            raise ValueError(f"Topic model block {spec['name']!r} has a term with a line break")
        arrays[f"{spec['name']}.terms"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
        arrays[f"{spec['name']}.df"] = np.asarray(df, dtype=np.int32)
    arrays["coef"] = np.asarray(coef)
    arrays["intercept"] = np.asarray(intercept, dtype=np.float64)
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"{name}.npz", "w") as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            archive.writestr(info, buffer.getvalue(), compresslevel=9)
    meta = {
        "format": FORMAT_VERSION,
        "labels": list(labels),
        "blocks": [dict(spec) for spec, _, _ in blocks],
        "temperature": temperature,
        "training": dict(training),
    }
    (folder / f"{name}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def read_headlines(path: Path) -> tuple[list[str], list[str]]:
    """Read a ``title<TAB>topic`` file with a header row; return (titles, topics)."""
    titles: list[str] = []
    topics: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header[:2] != ["title", "topic"]:
            raise ValueError(f"{path}: header {header!r} is not ['title', 'topic']")
        for line, row in enumerate(reader, start=2):
            if len(row) != 2:
                raise ValueError(f"{path}:{line}: expected 2 fields, got {len(row)}")
            titles.append(row[0])
            topics.append(row[1])
    return titles, topics


def holdout_split(
    n: int, *, seed: int = SPLIT_SEED, fraction: float = HOLDOUT_FRACTION
) -> tuple[IntArray, IntArray]:
    """Return sorted (train, held-out) row indices: a seeded shuffle, its first fraction held out."""
    order = np.random.default_rng(seed).permutation(n).astype(np.int64)
    k = round(n * fraction)
    return np.sort(order[k:]), np.sort(order[:k])

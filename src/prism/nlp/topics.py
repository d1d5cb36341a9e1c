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
        self.intercept: FloatArray = intercept.astype(np.float64)
        self.temperature = float(temperature)
        self.metadata = dict(metadata)
        self._idf: FloatArray = np.concatenate([block.idf for block in self.blocks])
        self._weights: FloatArray = np.asarray([block.weight for block in self.blocks], dtype=np.float64)

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
        columns: list[int] = []
        counts: list[int] = []
        # Which (text, block) pair each entry belongs to: each pair is normalized on its own.
        segments: list[int] = []
        n_blocks = len(self.blocks)
        n_texts = 0
        for row, text in enumerate(texts):
            n_texts += 1
            normalized = normalize(text)
            for b, block in enumerate(self.blocks):
                # Counting in C (Counter over map) is what makes this fast; unknown n-grams count as None.
                counted = Counter(map(block.vocabulary.get, block.grams(normalized)))
                counted.pop(None, None)
                found = cast("Counter[int]", counted)
                columns.extend(found)
                counts.extend(found.values())
                segments.extend([row * n_blocks + b] * len(found))
        scores = np.tile(self.intercept, (n_texts, 1))
        if not columns:
            return scores
        cols = np.asarray(columns, dtype=np.int64)
        segs = np.asarray(segments, dtype=np.int64)
        values = (np.log(np.asarray(counts, dtype=np.float64)) + 1.0) * self._idf[cols]
        norms = np.sqrt(np.bincount(segs, weights=values * values, minlength=n_texts * n_blocks))
        values = values / norms[segs] * self._weights[segs % n_blocks]
        rows = segs // n_blocks
        contributions = self.coef[cols] * values[:, None]
        for k in range(len(self.labels)):
            scores[:, k] += np.bincount(rows, weights=contributions[:, k], minlength=n_texts)
        return scores

    def probabilities(self, scores: FloatArray) -> FloatArray:
        """Turn raw scores into calibrated probabilities (a softmax at the fitted temperature)."""
        z = scores * self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p: FloatArray = e / e.sum(axis=1, keepdims=True)
        return p

    def _prediction(self, scores: FloatArray) -> TopicPrediction:
        probabilities = self.probabilities(scores[None, :])[0]
        return TopicPrediction(
            label=self.labels[int(np.argmax(scores))],
            scores={label: float(p) for label, p in zip(self.labels, probabilities, strict=True)},
        )

    def predict(self, title: str, body: str = "") -> TopicPrediction:
        """Predict the topic of a headline, an article body, or both.

        With both, the scores of the title alone and of the title followed by the body's lead are
        averaged, so neither a long body nor a terse title decides alone.
        """
        title, body = title.strip(), body.strip()
        if not title or not body:
            return self._prediction(self.decision_function([lead(title or body)])[0])
        scores = self.decision_function([lead(title), lead(f"{title}\n{body}")])
        return self._prediction(scores.mean(axis=0))

    def predict_many(self, texts: Iterable[str]) -> list[TopicPrediction]:
        """Predict the topic of each text (a headline or a whole article), as predict(text) would."""
        scores = self.decision_function(lead(text) for text in texts)
        probabilities = self.probabilities(scores)
        return [
            TopicPrediction(
                label=self.labels[int(np.argmax(row))],
                scores={label: float(p) for label, p in zip(self.labels, prob, strict=True)},
            )
            for row, prob in zip(scores, probabilities, strict=True)
        ]


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

"""The topic model: the 7 YNAT news topics from a packaged linear model, scored with numpy alone.

The model is trained by scripts/train_topics.py (scikit-learn: TF-IDF blocks and a linear SVM) and
exported to data/models/topics.npz (vocabularies, document frequencies, weights) and topics.json
(labels, feature blocks, calibration, training record). This module re-implements exactly the linear
scoring of that pipeline over the features of features.py, so inference needs no scikit-learn; the
training script asserts that both give the same predictions on the held-out headlines. See docs/topics.md.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from prism.nlp.topics.features import (
    ANALYZERS,
    FeatureBlock,
    FloatArray,
    IntArray,
    count_grams,
    lead,
    normalize,
    smooth_idf,
)
from prism.nlp.topics.packed import Counts, PackedCharGrams, PackedWordGrams, pack

# YNAT's topics, in the order of the model's rows (scikit-learn sorts class labels).
TOPICS: tuple[str, ...] = ("IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치")

MODEL_NAME = "topics"
FORMAT_VERSION = 1
# The held-out split that the shipped model's accuracy is measured on (see holdout_split).
SPLIT_SEED = 7
HOLDOUT_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class TopicPrediction:
    """A predicted topic and the probability of every topic (they sum to 1)."""

    label: str
    scores: dict[str, float]


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
        # The fast path for each block that can be packed; the others are counted from strings.
        self._packed: dict[int, PackedCharGrams | PackedWordGrams] = {}
        for b, block in enumerate(self.blocks):
            packed = pack(block)
            if packed is not None:
                self._packed[b] = packed

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
    ) -> Counts:
        """Return (rows, columns, counts) of block `b`'s vocabulary in normalized texts (split into
        `words_of`)."""
        packed = self._packed.get(b)
        if packed is not None:
            return packed.count(texts, words_of)
        return count_grams(block, texts)

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


def holdout_split(
    n: int, *, seed: int = SPLIT_SEED, fraction: float = HOLDOUT_FRACTION
) -> tuple[IntArray, IntArray]:
    """Return sorted (train, held-out) row indices: a seeded shuffle, its first fraction held out."""
    order = np.random.default_rng(seed).permutation(n).astype(np.int64)
    k = round(n * fraction)
    return np.sort(order[k:]), np.sort(order[:k])

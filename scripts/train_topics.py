"""Train the topic classifier on the YNAT headlines and export it as package data.

    python scripts/train_topics.py [--data ../shared/data/ynat-headlines.tsv] [--out src/prism/data/models]

Needs scikit-learn (training only; prism.nlp.topics scores the exported model with numpy). Holds out a
seeded 10% of the headlines, fits TF-IDF blocks (character 1-4-grams within words, and 어절 (eojeol,
space-separated word) unigrams and bigrams) and a linear SVM on the rest, fits a softmax temperature on
cross-validated scores, then writes topics.npz and topics.json. It checks that the exported model gives
scikit-learn's predictions on the held-out headlines and prints the held-out accuracy, which the
metadata records too. Same data, same versions: same model, byte for byte.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import io
import json
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from prism.nlp import topics
from prism.nlp.topics.features import normalize, smooth_idf

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ynat-headlines.tsv"
# Whole articles with Naver's section labels: a check that bodies work, when ../shared is here.
ARTICLES = ROOT.parent / "shared" / "data" / "news-ko-8class.jsonl"
OUT = ROOT / "src" / "prism" / "data" / "models"

# Chosen by 5-fold cross-validation on the training rows: word-bounded character n-grams carry most of
# it; eojeol n-grams at a lower weight add a little; C=0.2 beat 0.1 and 0.3, squared hinge beat hinge.
BLOCKS: tuple[dict[str, Any], ...] = (
    {"name": "char", "analyzer": "char_wb", "ngram_range": [1, 4], "weight": 1.0},
    {"name": "eojeol", "analyzer": "word", "ngram_range": [1, 2], "weight": 0.3},
)
MIN_DF = 2  # an n-gram seen in one headline only is noise, and would double the model's size
C = 0.2
SEED = 0
FOLDS = 5
FLOOR = 0.86  # the accuracy the issue asks for; tests/test_topics.py holds the shipped model to it


def write_model(
    folder: Path,
    *,
    labels: Sequence[str],
    blocks: Sequence[tuple[Mapping[str, Any], Sequence[str], npt.NDArray[np.integer[Any]]]],
    coef: npt.NDArray[np.floating[Any]],
    intercept: npt.NDArray[np.floating[Any]],
    temperature: float,
    training: Mapping[str, Any],
    name: str = topics.MODEL_NAME,
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
        "format": topics.FORMAT_VERSION,
        "labels": list(labels),
        "blocks": [dict(spec) for spec, _, _ in blocks],
        "temperature": temperature,
        "training": dict(training),
    }
    (folder / f"{name}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def read_headlines(path: Path) -> tuple[list[str], list[str]]:
    """Read a ``title<TAB>topic`` file with a header row; return (titles, topic labels)."""
    titles: list[str] = []
    labels: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header[:2] != ["title", "topic"]:
            raise ValueError(f"{path}: header {header!r} is not ['title', 'topic']")
        for line, row in enumerate(reader, start=2):
            if len(row) != 2:
                raise ValueError(f"{path}:{line}: expected 2 fields, got {len(row)}")
            titles.append(row[0])
            labels.append(row[1])
    return titles, labels


def build_pipeline() -> Pipeline:
    """Return the untrained scikit-learn pipeline that prism.nlp.topics re-implements."""
    vectorizers = [
        (
            block["name"],
            TfidfVectorizer(
                analyzer=block["analyzer"],
                ngram_range=tuple(block["ngram_range"]),
                preprocessor=normalize,
                min_df=MIN_DF,
                sublinear_tf=True,
                dtype=np.float64,
                # 어절 are whatever whitespace separates; scikit-learn's default drops one-letter tokens.
                **({"token_pattern": r"\S+"} if block["analyzer"] == "word" else {}),
            ),
        )
        for block in BLOCKS
    ]
    weights = {block["name"]: block["weight"] for block in BLOCKS}
    return Pipeline(
        [
            ("features", FeatureUnion(vectorizers, transformer_weights=weights)),
            ("svm", LinearSVC(C=C, random_state=SEED, max_iter=5000)),
        ]
    )


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Return the softmax temperature that minimizes the log loss of out-of-fold scores."""

    def loss(t: float) -> float:
        return float(-log_softmax(scores * t, axis=1)[np.arange(len(y)), y].mean())

    result = minimize_scalar(loss, bounds=(0.01, 100.0), method="bounded", options={"xatol": 1e-6})
    return round(float(result.x), 4)


def per_topic(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, dict[str, float]]:
    """Return precision, recall and F1 for each topic."""
    out = {}
    for label in topics.TOPICS:
        tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    return out


def check_articles(model: topics.TopicModel, path: Path) -> None:
    """Print the accuracy on whole articles of another source, by title alone and with the body."""
    # Naver's sections there: the 7 that YNAT shares, renamed; 연예 (entertainment) has no YNAT topic.
    renamed = {"생활/문화": "생활문화", "IT/과학": "IT과학"}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    rows = [row for row in rows if row["category"] != "연예"]
    gold = [renamed.get(row["category"], row["category"]) for row in rows]
    by_title = [p.label for p in model.predict_many(row["title"] for row in rows)]
    with_body = [model.predict(row["title"], row["body"]).label for row in rows]
    title_accuracy = np.mean([a == b for a, b in zip(by_title, gold, strict=True)])
    body_accuracy = np.mean([a == b for a, b in zip(with_body, gold, strict=True)])
    print(
        f"{path.name}, {len(rows)} articles outside 연예: accuracy {title_accuracy:.4f} by title, "
        f"{body_accuracy:.4f} by title and body"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DATA, help="title<TAB>topic headlines (default: %(default)s)"
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder for topics.npz/.json (default: %(default)s)"
    )
    parser.add_argument(
        "--precision",
        choices=["float16", "float32"],
        default="float16",
        help="how the weights are stored; float16 halves the file (default: %(default)s)",
    )
    args = parser.parse_args()

    titles, labels = read_headlines(args.data)
    if sorted(set(labels)) != sorted(topics.TOPICS):
        parser.error(f"{args.data}: topics {sorted(set(labels))} are not {list(topics.TOPICS)}")
    train, held = topics.holdout_split(len(titles))
    x_train = [titles[i] for i in train]
    x_held = [titles[i] for i in held]
    y_all = np.asarray(labels)
    y_train, y_held = y_all[train], y_all[held]
    print(f"{len(titles):,} headlines: {len(train):,} for training, {len(held):,} held out")

    pipeline = build_pipeline().fit(x_train, y_train)
    classes = [str(c) for c in pipeline.classes_]
    if classes != list(topics.TOPICS):
        raise SystemExit(f"classes {classes} are not in TOPICS order {list(topics.TOPICS)}")
    sk_predicted = pipeline.predict(x_held)
    accuracy = float(np.mean(sk_predicted == y_held))
    print(f"held-out accuracy (scikit-learn): {accuracy:.4f}")

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    oof = cross_val_predict(build_pipeline(), x_train, y_train, cv=folds, method="decision_function")
    temperature = fit_temperature(oof, np.searchsorted(pipeline.classes_, y_train))
    print(f"softmax temperature: {temperature}")

    held_scores = pipeline.decision_function(x_held) * temperature
    log_loss = float(
        -log_softmax(held_scores, axis=1)[np.arange(len(held)), np.searchsorted(classes, y_held)].mean()
    )
    print(f"held-out log loss: {log_loss:.4f}")

    union: FeatureUnion = pipeline.named_steps["features"]
    svm: LinearSVC = pipeline.named_steps["svm"]
    exported = []
    for block in BLOCKS:
        vectorizer: TfidfVectorizer = union.named_transformers[block["name"]]
        df = np.bincount(vectorizer.transform(x_train).indices, minlength=len(vectorizer.vocabulary_))
        # The runtime recomputes IDF from these counts; they must give scikit-learn's IDF to the bit.
        if not np.array_equal(smooth_idf(df, len(x_train)), vectorizer.idf_):
            raise SystemExit(f"block {block['name']!r}: IDF from document counts is not scikit-learn's")
        spec = {**block, "documents": len(x_train), "features": len(df)}
        exported.append((spec, list(vectorizer.get_feature_names_out()), df))

    weights = svm.coef_.T.astype(args.precision)
    # Written aside first: the packaged model is replaced only by one that passed the checks below.
    staging = Path(tempfile.mkdtemp(prefix="topics-"))
    write_model(
        staging,
        labels=classes,
        blocks=exported,
        coef=weights,
        intercept=svm.intercept_,
        temperature=temperature,
        training={
            "data": args.data.name,
            "data_sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
            "rows": len(titles),
            "split_seed": topics.SPLIT_SEED,
            "holdout_fraction": topics.HOLDOUT_FRACTION,
            "train_rows": len(train),
            "holdout_rows": len(held),
            "classifier": f"LinearSVC(C={C}, loss='squared_hinge', random_state={SEED})",
            "min_df": MIN_DF,
            "weights": args.precision,
            "holdout_accuracy": round(accuracy, 4),
            "holdout_log_loss": round(log_loss, 4),
            "holdout_per_topic": per_topic(list(sk_predicted), list(y_held)),
            "scikit_learn": sklearn.__version__,
            "numpy": np.__version__,
        },
    )

    # Check the export twice: our arithmetic against scikit-learn's given the very weights we stored,
    # then our predictions against the full-precision pipeline's.
    model = topics.TopicModel.from_folder(staging)
    ours = model.decision_function(x_held)
    stored = copy.deepcopy(svm)
    stored.coef_ = weights.T.astype(np.float64)
    difference = float(np.abs(ours - stored.decision_function(union.transform(x_held))).max())
    print(
        f"exported model vs scikit-learn with the stored weights: largest score difference {difference:.1e}"
    )
    if difference > 1e-9:
        raise SystemExit("the exported model does not compute scikit-learn's scores")
    ours_labels = np.asarray([p.label for p in model.predict_many(x_held)])
    mismatches = int(np.sum(ours_labels != sk_predicted))
    print(f"exported model vs scikit-learn: {mismatches} different predictions on the held-out headlines")
    if mismatches:
        raise SystemExit(f"{args.precision} weights change predictions: rerun with --precision float32")
    print(f"held-out accuracy: {np.mean(ours_labels == y_held):.4f}")
    if ARTICLES.exists():
        check_articles(model, ARTICLES)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in (f"{topics.MODEL_NAME}.npz", f"{topics.MODEL_NAME}.json"):
        shutil.move(staging / name, args.out / name)
    staging.rmdir()
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.2f} MB" for p in sorted(args.out.glob("topics.*")))
    print(f"wrote {sizes}")
    if accuracy < FLOOR:
        print(f"held-out accuracy {accuracy:.4f} is below the floor {FLOOR}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""scripts/train_topics.py writes the files the package reads, the same bytes every time (needs the
[train] extra: scikit-learn and scipy)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from prism.nlp.topics import TopicModel

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_topics.py"


@pytest.fixture(scope="module")
def train_topics() -> ModuleType:
    pytest.importorskip("sklearn")
    pytest.importorskip("scipy")
    spec = importlib.util.spec_from_file_location("train_topics", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_tiny_model(train_topics: ModuleType, folder: Path) -> None:
    train_topics.write_model(
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


def test_written_model_reads_back(train_topics: ModuleType, tmp_path: Path) -> None:
    write_tiny_model(train_topics, tmp_path)
    model = TopicModel.from_folder(tmp_path, "tiny")
    assert model.labels == ("경제", "스포츠")
    assert [dict(block.vocabulary) for block in model.blocks] == [{" 골": 0, "주가": 1}, {"주가": 2}]
    assert model.metadata["training"] == {"note": "test"}


def test_write_model_is_byte_for_byte_reproducible(train_topics: ModuleType, tmp_path: Path) -> None:
    write_tiny_model(train_topics, tmp_path / "a")
    write_tiny_model(train_topics, tmp_path / "b")
    for suffix in ("npz", "json"):
        assert (tmp_path / "a" / f"tiny.{suffix}").read_bytes() == (
            tmp_path / "b" / f"tiny.{suffix}"
        ).read_bytes()


def test_read_headlines_checks_the_header(train_topics: ModuleType, tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("title\ttopic\n코스피 상승\t경제\n", encoding="utf-8")
    assert train_topics.read_headlines(good) == (["코스피 상승"], ["경제"])
    bad = tmp_path / "bad.tsv"
    bad.write_text("headline\tlabel\n코스피 상승\t경제\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not \\['title', 'topic'\\]"):
        train_topics.read_headlines(bad)

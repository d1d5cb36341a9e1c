"""The modules setup.py compiles with mypyc: compiled when a C compiler is at hand, identical in what they
compute to their Python sources, and never stale in a checkout."""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import prism.nlp
from prism.cli.demo import sample_corpus
from prism.nlp import topics
from prism.nlp.enrich import enrichment
from prism.nlp.korean import analyze_many
from tests.conftest import NEWS_8CLASS, ROOT

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
EDGE_CASES = [
    ("", "짧은 글"),
    ("제목만", ""),
    ("", ""),
    ("제목\n둘째 줄", "본문 첫 줄이다.\n\n\n  둘째 줄이다 3분기 2,650.32 SK하이닉스 HBM3E 46파이 배터리"),
    ("  ", "   \n  "),
    (
        "삼성SDI, 46파이 배터리 양산",
        "(서울=연합뉴스) 홍길동 기자 = 삼성SDI가 올랐다.이어 12.3% 뛰었다 ⓒ 무단 전재 및 재배포 금지",
    ),
]


def enriched(articles: list[tuple[str, str]]) -> bytes:
    """Return, as JSON, what enrichment stores for each article (analysis, keyphrases, vector, topic)."""
    analyses = analyze_many(articles, workers=2)
    predictions = topics.predict_articles(articles)
    rows = [enrichment(str(n), a, p) for n, (a, p) in enumerate(zip(analyses, predictions, strict=True))]
    return orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS)


def corpus() -> list[tuple[str, str]]:
    rows = [
        json.loads(line)
        for path in sorted(sample_corpus().glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if NEWS_8CLASS.exists():  # real news too when the shared data is here: more shapes of text
        with NEWS_8CLASS.open(encoding="utf-8") as lines:
            rows += [json.loads(line) for _, line in zip(range(300), lines, strict=False)]
    return [(row.get("title") or "", row["body"]) for row in rows] + EDGE_CASES


def test_hot_modules_are_compiled() -> None:
    if os.environ.get("PRISM_PURE_PYTHON"):
        pytest.skip("PRISM_PURE_PYTHON is set: the Python sources run on purpose")
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler: setup.py installs the Python sources")
    stale = prism.nlp.stale(Path(prism.nlp.__file__).parent, prism.nlp.COMPILABLE)
    assert not stale, f"{stale} edited since compiled: `make` (or pip install -e .) compiles them again"
    assert prism.nlp.compiled(), "setup.py did not compile prism.nlp's hot modules: see the install's log"


def test_compiled_modules_compute_what_their_sources_do(tmp_path: Path) -> None:
    articles = corpus()
    (tmp_path / "articles.json").write_text(json.dumps(articles, ensure_ascii=False), encoding="utf-8")
    script = (
        "import json, sys; import prism.nlp; from tests.test_compiled import enriched; "
        "assert not prism.nlp.compiled(); "
        f"articles = json.loads(open({str(tmp_path / 'articles.json')!r}, encoding='utf-8').read()); "
        "sys.stdout.buffer.write(enriched([tuple(a) for a in articles]))"
    )
    env = {**os.environ, "PRISM_PURE_PYTHON": "1", "PRISM_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    ours = enriched(articles)
    assert orjson.loads(ours) == orjson.loads(done.stdout)  # same data…
    assert ours == done.stdout  # …to the last bit of every float


def test_stale_finds_sources_newer_than_their_compiled_module(tmp_path: Path) -> None:
    for name in ("fresh", "edited", "plain"):
        (tmp_path / f"{name}.py").write_text("X = 1\n", encoding="utf-8")
    for name, age in (("fresh", 0), ("edited", 100)):
        built = tmp_path / f"{name}{SUFFIX}"
        built.write_bytes(b"")
        source_time = (tmp_path / f"{name}.py").stat().st_mtime
        os.utime(built, (source_time - age, source_time - age))
    os.utime(tmp_path / "fresh.py", (0, 0))  # older than its compiled module
    assert prism.nlp.stale(tmp_path, ["fresh", "edited", "plain", "missing"]) == ["edited"]


def test_python_sources_are_found_ahead_of_compiled_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "stalepkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "hot.py").write_text("ORIGIN = 'source'\n", encoding="utf-8")
    (package / f"hot{SUFFIX}").write_bytes(b"not a shared object")  # would fail to load
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ImportError):
            importlib.import_module("stalepkg.hot")
        finder = prism.nlp.PythonSources("stalepkg", package, ["hot"])
        monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
        assert importlib.import_module("stalepkg.hot").ORIGIN == "source"
    finally:
        sys.modules.pop("stalepkg.hot", None)
        sys.modules.pop("stalepkg", None)

"""Enrichment: every distinct stored text analysed once, identically with 1 or 2 workers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings
from prism.nlp import enrich as enrich_module
from prism.nlp.enrich import enrich
from prism.nlp.korean import analyze, from_json
from prism.store import analyses, open_engine
from prism.store import articles as queries
from tests.helpers import run_ingest, write_jsonl


def stored_rows(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        hashes = [a.content_hash for a in queries.list_articles(conn, limit=1000)]
        rows = analyses.load(conn, content_hashes=hashes)
    return {
        digest: {k: v for k, v in dataclasses.asdict(row).items() if k != "analyzed_at"}
        for digest, row in rows.items()
    }


def test_enrich_is_idempotent_and_complete(engine: Engine, settings: Settings) -> None:
    run_ingest(engine, settings, sample_corpus())
    first = enrich(engine)
    assert (first.analysed, first.already) == (60, 0)
    second = enrich(engine)
    assert (second.analysed, second.already) == (0, 60)  # nothing analysed twice
    rows = stored_rows(engine)
    assert len(rows) == 60
    with engine.connect() as conn:
        article = queries.get_article(conn, key="prism-031")
    assert article is not None
    row = rows[article.content_hash]
    assert row["topic"] == "경제"  # the 한국은행 base-rate decision
    assert 0 < float(row["topic_score"]) <= 1  # type: ignore[arg-type]
    keyphrases = [term for term, _ in row["keyphrases"]]  # type: ignore[attr-defined]
    assert keyphrases and all(isinstance(term, str) for term in keyphrases)
    terms = row["terms"]
    assert isinstance(terms, dict) and abs(sum(w * w for w in terms.values()) - 1) < 1e-3
    rebuilt = from_json(row["title_terms"], row["sentences"])  # type: ignore[arg-type]
    assert rebuilt == analyze(article.title, article.body)
    for sentence in rebuilt.sentences:
        assert article.body[sentence.start : sentence.end] == sentence.text  # offsets into the stored body


def test_one_analysis_per_text(tmp_path: Path, sqlite_engine: Engine, settings: Settings) -> None:
    text = {"title": "같은 기사", "body": "한국은행이 기준금리를 내렸다. 시장은 반겼다."}
    run_ingest(
        sqlite_engine, settings, write_jsonl(tmp_path / "n.jsonl", [{"id": "a", **text}, {"id": "b", **text}])
    )
    assert enrich(sqlite_engine).analysed == 1


def test_new_analyzer_version_reanalyses(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_ingest(
        sqlite_engine, settings, write_jsonl(tmp_path / "n.jsonl", [{"title": "제목", "body": "본문이다."}])
    )
    assert enrich(sqlite_engine).analysed == 1
    monkeypatch.setattr(enrich_module, "ANALYZER_VERSION", "kiwi-next")
    assert enrich(sqlite_engine).analysed == 1
    with sqlite_engine.connect() as conn:
        assert analyses.count(conn) == 1  # replaced, not duplicated


def test_two_workers_give_identical_results(tmp_path: Path, settings: Settings) -> None:
    results = []
    for workers in (1, 2):
        engine = open_engine(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        run_ingest(engine, settings, sample_corpus())
        enrich(engine, workers=workers)
        results.append(stored_rows(engine))
        engine.dispose()
    assert results[0] == results[1]


def test_enrich_command(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(sample_corpus())])
    first = runner.invoke(app, ["enrich", "--workers", "2"])
    assert first.exit_code == 0, first.output
    assert "Analysed 60 texts; 0 were analysed before." in first.stdout
    assert "Analysed 0 texts; 60 were analysed before." in runner.invoke(app, ["enrich"]).stdout


def test_sqlite_stores_analysis_json_as_text(
    tmp_path: Path, sqlite_engine: Engine, settings: Settings
) -> None:
    # JSON goes to SQLite as UTF-8 bytes cast to TEXT: stored as text (what SQLite's JSON functions
    # read), not as a blob, and read back the same.
    run_ingest(
        sqlite_engine,
        settings,
        write_jsonl(
            tmp_path / "n.jsonl", [{"title": "반도체 수출", "body": "반도체 수출이 늘었다. 업계는 반겼다."}]
        ),
    )
    enrich(sqlite_engine)
    with sqlite_engine.connect() as conn:
        stored_types = conn.exec_driver_sql(
            "SELECT typeof(sentences), typeof(terms), json_extract(sentences, '$[0][2]') FROM analyses"
        ).one()
    assert tuple(stored_types) == ("text", "text", "반도체 수출이 늘었다.")

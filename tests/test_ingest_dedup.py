"""Identity, exact duplicates and near-duplicate linking, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from prism.config import Settings
from prism.store import articles as queries
from tests.helpers import korean_article, run_ingest, write_jsonl
from tests.test_dedup import sample


def test_reingest_is_idempotent(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", [korean_article(n) for n in range(30)])
    first = run_ingest(engine, settings, path)
    second = run_ingest(engine, settings, path)
    assert (first.ingested, first.duplicates) == (30, 0)
    assert second.as_dict() == {"ingested": 0, "duplicates": 30, "near_duplicates": 0, "rejected": []}
    with engine.connect() as conn:
        assert queries.count_articles(conn) == 30


def test_identity_by_url_then_id_then_content(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    base = {"title": "기준금리 인하", "body": "한국은행이 기준금리를 내렸다. 시장은 반겼다."}
    run_ingest(
        engine,
        settings,
        write_jsonl(
            tmp_path / "a.jsonl",
            [
                {**base, "url": "https://news.example.com/1"},
                {"id": "x-1", "title": "환율 상승", "body": "원/달러 환율이 1,420원을 넘었다."},
                {"title": "물가 상승", "body": "소비자물가가 2.1% 올랐다."},
            ],
        ),
    )
    report = run_ingest(
        engine,
        settings,
        write_jsonl(
            tmp_path / "b.jsonl",
            [
                {
                    **base,
                    "body": "고쳐 쓴 본문.",
                    "url": "https://NEWS.example.com/1?utm_source=x",
                },  # same URL
                {"id": "x-1", "title": "환율 상승(종합)", "body": "수정된 기사다."},  # same id
                {"title": "물가 상승", "body": "소비자물가가 2.1% 올랐다."},  # same text, no url or id
            ],
        ),
    )
    assert (report.ingested, report.duplicates) == (0, 3)


def test_same_text_under_new_identity_is_linked(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    """Distinct ids with identical text are both stored (their ids are real) but linked as one story."""
    text = {"title": "같은 기사", "body": sample("prism-012")}
    report = run_ingest(
        engine, settings, write_jsonl(tmp_path / "n.jsonl", [{"id": "d-1", **text}, {"id": "d-2", **text}])
    )
    assert (report.ingested, report.near_duplicates) == (2, 1)
    with engine.connect() as conn:
        first, second = queries.get_article(conn, key="d-1"), queries.get_article(conn, key="d-2")
    assert first is not None and second is not None
    assert first.canonical_of is None and second.canonical_of == first.id


def test_near_duplicates_link_across_runs_to_the_canonical(
    tmp_path: Path, engine: Engine, settings: Settings
) -> None:
    original = sample("prism-007")
    copy = sample("prism-029")
    third = copy.replace("정부", "당국", 1)
    run_ingest(
        engine, settings, write_jsonl(tmp_path / "1.jsonl", [{"id": "o", "title": "원문", "body": original}])
    )
    run_ingest(
        engine, settings, write_jsonl(tmp_path / "2.jsonl", [{"id": "c", "title": "전재", "body": copy}])
    )
    report = run_ingest(
        engine, settings, write_jsonl(tmp_path / "3.jsonl", [{"id": "t", "title": "재전재", "body": third}])
    )
    assert report.near_duplicates == 1
    with engine.connect() as conn:
        o, c, t = (queries.get_article(conn, key=k) for k in ("o", "c", "t"))
    assert o is not None and c is not None and t is not None
    assert c.canonical_of == o.id and t.canonical_of == o.id  # chains point at the first, canonical article


def test_near_duplicates_within_one_batch(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    rows = [
        {"id": "b-1", "title": "원문", "body": sample("prism-045")},
        korean_article(1),
        {"id": "b-2", "title": "전재", "body": sample("prism-060")},
    ]
    report = run_ingest(engine, settings, write_jsonl(tmp_path / "n.jsonl", rows))
    assert (report.ingested, report.near_duplicates) == (3, 1)
    with engine.connect() as conn:
        one, two = queries.get_article(conn, key="b-1"), queries.get_article(conn, key="b-2")
    assert one is not None and two is not None and two.canonical_of == one.id


def test_unrelated_articles_are_not_linked(tmp_path: Path, engine: Engine, settings: Settings) -> None:
    rows = [
        {"id": f"s-{n}", "title": f"기사 {n}", "body": sample(f"prism-0{n}")} for n in (31, 32, 33, 10, 20)
    ]
    report = run_ingest(engine, settings, write_jsonl(tmp_path / "n.jsonl", rows))
    assert (report.ingested, report.near_duplicates) == (5, 0)


def test_batches_smaller_than_input(tmp_path: Path, engine: Engine, monkeypatch: object) -> None:
    from prism.config import get_settings

    small = get_settings(ingest_batch_size=7)
    rows = [korean_article(n) for n in range(20)] + [
        {"id": "dup-of-3", **{k: v for k, v in korean_article(3).items() if k != "id"}}
    ]
    report = run_ingest(engine, small, write_jsonl(tmp_path / "n.jsonl", rows))
    assert (report.ingested, report.near_duplicates) == (21, 1)

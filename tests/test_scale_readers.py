"""Simulated readers: the same readers for a seed, whatever their number, stored in batches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from prism.accounts import AccountError, log_in, sign_up
from prism.config import Settings
from prism.recommend.personas import load_personas
from prism.scale import readers as simulated
from prism.store.schema import feedback, readers

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
ARTICLES = list(range(100, 160))


def draw(count: int, seed: int = 0) -> list[simulated.SimulatedReader]:
    return list(simulated.simulate(count, personas=load_personas(), articles=ARTICLES, now=NOW, seed=seed))


def test_same_seed_same_readers_and_a_prefix_of_more() -> None:
    many = draw(5000)
    assert draw(5000) == many
    assert draw(100) == many[:100]  # reader n does not depend on how many are drawn
    later = list(simulated.simulate(5000, personas=load_personas(), articles=ARTICLES, now=NOW, start=4000))
    assert [[(f.article_id, f.kind, f.created_at) for f in r.feedback] for r in later] == [
        [(f.article_id, f.kind, f.created_at) for f in r.feedback] for r in many[4000:]
    ]
    assert [r.reader.email for r in later] == [r.reader.email for r in many[4000:]]
    assert [r.reader.interests for r in later] == [r.reader.interests for r in many[4000:]]
    assert draw(100, seed=1) != many[:100]
    assert [r.reader.id for r in many] == list(range(1, 5001))


def test_readers_look_like_readers() -> None:
    personas = load_personas()
    terms = set(simulated.vocabulary(personas))
    many = draw(3000)
    assert {r.reader.persona for r in many} == set(personas)  # every shipped reader type
    assert any(r.reader.interests for r in many) and any(not r.reader.interests for r in many)
    assert any(r.reader.muted for r in many) and any(r.reader.topics for r in many)
    for r in many:
        assert set(r.reader.interests) <= terms and not set(r.reader.interests) & set(r.reader.muted)
        assert all(f.article_id in ARTICLES and f.created_at <= NOW for f in r.feedback)
        assert [f.created_at for f in r.feedback] == sorted(f.created_at for f in r.feedback)
    kinds = {f.kind for r in many for f in r.feedback}
    assert kinds == {"up", "down", "click"}
    assert "금리" in terms and "반도체" in terms


def test_stored_in_batches_and_sign_up_goes_on(engine: Engine, settings: Settings) -> None:
    from prism.store import write_transaction
    from prism.store.schema import articles

    with write_transaction(engine) as conn:  # feedback needs its articles
        conn.execute(
            articles.insert(),
            [
                {"id": a, "title": "t", "body": "b", "content_hash": f"sha256:{a}", "ingested_at": NOW}
                for a in ARTICLES
            ],
        )
    first = sign_up(engine, email="first@example.com", password="correct horse battery")
    stored, given = simulated.store(
        engine, 1200, personas=load_personas(), articles=ARTICLES, now=NOW, seed=3, batch=500
    )
    assert stored == 1200
    expected = sum(len(r.feedback) for r in simulated.simulate(
        1200, personas=load_personas(), articles=ARTICLES, now=NOW, seed=3
    ))  # fmt: skip
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(readers)).scalar_one() == 1201
        assert conn.execute(select(func.count()).select_from(feedback)).scalar_one() == given == expected
        ids = conn.execute(select(func.min(readers.c.id), func.max(readers.c.id))).one()
    assert tuple(ids) == (first.id, first.id + 1200)
    later = sign_up(engine, email="later@example.com", password="correct horse battery")
    assert later.id == first.id + 1201
    # Nobody can log in as a simulated reader.
    email = f"sim-3-0@{simulated.EMAIL_DOMAIN}"
    with pytest.raises(AccountError):
        log_in(engine, settings, email=email, password="!")

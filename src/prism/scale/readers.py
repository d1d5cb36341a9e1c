"""Simulated readers for tests and benchmarks: N readers, each the same for a given seed and number.

Each has a reader type (one of the personas), 0–3 keywords of their own and 0–2 muted ones drawn from
the personas' interests and the facets' terms (real Korean economic terms: 금리, 반도체, 전세…), now and
then a followed or muted topic, and 0–6 pieces of feedback (👍, 👎, clicks) on the given articles over
the three days before `now`. Reader n is drawn from its block of BLOCK readers alone, so the first 10k
of 1M simulated readers are the 10k simulated readers of the same seed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine

from prism.nlp.topics import TOPICS
from prism.recommend.facets import facets
from prism.recommend.personas import Persona
from prism.records import Account, FeedbackKind, NewFeedback, Reader
from prism.store import feedback as stored_feedback
from prism.store import readers as stored_readers
from prism.store import write_transaction

BLOCK = 4096  # readers drawn from one seeded generator
KEYWORDS = (0.4, 0.3, 0.2, 0.1)  # chance of 0, 1, 2, 3 own keywords
MUTED = (0.6, 0.3, 0.1)  # of 0, 1, 2 muted ones
FEEDBACK = (0.35, 0.15, 0.15, 0.1, 0.1, 0.1, 0.05)  # of 0–6 pieces of feedback
KINDS: tuple[FeedbackKind, ...] = ("up", "click", "down")
KIND_CHANCE = (0.45, 0.35, 0.2)
FOLLOW_TOPIC = 0.1
MUTE_TOPIC = 0.05
HISTORY_S = 3 * 86400
EMAIL_DOMAIN = "readers.invalid"  # a reserved name: mail to a simulated reader goes nowhere


@dataclass(frozen=True, slots=True)
class SimulatedReader:
    """A simulated reader and their feedback history (article ids of the given articles)."""

    reader: Reader
    feedback: tuple[NewFeedback, ...]


def vocabulary(personas: Mapping[str, Persona]) -> list[str]:
    """Return the terms simulated readers follow and mute: every persona's interests and every facet's
    terms, sorted (so the draw does not depend on file order)."""
    terms = {t for p in personas.values() for t in p.interests}
    terms.update(t for group in facets().values() for t in group)
    return sorted(terms)


def simulate(
    count: int,
    *,
    personas: Mapping[str, Persona],
    articles: Sequence[int] = (),
    now: datetime,
    seed: int = 0,
    first_id: int = 1,
    start: int = 0,
) -> Iterator[SimulatedReader]:
    """Yield simulated readers `start` to `count` - 1 with ids first_id, first_id + 1, …; their feedback
    is on `articles` (none when empty), dated within HISTORY_S before `now`."""
    keys = sorted(personas)
    terms = vocabulary(personas)
    pool = np.asarray(articles, dtype=np.int64)
    for block in range(start - start % BLOCK, count, BLOCK):
        rng = np.random.default_rng([seed, block // BLOCK])
        persona = rng.integers(len(keys), size=BLOCK)
        own = rng.choice(len(KEYWORDS), size=BLOCK, p=KEYWORDS)
        own_terms = rng.integers(len(terms), size=(BLOCK, len(KEYWORDS) - 1))
        muted = rng.choice(len(MUTED), size=BLOCK, p=MUTED)
        muted_terms = rng.integers(len(terms), size=(BLOCK, len(MUTED) - 1))
        topic = rng.integers(len(TOPICS), size=BLOCK)
        topic_choice = rng.random(BLOCK)
        given = rng.choice(len(FEEDBACK), size=BLOCK, p=FEEDBACK) if len(pool) else np.zeros(BLOCK, int)
        on = rng.integers(max(len(pool), 1), size=(BLOCK, len(FEEDBACK) - 1))
        kind = rng.choice(len(KINDS), size=(BLOCK, len(FEEDBACK) - 1), p=KIND_CHANCE)
        ago = rng.integers(HISTORY_S, size=(BLOCK, len(FEEDBACK) - 1))
        for k in range(max(0, start - block), min(BLOCK, count - block)):
            reader_id = first_id + block + k - start
            interests = tuple(dict.fromkeys(terms[t] for t in own_terms[k, : own[k]]))
            mute = tuple(
                t for t in dict.fromkeys(terms[t] for t in muted_terms[k, : muted[k]]) if t not in interests
            )
            topics: tuple[tuple[str, str], ...] = ()
            if topic_choice[k] < FOLLOW_TOPIC:
                topics = ((TOPICS[topic[k]], "follow"),)
            elif topic_choice[k] < FOLLOW_TOPIC + MUTE_TOPIC:
                topics = ((TOPICS[topic[k]], "mute"),)
            reader = Reader(
                id=reader_id,
                email=f"sim-{seed}-{block + k}@{EMAIL_DOMAIN}",
                role="reader",
                persona=keys[persona[k]],
                interests=interests,
                muted=mute,
                topics=topics,
            )
            history = tuple(
                NewFeedback(
                    reader_id=reader_id,
                    article_id=int(pool[on[k, j]]),
                    kind=KINDS[kind[k, j]],
                    created_at=now - timedelta(seconds=int(ago[k, j])),
                )
                for j in range(given[k])
            )
            yield SimulatedReader(reader, tuple(sorted(history, key=lambda f: f.created_at)))


def account(reader: Reader, *, created_at: datetime) -> Account:
    """Return a simulated reader as a stored account nobody can log in to."""
    profile = {
        "interests": list(reader.interests),
        "muted": list(reader.muted),
        "topics": dict(reader.topics),
    }
    return Account(
        id=reader.id,
        email=reader.email,
        password_hash=stored_readers.NO_PASSWORD,
        role=reader.role,
        persona=reader.persona,
        profile=profile,
        created_at=created_at,
        failed_logins=0,
        locked_until=None,
    )


def store(
    engine: Engine,
    count: int,
    *,
    personas: Mapping[str, Persona],
    articles: Sequence[int] = (),
    now: datetime,
    seed: int = 0,
    start: int = 0,
    batch: int = 20_000,
) -> tuple[int, int]:
    """Simulate readers `start` to `count` - 1 after the highest stored reader id and store them and
    their feedback in batches (COPY on PostgreSQL); return (readers, pieces of feedback) stored."""
    with write_transaction(engine) as conn:
        ids = stored_readers.reserve_ids(conn, count=1)
    first = ids[0] if ids else 1
    readers = feedback = 0
    generated = simulate(
        count, personas=personas, articles=articles, now=now, seed=seed, first_id=first, start=start
    )
    while True:
        chunk = list(itertools.islice(generated, batch))
        if not chunk:
            break
        with write_transaction(engine) as conn:
            readers += stored_readers.insert_many(
                conn, accounts=[account(r.reader, created_at=now) for r in chunk]
            )
            feedback += stored_feedback.record_many(conn, items=[f for r in chunk for f in r.feedback])
    if engine.dialect.name == "postgresql":
        with write_transaction(engine) as conn:
            stored_readers.follow_ids(conn)
    return readers, feedback

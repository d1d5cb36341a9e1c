"""The recommender's contract on a known-answer synthetic pool, and its selection rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from prism.errors import UsageError
from prism.recommend.personas import Persona
from prism.recommend.pool import build_pool
from prism.recommend.recommender import PrismRecommender as Recommender
from prism.records import PoolRow

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
STOCKS = ["코스피", "주가", "배당", "공모주", "시가총액", "증시", "상장", "주식"]
PENSIONS = ["국민연금", "퇴직연금", "노후", "기초연금", "연금", "은퇴", "수급", "개인연금"]


def row(
    n: int, words: list[str], *, hours: float = 1.0, canonical: int | None = None, text: str | None = None
) -> PoolRow:
    # Each article also has words of its own, so different articles are different stories.
    own = text or str(n)
    counts = {word: 2 for word in words} | {f"고유어{own}{k}": 3 for k in "가나다"} | {"발표": 1}
    norm = sum(v * v for v in counts.values()) ** 0.5
    return PoolRow(
        id=n,
        external_id=f"a-{n}",
        title=f"{words[0]} 관련 기사 {n}",
        url=None,
        source=f"언론사{n % 3}",
        time=NOW - timedelta(hours=hours),
        canonical_of=canonical,
        content_hash=text or f"sha256:{n:064d}",
        topic="경제",
        keyphrases=[[words[0], 0.6], [words[1], 0.4]],
        title_terms=[[words[0]], [words[0]]],
        counts=counts,
        terms={t: v / norm for t, v in counts.items()},
    )


def persona(key: str, terms: list[str]) -> Persona:
    return Persona(key=key, name=key, interests={t: 3 for t in terms}, topics={"경제": 1.0}, expand=False)


@pytest.fixture
def pool():  # type: ignore[no-untyped-def]
    rows = [row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(7)]
    rows += [row(10 + i, [PENSIONS[i], PENSIONS[i + 1]]) for i in range(7)]
    rows += [row(30 + i, ["날씨", "기온"], hours=1) for i in range(3)]  # for nobody
    return build_pool(rows)


def test_two_readers_with_disjoint_interests_each_get_their_own_first(pool) -> None:  # type: ignore[no-untyped-def]
    recommender = Recommender().fit(pool, now=NOW.timestamp())
    investor = recommender.recommend(persona("investor", STOCKS))
    retiree = recommender.recommend(persona("retiree", PENSIONS))
    assert all(p.article_id < 10 for p in investor[:6])
    assert all(10 <= p.article_id < 20 for p in retiree[:6])
    assert [p.kind for p in investor] == ["interest"] * 3 + ["reference"] * 3
    assert investor[0].matched and investor[0].reasons[0].startswith("관심 키워드: ")
    scores = [p.score for p in investor[:3]]
    assert scores == sorted(scores, reverse=True)


def test_copies_and_near_duplicates_are_one_story(pool) -> None:  # type: ignore[no-untyped-def]
    rows = [row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(7)]
    rows.append(row(50, [STOCKS[0], STOCKS[1]], canonical=0))  # a near duplicate of article 0
    rows.append(row(51, [STOCKS[0], STOCKS[1]], text="sha256:" + "0" * 64))  # a copy of article 0's text
    recommender = Recommender().fit(build_pool(rows), now=NOW.timestamp())
    picks = recommender.recommend(persona("investor", STOCKS))
    assert len({p.story for p in picks}) == len(picks) == 6
    assert len({p.article_id for p in picks} & {0, 50, 51}) == 1


def test_fewer_stories_than_picks(pool) -> None:  # type: ignore[no-untyped-def]
    small = build_pool([row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(3)])
    picks = Recommender().fit(small).recommend(persona("investor", STOCKS))
    assert len(picks) == 3


def test_an_empty_pool_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="the pool is empty"):
        Recommender().fit(build_pool([])).recommend(persona("investor", STOCKS))


def test_negative_terms_push_articles_down(pool) -> None:  # type: ignore[no-untyped-def]
    recommender = Recommender().fit(pool, now=NOW.timestamp())
    plain = persona("investor", STOCKS)
    top = recommender.recommend(plain)[0]
    averse = Persona(
        key="averse",
        name="averse",
        interests=plain.interests,
        negative={top.matched[0]: 5},
        topics=plain.topics,
        expand=False,
    )
    assert top.article_id not in [p.article_id for p in recommender.recommend(averse)[:3]]

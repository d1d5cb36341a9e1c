"""Synthetic pools for recommender tests: two disjoint interests (stocks, pensions) and filler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prism.recommend.personas import Persona
from prism.recommend.pool import Pool, build_pool
from prism.records import PoolRow

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
STOCKS = ["코스피", "주가", "배당", "공모주", "시가총액", "증시", "상장", "주식"]
PENSIONS = ["국민연금", "퇴직연금", "노후", "기초연금", "연금", "은퇴", "수급", "개인연금"]


def row(
    n: int, words: list[str], *, hours: float = 1.0, canonical: int | None = None, text: str | None = None
) -> PoolRow:
    """Return article n about `words`; it also has words of its own, so different articles are
    different stories."""
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
    """Return a reader type interested in `terms` only (no widening by facets or similar morphemes)."""
    return Persona(
        key=key, name=key, interests={t: 3 for t in terms}, topics={"경제": 1.0}, expand=False, facets=False
    )


def rows() -> list[PoolRow]:
    """Return 7 stock articles (ids 0–6), 7 pension articles (10–16) and 3 on the weather (30–32)."""
    found = [row(i, [STOCKS[i], STOCKS[i + 1]]) for i in range(7)]
    found += [row(10 + i, [PENSIONS[i], PENSIONS[i + 1]]) for i in range(7)]
    found += [row(30 + i, ["날씨", "기온"], hours=1) for i in range(3)]  # for nobody
    return found


def synthetic_pool() -> Pool:
    """Return the pool of `rows()`."""
    return build_pool(rows())

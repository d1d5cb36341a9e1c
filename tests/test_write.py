"""The extractive writer's themes: which stories share a ■ section."""

from __future__ import annotations

from prism.recommend.pool import build_pool
from prism.records import Pick, PickKind
from prism.write.extractive import themes
from tests.pools import PENSIONS, STOCKS, row

CHIPS = ["반도체", "HBM", "파운드리", "웨이퍼", "메모리", "팹리스", "TSMC", "삼성전자"]


def pick(i: int, kind: PickKind) -> Pick:
    return Pick(
        index=i,
        article_id=i + 1,
        score=1.0,
        relevance=1.0,
        kind=kind,
        story=i,
        story_size=1,
        topic=None,
        matched=(),
    )


def test_close_stories_share_a_theme_and_others_stand_alone() -> None:
    pool = build_pool(
        [
            row(1, STOCKS[:6]),  # 관심: stocks
            row(2, PENSIONS[:6]),  # 관심: pensions
            row(3, STOCKS[1:7]),  # 관심: stocks again → one theme with the first
            row(4, CHIPS[:6]),  # 참고: chips, close to nothing → no theme
            row(5, PENSIONS[2:8]),  # 참고: pensions → joins the pensions theme
            row(6, CHIPS[2:8]),  # 참고: chips
        ]
    )
    kinds: list[PickKind] = ["interest"] * 3 + ["reference"] * 3
    grouped = themes([pick(i, kind) for i, kind in enumerate(kinds)], pool)
    assert [[p.article_id for p in group] for group in grouped] == [[1, 3], [2, 5]]


def test_unrelated_stories_make_one_theme_each() -> None:
    pool = build_pool([row(1, STOCKS[:6]), row(2, PENSIONS[:6]), row(3, CHIPS[:6])])
    grouped = themes([pick(i, "interest") for i in range(3)], pool)
    assert [[p.article_id for p in group] for group in grouped] == [[1], [2], [3]]

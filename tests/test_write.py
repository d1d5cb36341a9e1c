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


def test_dropping_a_story_that_joined_a_theme_keeps_the_theme() -> None:
    from prism.brief.review import apply_edits
    from tests.golden_briefing import briefing

    made = briefing()
    joined = made.sections[0].article_ids[1]
    edited, changes = apply_edits(made, drop=[joined])
    theme = edited.sections[0]
    assert theme.heading == made.sections[0].heading and joined not in theme.article_ids
    assert all(q.article_id != joined for q in theme.sentences) and theme.sentences
    assert any(field == "sections[0]" for field, _ in changes)
    led, _ = apply_edits(made, drop=[made.sections[0].article_ids[0]])
    assert len(led.sections) == len(made.sections) - 1  # the story that led it: the theme goes


def test_an_article_told_wholly_in_the_broadcast_register_still_gets_a_summary() -> None:
    from prism.nlp.korean import analyze
    from prism.summarize.extractive import summarize

    told = analyze(
        "역전세난 속출",
        "올 들어 역전세난이 나타나면서 보증금을 돌려주지 못하는 경우가 속출하고 있습니다. "
        "세입자가 안전장치를 마련하는 방법이 있지만 비용이 발생합니다.",
    )
    summary = summarize(told, sentences=2)
    # In the briefing's written register, the closing ending only changed; each traces to its source.
    assert summary.sentences == (
        "올 들어 역전세난이 나타나면서 보증금을 돌려주지 못하는 경우가 속출하고 있다.",
        "세입자가 안전장치를 마련하는 방법이 있지만 비용이 발생한다.",
    )
    assert summary.source_indices == (0, 1)
    mixed = analyze(
        "제목", "전세보증금 반환보증 가입 가구가 지난해 크게 늘었다. 비용이 발생하는 점은 부담이라고 합니다."
    )
    assert summarize(mixed, sentences=2).sentences == ("전세보증금 반환보증 가입 가구가 지난해 크게 늘었다.",)

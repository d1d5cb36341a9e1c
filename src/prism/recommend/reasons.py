"""Reasons: why an article was picked, in the words a reader sees, and the Pick that carries them."""

from __future__ import annotations

from collections.abc import Mapping

from prism.recommend.pool import Pool
from prism.recommend.stories import Stories
from prism.records import Pick, PickKind

LIKED_REASON = 0.15  # a pick this close to the reader's feedback vector says so in its reasons
MATCHED_SHOWN = 5  # interest terms a pick names
# The first reason of a 참고 pick that fills the edition when too few stories clear the reader type's
# relevance floor (prism.recommend.score.FLOOR): the day's important economic news, not a pick for them.
FILLER_REASON = "오늘의 주요 경제 뉴스"


def matched_terms(
    pool: Pool, i: int, matched: Mapping[int, float], interests: Mapping[str, float] | None = None
) -> tuple[str, ...]:
    """Return the matched vocabulary columns found in article i's body or title, as terms, strongest
    (weight × IDF) first. A longer word or phrase that holds an interest is named by that interest
    (일자리, not 일자리전략실장 or "추광호 한국경제연구원 일자리전략실장"): a reason names what the reader
    asked for."""
    text = pool.text_row(i)
    columns, _ = pool.counts.row(text)
    title_columns, _ = pool.title_terms.row(text)
    present = set(columns.tolist()) | set(title_columns.tolist())
    found = sorted(
        (column for column in matched if column in present),
        key=lambda column: -matched[column] * pool.idf[column],
    )
    shown: dict[str, None] = {}
    for column in found:  # named one by one, only until enough are shown
        shown[_named(pool.vocabulary.terms[column], interests or {})] = None
        if len(shown) == MATCHED_SHOWN:
            break
    return tuple(shown)


def _named(term: str, interests: Mapping[str, float]) -> str:
    """Return a matched term as a reason shows it: a word or phrase that is not itself an interest but
    holds one (블록체인인텔리전스그룹, 무역이익) is named by the strongest interest it holds (the first
    given, on a tie)."""
    if term in interests:
        return term
    joined = term.replace(" ", "")
    held = [t for t in interests if t.replace(" ", "") in joined]
    return max(held, key=lambda t: interests[t]) if held else term


def reasons(
    matched: tuple[str, ...], topic: str | None, story_size: int, *, liked: float = 0.0
) -> tuple[str, ...]:
    """Return the reason lines of a pick: matched interests, topic, story size, likeness to 👍."""
    lines = []
    if matched:
        lines.append("관심 키워드: " + ", ".join(matched))  # 관심 키워드: interest keywords
    if topic:
        lines.append(f"분야: {topic}")  # 분야: field (topic)
    if story_size > 1:
        lines.append(f"관련 기사 {story_size}건")  # N related articles
    if liked >= LIKED_REASON:
        lines.append("👍 한 기사와 비슷해요")  # like an article you gave 👍
    return tuple(lines)


def pick(
    pool: Pool,
    stories: Stories,
    i: int,
    *,
    kind: PickKind,
    score: float = 0.0,
    relevance: float = 0.0,
    matched: tuple[str, ...] = (),
    liked: float = 0.0,
) -> Pick:
    """Return article i as a pick of `kind`, with its story and reasons."""
    story = int(stories.of[i])
    size = int(stories.sizes[story])
    topic = pool.topic_of(i)
    return Pick(
        index=i,
        article_id=pool.article_id(i),
        score=score,
        relevance=relevance,
        kind=kind,
        story=story,
        story_size=size,
        topic=topic,
        matched=matched,
        reasons=reasons(matched, topic, size, liked=liked),
    )

"""What every edition must be: checked on the sample corpus and on the shared articles."""

from __future__ import annotations

from collections.abc import Mapping

from prism.records import Briefing


def assert_edition(briefing: Briefing, bodies: Mapping[int, str]) -> None:
    """6 picks from 6 stories (3 관심 + 3 참고); every sentence verbatim from its article and used once;
    5 distinct keywords, none inside another; headings of at most 20 characters."""
    assert len(briefing.picks) == 6
    assert [p.kind for p in briefing.picks] == ["interest"] * 3 + ["reference"] * 3
    assert len({p.story for p in briefing.picks}) == 6, "two picks tell the same story"
    assert len({p.article_id for p in briefing.picks}) == 6
    quotes = briefing.quotes()
    texts = [q.text for q in quotes]
    assert len(texts) == len(set(texts)), "a sentence appears twice in the edition"
    for quote in quotes:
        assert quote.text in bodies[quote.article_id], (
            f"not verbatim in article {quote.article_id}: {quote.text}"
        )
    picked = {p.article_id for p in briefing.picks}
    assert {q.article_id for q in quotes} <= picked
    for pick in briefing.picks:
        assert 1 <= len(pick.summary) <= 4
        indices = [q.index for q in pick.summary]
        assert indices == sorted(indices), "a summary is out of the article's order"
    assert len(briefing.lead) == 2
    assert len(briefing.sections) == 3
    for section in briefing.sections:
        assert 0 < len(section.heading) <= 20
        assert 2 <= len(section.sentences) <= 4
        assert section.article_id in {p.article_id for p in briefing.interest}
    keywords = briefing.keywords
    assert len(keywords) == 5 and len(set(keywords)) == 5
    for a in keywords:
        for b in keywords:
            assert a == b or a not in b, f"keyword {a!r} is inside {b!r}"

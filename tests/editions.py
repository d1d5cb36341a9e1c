"""What every edition must be: checked on the sample corpus and on the shared articles."""

from __future__ import annotations

import re
from collections.abc import Mapping

from prism.records import Briefing


def assert_edition(briefing: Briefing, bodies: Mapping[int, str]) -> None:
    """6 picks from 6 stories (3 관심 + 3 참고); every sentence verbatim from its article (a broadcast's
    …습니다 may close as …다) and used once (the lead's main points may open their 핵심 요약 too); 5
    distinct keywords, none inside another; 1–3 themed sections, each led by a 관심 story, with a
    heading of at most 20 characters that is not "A · B"."""
    assert len(briefing.picks) == 6
    assert [p.kind for p in briefing.picks] == ["interest"] * 3 + ["reference"] * 3
    assert len({p.story for p in briefing.picks}) == 6, "two picks tell the same story"
    assert len({p.article_id for p in briefing.picks}) == 6
    quotes = briefing.quotes()
    for quote in quotes:
        assert verbatim(quote.text, bodies[quote.article_id]), (
            f"not verbatim in article {quote.article_id}: {quote.text}"
        )
    assert_no_repeats(briefing)
    picked = {p.article_id for p in briefing.picks}
    assert {q.article_id for q in quotes} <= picked
    for pick in briefing.picks:
        assert 1 <= len(pick.summary) <= 4
        indices = [q.index for q in pick.summary]
        assert indices == sorted(indices), "a summary is out of the article's order"
    assert len(briefing.lead) == 2
    assert 1 <= len(briefing.sections) <= 3
    interest = {p.article_id for p in briefing.interest}
    for section in briefing.sections:
        assert 0 < len(section.heading) <= 20
        assert " · " not in section.heading, f"a keyword-pair heading: {section.heading}"
        assert 2 <= len(section.sentences) <= 5
        assert section.article_ids[0] in interest
        assert {q.article_id for q in section.sentences} <= set(section.article_ids) <= picked
    keywords = briefing.keywords
    assert len(keywords) == 5 and len(set(keywords)) == 5
    for a in keywords:
        for b in keywords:
            assert a == b or a not in b, f"keyword {a!r} is inside {b!r}"


def verbatim(text: str, body: str) -> bool:
    """Return True when `text` is in `body` as it is, or with only its last word's ending changed from a
    broadcast's …니다 to the written …다."""
    if text in body:
        return True
    head, _, last = text.rpartition(" ")
    if not last.rstrip(".").endswith("다"):
        return False
    return re.search(re.escape(head) + r"\s+\S*니다[.!]?", body) is not None


def assert_no_repeats(briefing: Briefing) -> None:
    """No sentence appears twice in an edition, except that the lead may retell a main point (the first
    sentence of a 핵심 요약), as the seed edition does."""
    openers = {p.summary[0].text for p in briefing.picks if p.summary}
    lead = [q.text for paragraph in briefing.lead for q in paragraph]
    in_lead = {q for paragraph in briefing.lead for q in paragraph}
    rest = [q.text for q in briefing.quotes() if q not in in_lead]
    assert len(lead) == len(set(lead)), "a sentence appears twice in the lead"
    assert len(rest) == len(set(rest)), "a sentence appears twice in the edition"
    repeated = [text for text in lead if text in rest and text not in openers]
    assert not repeated, f"the lead repeats more than a main point: {repeated}"

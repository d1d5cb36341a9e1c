"""The extractive writer: a Briefing from the recommender's picks: lead, ■ sections, 핵심 요약, 키워드 TOP 5.

Extractive throughout: every sentence is one of its article's own, recorded with its index, and no
sentence appears twice in an edition. Sentences are given out in reading order: the lead takes the
most central sentences of the 관심 stories, each pick's 핵심 요약 the best of the rest, and each ■
section the best of what remains.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from prism.config import Settings
from prism.nlp.keywords import top_keywords
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.records import Analysis, Briefing, BriefPick, Pick, PickKind, Quote, Section, Summary
from prism.summarize.base import Summarizer
from prism.summarize.extractive import is_summary_worthy
from prism.write.base import writers

HEADING_CHARS = 20
SECTION_SENTENCES = 3  # 2–4 when the article has them
LEAD_FIRST = 1  # sentences of the first 관심 story in the lead's first paragraph


class _Allocator:
    """Hands out sentences so none is used twice in an edition (by index, and by text across articles)."""

    def __init__(self, summarizer: Summarizer) -> None:
        self.summarizer = summarizer
        self.used: dict[int, set[int]] = {}
        self.texts: set[str] = set()

    def excluded(self, article_id: int, analysis: Analysis) -> set[int]:
        taken = set(self.used.get(article_id, set()))
        taken.update(s.index for s in analysis.sentences if s.text in self.texts)
        return taken

    def take(
        self, article_id: int, analysis: Analysis, sentences: int, max_chars: int | None = None
    ) -> Summary:
        summary = self.summarizer.summarize(
            analysis, sentences=sentences, max_chars=max_chars, exclude=self.excluded(article_id, analysis)
        )
        self.used.setdefault(article_id, set()).update(summary.source_indices)
        self.texts.update(summary.sentences)
        return summary

    def available(self, article_id: int, analysis: Analysis) -> int:
        taken = self.excluded(article_id, analysis)
        return sum(1 for s in analysis.sentences if s.index not in taken and is_summary_worthy(s))


def _quotes(summary: Summary, article_id: int) -> tuple[Quote, ...]:
    return tuple(
        Quote(text=text, article_id=article_id, index=index)
        for text, index in zip(summary.sentences, summary.source_indices, strict=True)
    )


def heading(keyphrases: Sequence[tuple[str, float]], title: str) -> str:
    """Return a heading of at most 20 characters from an article's strongest keyphrases.

    What the title names comes first, then specific terms (a noun phrase, or a name of 3+ characters,
    over a generic word); a second keyphrase sharing no word with the first joins with " · " when both fit.
    Without a fitting keyphrase, the title, shortened.
    """
    fitting = [term for term, _ in keyphrases[:6] if len(term) <= HEADING_CHARS]
    if not fitting:
        return title[: HEADING_CHARS - 1].rstrip() + "…" if len(title) > HEADING_CHARS else title
    squeezed = title.replace(" ", "")

    def rank(term: str) -> tuple[int, int]:
        return (0 if term.replace(" ", "") in squeezed else 1, 0 if " " in term or len(term) >= 3 else 1)

    ordered = sorted(fitting, key=rank)  # stable: keyphrase order within each rank
    first = ordered[0]
    words = set(first.split())
    for second in ordered[1:]:
        joined = f"{first} · {second}"
        overlap = words & set(second.split()) or second in first or first in second
        if len(joined) <= HEADING_CHARS and not overlap:
            return joined
    return first


def _title_weighted(keyphrases: Sequence[tuple[str, float]], title: str) -> list[tuple[str, float]]:
    """Keyphrases with those the title names counting double: an edition's keywords should be what its
    stories are about, not words they share in passing."""
    squeezed = title.replace(" ", "")
    return [
        (term, weight * (2.0 if term.replace(" ", "") in squeezed else 1.0)) for term, weight in keyphrases
    ]


def compose(
    *,
    persona: Persona,
    date: str,
    window: str,
    picks: Sequence[Pick],
    pool: Pool,
    analyses: Mapping[str, Analysis],
    settings: Settings,
    summarizer: Summarizer,
    notices: Sequence[str] = (),
) -> Briefing:
    """Build the edition of `picks` (관심 first, then 참고) for a persona and date."""
    allocator = _Allocator(summarizer)

    def analysis_of(pick: Pick) -> Analysis:
        return analyses[pool.content_hash(pick.index)]

    interest = [p for p in picks if p.kind == "interest"]
    lead: list[tuple[Quote, ...]] = []
    if interest:
        first = interest[0]
        lead.append(
            _quotes(allocator.take(first.article_id, analysis_of(first), LEAD_FIRST), first.article_id)
        )
        second: list[Quote] = []
        for pick in interest[1:]:
            second.extend(_quotes(allocator.take(pick.article_id, analysis_of(pick), 1), pick.article_id))
        if second:
            lead.append(tuple(second))
    lead = [paragraph for paragraph in lead if paragraph]

    summaries: dict[int, tuple[Quote, ...]] = {}
    for pick in picks:
        analysis = analysis_of(pick)
        available = allocator.available(pick.article_id, analysis)
        # A 관심 story keeps two sentences for its section when the article is short.
        keep = 2 if pick.kind == "interest" else 0
        wanted = min(settings.summary_sentences, max(1, available - keep))
        summaries[pick.article_id] = _quotes(
            allocator.take(pick.article_id, analysis, wanted, max_chars=settings.summary_chars),
            pick.article_id,
        )

    sections = []
    for pick in interest:
        analysis = analysis_of(pick)
        body = _quotes(allocator.take(pick.article_id, analysis, SECTION_SENTENCES), pick.article_id)
        if body:
            sections.append(_section(pick, pool, body))

    shown = [_brief_pick(pick, pool, summaries[pick.article_id]) for pick in picks]
    keywords = top_keywords(
        [_title_weighted(pool.keyphrases_of(p.index), pool.titles[p.index]) for p in picks],
        k=5,
    )
    return Briefing(
        persona=persona.key,
        persona_name=persona.name,
        date=date,
        window=window,
        brand=settings.brand,
        title=f"{settings.brand} 맞춤형 경제 브리핑",
        editor_note=settings.editor_note,
        publisher=settings.publisher,
        copyright=settings.copyright.format(publisher=settings.publisher),
        lead=tuple(lead),
        sections=tuple(sections),
        picks=tuple(shown),
        keywords=tuple(keywords),
        notices=tuple(notices),
    )


def replacement(
    briefing: Briefing,
    *,
    old_article_id: int,
    pick: Pick,
    pool: Pool,
    analysis: Analysis,
    settings: Settings,
    summarizer: Summarizer,
) -> Briefing:
    """Return the briefing with one pick replaced by another article (an editor's swap): its 핵심 요약
    and, for a 관심 pick, its ■ section come from the new article; no sentence of the edition repeats."""
    allocator = _Allocator(summarizer)
    kept = [q for q in briefing.quotes() if q.article_id != old_article_id]
    allocator.texts.update(q.text for q in kept)
    old = next(p for p in briefing.picks if p.article_id == old_article_id)
    summary = _quotes(
        allocator.take(
            pick.article_id, analysis, settings.summary_sentences, max_chars=settings.summary_chars
        ),
        pick.article_id,
    )
    new = _brief_pick(pick, pool, summary, kind=old.kind, reasons=("편집자가 고른 기사", *pick.reasons))
    sections = []
    for section in briefing.sections:
        if section.article_id != old_article_id:
            sections.append(section)
            continue
        body = _quotes(allocator.take(pick.article_id, analysis, SECTION_SENTENCES), pick.article_id)
        if body:
            sections.append(_section(pick, pool, body))
    lead = tuple(tuple(q for q in paragraph if q.article_id != old_article_id) for paragraph in briefing.lead)
    return dataclasses.replace(
        briefing,
        picks=tuple(new if p.article_id == old_article_id else p for p in briefing.picks),
        sections=tuple(sections),
        lead=tuple(paragraph for paragraph in lead if paragraph),
    )


@writers.register("extractive")
class Extractive:
    """Today's composer: every sentence of the edition is one of its articles' own (`compose`)."""

    write = staticmethod(compose)
    replace = staticmethod(replacement)


def _brief_pick(
    pick: Pick,
    pool: Pool,
    summary: tuple[Quote, ...],
    *,
    kind: PickKind | None = None,
    reasons: tuple[str, ...] | None = None,
) -> BriefPick:
    """Return the briefing's record of a recommended article with its 핵심 요약."""
    return BriefPick(
        id=pool.external_ids[pick.index] or str(pick.article_id),
        article_id=pick.article_id,
        kind=pick.kind if kind is None else kind,
        title=pool.titles[pick.index],
        url=pool.urls[pick.index],
        source=pool.sources[pick.index],
        summary=summary,
        reasons=pick.reasons if reasons is None else reasons,
        score=round(pick.score, 4),
        topic=pick.topic,
        story=pick.story,
        story_size=pick.story_size,
    )


def _section(pick: Pick, pool: Pool, body: tuple[Quote, ...]) -> Section:
    """Return a ■ section on a 관심 pick: a heading from its keyphrases and title, and its sentences."""
    return Section(
        heading=heading(pool.keyphrases_of(pick.index), pool.titles[pick.index]),
        sentences=body,
        article_id=pick.article_id,
    )

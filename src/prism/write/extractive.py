"""The extractive writer: a Briefing from the recommender's picks: lead, ■ sections, 핵심 요약, 키워드 TOP 5.

Extractive throughout: every sentence is one of its article's own, recorded with its index. Each pick's
핵심 요약 comes first (its main point, then the best of the rest); the lead retells the 관심 stories' main
points, as the seed edition does, and may repeat them; the ■ sections group the edition's stories into up
to three themes and take sentences no other part of the edition uses. A sentence that leans on the one
before it is shown only right after it (the summarizer sees to that within each block).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from prism.config import Settings
from prism.nlp.discourse import written
from prism.nlp.keywords import ROLES, cut_words, is_generic, top_keywords
from prism.nlp.vectors import cosine
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.records import Analysis, Briefing, BriefPick, Pick, PickKind, Quote, Section, Summary
from prism.summarize.base import Summarizer
from prism.write.base import writers

HEADING_CHARS = 20
THEMES = 3
SECTION_SENTENCES = 3  # of a theme's 관심 story
JOINED_SENTENCES = 2  # of each story joining a theme
THEME_SENTENCES = 5  # in all
MIN_SECTION_SENTENCES = 2
LEAD_EXTRA = 1  # sentences of the first 관심 story in the lead after its main point
# Cosine of two stories' TF-IDF vectors from which they make one theme: two 관심 stories, or a 참고 story
# joining a 관심 one.
MERGE_SIMILARITY = 0.2
JOIN_SIMILARITY = 0.2


# What `compose` took from an article after its 핵심 요약, made once and given again (an article's shared
# piece): (the sentence indices excluded, how many were asked for, the quotes taken).
Taken = tuple[tuple[int, ...], int, tuple["Quote", ...]]


class _Allocator:
    """Hands out sentences so none is used twice in a part of the edition (by index, and by text across
    articles); what was taken before under the same exclusions (`ahead`) is handed out again as it was."""

    def __init__(self, summarizer: Summarizer) -> None:
        self.summarizer = summarizer
        self.used: dict[int, set[int]] = {}
        self.texts: set[str] = set()
        self.ahead: dict[int, Sequence[Taken]] = {}

    def excluded(self, article_id: int, analysis: Analysis) -> set[int]:
        taken = set(self.used.get(article_id, set()))
        taken.update(s.index for s in analysis.sentences if written(s) in self.texts)
        return taken

    def keep(self, quotes: Sequence[Quote]) -> None:
        """Mark sentences given from elsewhere (an article's shared 핵심 요약) as used."""
        for quote in quotes:
            indices = [i for _, i in quote.sources] or [quote.index]
            self.used.setdefault(quote.article_id, set()).update(indices)
            self.texts.add(quote.text)

    def take(
        self, article_id: int, analysis: Analysis, sentences: int, max_chars: int | None = None
    ) -> Summary:
        excluded = self.excluded(article_id, analysis)
        found = next(
            (
                quotes
                for before, count, quotes in self.ahead.get(article_id, ())
                if count == sentences and max_chars is None and set(before) == excluded
            ),
            None,
        )
        if found is not None:
            summary = Summary(tuple(q.text for q in found), tuple(q.index for q in found))
        else:
            summary = self.summarizer.summarize(
                analysis, sentences=sentences, max_chars=max_chars, exclude=excluded
            )
        self.used.setdefault(article_id, set()).update(summary.source_indices)
        self.texts.update(summary.sentences)
        return summary


def taken_ahead(
    analysis: Analysis, summary: Sequence[Quote], summarizer: Summarizer, article_id: int
) -> tuple[Taken, ...]:
    """Return what `compose` takes from an article after its 핵심 요약 `summary`, in each role the article
    may have in an edition: the lead's extra sentence and then a theme's first sentences (the first 관심
    story), a theme's first sentences (another 관심 story), and a joining story's sentences (one, where
    a theme has room for one only, is the lead's extra)."""
    allocator = _Allocator(summarizer)
    allocator.keep(summary)
    start = {k: set(v) for k, v in allocator.used.items()}
    taken: list[Taken] = []

    def take(sentences: int) -> tuple[Quote, ...]:
        before = tuple(sorted(allocator.excluded(article_id, analysis)))
        quotes = _quotes(allocator.take(article_id, analysis, sentences), article_id)
        taken.append((before, sentences, quotes))
        return quotes

    take(LEAD_EXTRA)
    take(SECTION_SENTENCES)
    for sentences in (SECTION_SENTENCES, JOINED_SENTENCES):
        allocator.used = {k: set(v) for k, v in start.items()}
        allocator.texts = {q.text for q in summary}
        take(sentences)
    return tuple(taken)


def _quotes(summary: Summary, article_id: int) -> tuple[Quote, ...]:
    return tuple(
        Quote(text=text, article_id=article_id, index=index)
        for text, index in zip(summary.sentences, summary.source_indices, strict=True)
    )


def heading(candidates: Sequence[tuple[str, float]], titles: Sequence[str]) -> str:
    """Return the best-weighted candidate of at most 20 characters (never two keywords joined); without
    one, the first title, shortened."""
    fitting = [(term, weight) for term, weight in candidates if 0 < len(term) <= HEADING_CHARS]
    if fitting:
        return max(fitting, key=lambda item: item[1])[0]
    title = titles[0] if titles else ""
    return title[: HEADING_CHARS - 1].rstrip() + "…" if len(title) > HEADING_CHARS else title


def _title_weighted(keyphrases: Sequence[tuple[str, float]], title: str) -> list[tuple[str, float]]:
    """Keyphrases with those the title names counting double: an edition's keywords should be what its
    stories are about, not words they share in passing."""
    squeezed = title.replace(" ", "")
    return [
        (term, weight * (2.0 if term.replace(" ", "") in squeezed else 1.0)) for term, weight in keyphrases
    ]


def _similarity(pool: Pool, i: int, j: int) -> float:
    """Return the cosine of two pool articles' TF-IDF vectors."""
    a, b = (pool.vectors.row(pool.text_row(k)) for k in (i, j))
    return cosine(
        dict(zip(*(x.tolist() for x in a), strict=True)), dict(zip(*(x.tolist() for x in b), strict=True))
    )


def themes(picks: Sequence[Pick], pool: Pool) -> list[list[Pick]]:
    """Group an edition's stories into at most three themes, each led by a 관심 story: 관심 stories about
    one subject make one theme, and a 참고 story joins the theme it is closest to when close enough."""
    groups: list[list[Pick]] = []
    for pick in (p for p in picks if p.kind == "interest"):
        closest = max(groups, key=lambda group: _similarity(pool, group[0].index, pick.index), default=None)
        if closest is not None and _similarity(pool, closest[0].index, pick.index) >= MERGE_SIMILARITY:
            closest.append(pick)
        else:
            groups.append([pick])
    groups = groups[:THEMES]
    for pick in (p for p in picks if p.kind == "reference"):
        scored = [(max(_similarity(pool, q.index, pick.index) for q in group), group) for group in groups]
        best = max(scored, key=lambda item: item[0], default=None)
        if best is not None and best[0] >= JOIN_SIMILARITY:
            best[1].append(pick)
    return groups


def _theme_heading(group: Sequence[Pick], pool: Pool, analyses: Mapping[int, Analysis]) -> str:
    """Return the heading of a theme: the noun phrase its articles say most about.

    A candidate is a run of 2–3 nouns (a `Sentence.phrases` entry) said at least twice in the theme's
    articles and titles; it weighs what its words weigh as the articles' keyphrases times the log of its
    count, more when it spans several articles or a title says it. Without one, the theme's strongest
    keyphrase.
    """
    counts: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    words: dict[str, float] = defaultdict(float)
    titles = [pool.titles[p.index] for p in group]
    squeezed = [title.replace(" ", "") for title in titles]
    for pick in group:
        said = Counter(phrase for s in analyses[pick.article_id].sentences for phrase in s.phrases)
        counts.update(said)
        spread.update(said.keys())
        for term, weight in pool.keyphrases_of(pick.index):
            for word in term.split():
                words[word] += weight
    weights: dict[str, float] = {}
    for phrase, count in counts.items():
        in_title = any(phrase.replace(" ", "") in title for title in squeezed)
        if count + in_title < 2 or not _reads_as_heading(phrase):
            continue
        parts = phrase.split()
        weight = sum(words.get(word, 0.0) for word in parts) * math.log1p(count + in_title)
        # The titles say what the stories are about: a phrase naming none of their words is likely a
        # side detail (제일모직 합병 in a story on 엘리엇 and 현대차).
        titled = sum(1 for word in parts if any(word in title for title in squeezed)) / len(parts)
        weights[phrase] = (
            weight * (1.0 + 0.5 * (spread[phrase] - 1)) * (1.5 if in_title else 1.0) * (0.5 + titled)
        )
    if not weights:
        for pick in group:
            for term, weight in pool.keyphrases_of(pick.index):
                if is_generic(term):
                    continue
                in_title = any(term.replace(" ", "") in title for title in squeezed)
                weights[term] = weights.get(term, 0.0) + weight * (1.5 if in_title else 1.0)
    return heading(list(weights.items()), titles)


def _reads_as_heading(phrase: str) -> bool:
    """Return False for phrases a heading must not be: with a number, a one-letter word or a lowercase
    Latin word (vs), or ending in a job title (an attribution: 노민선 중기연구원 위원)."""
    words = phrase.split()
    return (
        not any(ch.isdigit() for ch in phrase)
        and all(len(word) >= 2 and not word.islower() for word in words)
        and words[-1] not in ROLES
        and not is_generic(phrase)
    )


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
    given: Mapping[int, tuple[tuple[Quote, ...], Sequence[Taken]]] | None = None,
) -> Briefing:
    """Build the edition of `picks` (관심 first, then 참고) for a persona and date. `given` are what was
    made before for an article (its shared piece), by article id: its 핵심 요약, used unless a sentence of
    it is already in an earlier pick's, and what is taken from it after (`taken_ahead`)."""
    by_article = {pick.article_id: analyses[pool.content_hash(pick.index)] for pick in picks}
    allocator = _Allocator(summarizer)
    summaries: dict[int, tuple[Quote, ...]] = {}
    for pick in picks:
        made, ahead = (given or {}).get(pick.article_id, ((), ()))
        if made and not any(q.text in allocator.texts for q in made):
            allocator.keep(made)
            allocator.ahead[pick.article_id] = ahead
            summaries[pick.article_id] = made
            continue
        summary = allocator.take(
            pick.article_id, by_article[pick.article_id], settings.summary_sentences, settings.summary_chars
        )
        summaries[pick.article_id] = _quotes(summary, pick.article_id)

    interest = [p for p in picks if p.kind == "interest"]
    lead: list[tuple[Quote, ...]] = []
    if interest:
        first = interest[0]
        main = summaries[first.article_id][:1]
        extra = _quotes(
            allocator.take(first.article_id, by_article[first.article_id], LEAD_EXTRA), first.article_id
        )
        lead.append(tuple(sorted((*main, *extra), key=lambda q: q.index)))
        lead.append(tuple(itertools.chain.from_iterable(summaries[p.article_id][:1] for p in interest[1:])))
    lead = [paragraph for paragraph in lead if paragraph]

    sections = [
        section
        for group in themes(picks, pool)
        if (section := _theme_section(group, pool, by_article, allocator)) is not None
    ]
    shown = [_brief_pick(pick, pool, summaries[pick.article_id]) for pick in picks]
    keywords = top_keywords(
        [_title_weighted(pool.keyphrases_of(p.index), pool.titles[p.index]) for p in picks],
        k=5,
        exclude=set().union(*(cut_words(analysis) for analysis in by_article.values())),
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


def _theme_section(
    group: Sequence[Pick], pool: Pool, analyses: Mapping[int, Analysis], allocator: _Allocator
) -> Section | None:
    """Return the ■ section of a theme: sentences no other part of the edition uses, its 관심 story's
    first, then those of the stories that joined it; None with fewer than two to give (one sentence
    under a heading is not a section)."""
    sentences: list[Quote] = []
    for position, pick in enumerate(group):
        wanted = SECTION_SENTENCES if position == 0 else JOINED_SENTENCES
        wanted = min(wanted, THEME_SENTENCES - len(sentences))
        if wanted <= 0:
            break
        taken = allocator.take(pick.article_id, analyses[pick.article_id], wanted)
        sentences.extend(_quotes(taken, pick.article_id))
    if len(sentences) < MIN_SECTION_SENTENCES:
        return None
    shown = [p for p in group if any(q.article_id == p.article_id for q in sentences)]
    return Section(
        heading=_theme_heading(shown, pool, analyses),
        sentences=tuple(sentences),
        article_ids=tuple(p.article_id for p in shown),
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
    and, where the old story led a ■ section, that section come from the new article; the old article's
    sentences leave the lead and the sections it joined."""
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
        if section.article_ids[:1] == (old_article_id,):
            rebuilt = _theme_section([pick], pool, {pick.article_id: analysis}, allocator)
            if rebuilt is not None:
                sections.append(rebuilt)
        elif old_article_id in section.article_ids:
            sections.append(_without(section, old_article_id))
        else:
            sections.append(section)
    lead = tuple(tuple(q for q in paragraph if q.article_id != old_article_id) for paragraph in briefing.lead)
    return dataclasses.replace(
        briefing,
        picks=tuple(new if p.article_id == old_article_id else p for p in briefing.picks),
        sections=tuple(sections),
        lead=tuple(paragraph for paragraph in lead if paragraph),
    )


def _without(section: Section, article_id: int) -> Section:
    """Return a section without one of the stories that joined its theme."""
    return dataclasses.replace(
        section,
        sentences=tuple(q for q in section.sentences if q.article_id != article_id),
        article_ids=tuple(a for a in section.article_ids if a != article_id),
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

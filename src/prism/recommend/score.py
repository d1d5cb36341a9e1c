"""Scoring: what a reader type asks for, and every article's score for it.

score = relevance × topic prior × story importance × freshness. Relevance is BM25 (prism.recommend.bm25)
of the persona's weighted interest terms, widened by Kiwi's most similar morphemes, less a share of the
BM25 of its negative terms, and tilted towards (or away from) a reader's feedback. Apart from the
widening, these are plain functions over arrays: per distinct text, or per article (`text_of` maps one
to the other).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from prism.recommend import facets
from prism.recommend.bm25 import BM25
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TOPIC_POWER = 0.5  # how strongly topic priors weigh in
NEGATIVE = 0.5  # how much negative-term BM25 takes off relevance
EXPAND_TOP = 5  # similar morphemes per interest term
EXPAND_WEIGHT = 0.35  # their weight, relative to the term's, times Kiwi's similarity
FRESHNESS_HALF_LIFE_H = 24.0
# A reader's feedback vector (see prism.recommend.profile) reweights relevance: ×exp(FEEDBACK_TILT × cos)
# for what they liked or disliked, plus FEEDBACK_PULL × the pool's best relevance × cos for articles
# like their 👍 that their reader type alone would not surface.
FEEDBACK_TILT = 2.0
FEEDBACK_PULL = 1.0
# The relevance floor, in the persona file's weight units (3 = core interest): an article clears it when
# its interests, each counted by how often the article says it (twice = in full; the title counts half),
# add up to FLOOR: a related interest (1) said twice, a core one (3) said once. An interest that is only a
# name (중소벤처기업부, 구글) counts NAME_SHARE of its weight: a story that merely names an agency or a
# company is not about the reader's interest (중소벤처기업부 said twice and in the title: 0.6 + 0.3).
# The sum is weighed by the reader type's welcome of the story's section (topics, 0–1). Held out
# (docs/recommend.md) this floor keeps every story judged 2 and drops a fifth of the unwanted picks.
FLOOR = 1.0
NAME_SHARE = 0.2
TITLE_MENTION = 0.5
FLOOR_BY_SECTION = True
MENTION_SHARE = 1.0


@lru_cache(maxsize=8192)  # every persona's terms stay warm
def _similar(term: str) -> tuple[tuple[str, float], ...]:
    """Return Kiwi's most similar morphemes of a one-word term (empty for phrases or unknown words)."""
    if " " in term:
        return ()
    from prism.nlp.korean import kiwi

    try:
        found = kiwi().most_similar_morphemes(term, top_n=EXPAND_TOP)
    except (ValueError, RuntimeError):
        return ()
    return tuple((m.form, float(m.score)) for m in found if m.tag.startswith("NN") and len(m.form) > 1)


# Words a description frames its interests with ("…의 동향과 움직임에 관심이 많다"), not interests.
DESCRIPTION_FRAME = frozenset(
    {"관심", "동향", "움직임", "흐름", "변화", "소식", "뉴스", "정보", "이슈", "분야"}
)


@lru_cache(maxsize=256)
def described(description: str) -> tuple[str, ...]:
    """Return the nouns (two syllables or more, not generic, no digits, not the description's frame) and
    noun phrases of a reader type's description: what its writer says the reader cares about."""
    from prism.nlp.keywords import is_generic
    from prism.nlp.korean import analyze

    found: dict[str, None] = {}
    for sentence in analyze("", description).sentences:
        for noun in sentence.nouns:
            if (
                len(noun) >= 2
                and noun not in DESCRIPTION_FRAME
                and not is_generic(noun)
                and not any(c.isdigit() for c in noun)
            ):
                found[noun] = None
        for phrase in sentence.phrases:
            words = phrase.split(" ")
            while words and words[-1] in DESCRIPTION_FRAME:  # 스마트팜 지원 동향 → 스마트팜 지원
                words.pop()
            if len(words) >= 2:
                found[" ".join(words)] = None
    return tuple(found)


def expanded_interests(persona: Persona) -> dict[str, float]:
    """Return the persona's interests, widened by the facets they and its description switch on, and
    by Kiwi's similar morphemes when the persona allows it."""
    terms = dict(persona.interests)
    if persona.facets:
        terms = facets.widened(terms, described=described(persona.description), negative=persona.negative)
    if not persona.expand:
        return terms
    for term, weight in persona.interests.items():
        for similar, score in _similar(term):
            if similar not in persona.interests and similar not in persona.negative:
                terms[similar] = max(terms.get(similar, 0.0), weight * EXPAND_WEIGHT * score)
    return terms


def freshness(times: FloatArray, now: float | None = None) -> FloatArray:
    """Return 0.5 + 0.5 · 2^(−age / half-life) of every article, aged at `now` or the latest time."""
    latest = float(times.max()) if len(times) else 0.0
    age_h = (max(now or latest, latest) - times) / 3600.0
    return 0.5 + 0.5 * np.exp2(-np.maximum(age_h, 0.0) / FRESHNESS_HALF_LIFE_H)


def penalized(relevance: FloatArray, penalty: FloatArray) -> FloatArray:
    """Return relevance less NEGATIVE × the negative terms' relevance, never below 0."""
    return np.maximum(relevance - NEGATIVE * penalty, 0.0)


def feedback_similarity(pool: Pool, feedback: Mapping[str, float]) -> FloatArray:
    """Return the cosine of every distinct text's vector with a feedback vector (term → weight)."""
    index = pool.vocabulary.index
    dense = np.zeros(len(pool.vocabulary.terms))
    for term, weight in feedback.items():
        column = index.get(term)
        if column is not None:
            dense[column] = weight
    vectors = pool.vectors
    return np.bincount(
        vectors.row_ids(), weights=dense[vectors.indices] * vectors.data, minlength=pool.texts
    ).astype(np.float64)


def tilted(relevance: FloatArray, similarity: FloatArray) -> FloatArray:
    """Return relevance reweighted by each text's similarity to a reader's feedback vector."""
    top = float(relevance.max()) if len(relevance) else 0.0
    return relevance * np.exp(FEEDBACK_TILT * similarity) + FEEDBACK_PULL * top * np.maximum(similarity, 0.0)


def topic_prior(persona: Persona, topics: list[str | None]) -> FloatArray:
    """Return the persona's weight of every text's topic, softened by TOPIC_POWER."""
    return np.asarray([persona.topic_weight(topic or "") for topic in topics]) ** TOPIC_POWER


def combined(
    relevance: FloatArray,
    prior: FloatArray,
    text_of: IntArray,
    importance: FloatArray,
    fresh: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Return (score, relevance) of every article from per-text relevance and topic prior and
    per-article story importance and freshness."""
    per_article = relevance[text_of]
    return per_article * prior[text_of] * importance * fresh, per_article


@lru_cache(maxsize=65536)  # the pool's words an interest is found inside, too
def is_name(term: str) -> bool:
    """Return True for an interest that is only a name: Kiwi tags all its nouns proper (구글, 네이버), or
    it ends like an agency (중소벤처기업부, 금융위원회, 한국은행)."""
    from prism.nlp.korean import analyze

    if _AGENCY.search(term) and len(term) >= 3:
        return True
    sentences = analyze("", term).sentences
    tags = [tag for s in sentences for tag in s.tags if tag.startswith(("NN", "SL", "SH"))]
    return bool(tags) and all(tag in ("NNP", "SL", "SH") for tag in tags)


_AGENCY = re.compile(r"(?:부|처|청|위원회|은행|공사|공단|협회|그룹|전자|증권|중기부)$")


def match_strength(bm25: BM25, terms: Mapping[str, float]) -> FloatArray:
    """Return, per distinct text, how strongly it is about the weighted `terms` (see FLOOR).

    Each word of the pool counts once, with the strongest interest it matches: 벤처 and 벤처기업 both
    found inside 중소벤처기업부 do not add up.
    """
    pool = bm25.pool_
    vocabulary = pool.vocabulary.terms
    best: dict[int, float] = {}
    for term, weight in terms.items():
        named = is_name(term)
        for column, matched in bm25.match({term: weight}).items():
            # A name counts for little, whether the interest is one or is found inside one (벤처 in
            # 중소벤처기업부; only a longer word can be a name the interest is not).
            inside = matched < weight and is_name(vocabulary[column])
            value = matched * (NAME_SHARE if named or inside else 1.0)
            best[column] = max(best.get(column, 0.0), value)
    strength = np.zeros(pool.texts)
    for column, value in best.items():
        rows, counts = bm25.by_term_.row(column)
        said = value * np.minimum(1.0, counts / 2.0)
        if (
            MENTION_SHARE < 1.0
        ):  # a word the text is not about (not a keyphrase, not in the title) counts less
            about = np.zeros(pool.texts, dtype=bool)
            about[bm25.about_by_term_.row(column)[0]] = True
            about[bm25.title_by_term_.row(column)[0]] = True
            said = np.where(about[rows], said, said * MENTION_SHARE)
        np.add.at(strength, rows, said)
        titled, _ = bm25.title_by_term_.row(column)
        np.add.at(strength, titled, value * TITLE_MENTION)
    return strength


def floor_strength(bm25: BM25, terms: Mapping[str, float], persona: Persona) -> FloatArray:
    """Return, per distinct text, the strength FLOOR is compared with: `match_strength`, weighed by how
    welcome the text's section is to the reader type (two mentions of 건강 clear a retiree's floor in the
    economy section, not in a sports story) unless FLOOR_BY_SECTION is off."""
    strength = match_strength(bm25, terms)
    if FLOOR_BY_SECTION:
        strength = strength * np.asarray([persona.topic_weight(topic or "") for topic in bm25.pool_.topics])
    return strength


def economic(topics: list[str | None]) -> npt.NDArray[np.bool_]:
    """Return True for a text of the economy section: what fills 참고 when too few stories clear a reader
    type's floor is the day's important economic news, and nothing else (no health or sports filler)."""
    return np.asarray([topic == "경제" for topic in topics], dtype=bool)

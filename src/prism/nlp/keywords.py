"""Keyphrases of an article, and the keywords of a set of articles (an edition's 키워드 TOP 5).

Candidates are compound nouns and noun phrases (2–3 nouns apart by one space). Weights favour what the
title and lead say and what is specific: a longer compound or phrase beats the generic word inside it,
and no keyword is kept inside another (46파이 배터리, not also 46파이 or 배터리).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib.resources import files

import numpy as np

from prism.nlp.vectors import log_of_counts, rarity
from prism.records import Analysis

MIN_CHARS = 2
PHRASE_BONUS = 1.3  # a concept phrase (경량 AI 모델) over a single word of the same weight
# 명사 파생 접미사 (noun-deriving suffixes, XSN) and 접두사 (prefixes, XPN) after a noun: the noun is part of
# a longer word. 들 (plural) leaves the noun whole.
_AFFIXES = frozenset({"XSN", "XPN"})
_PLURAL = frozenset({"들"})
_NOUN_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SH", "SN"})
REPLACE_RATIO = 0.8
LEAD_SENTENCES = 3
# An amount (620억, 4,120선, 6.8%, 52.17포인트) is a fact, not a keyword; 46파이 or HBM4 are names.
_AMOUNT = re.compile(r"^[\d.,∼~-]+(?:[%가-힣]|포인트|달러|억원|만원|조원|개월|가구|GWh|MW|kg|km)?$")
# With digits, what an amount can start with: most words are not tried against _AMOUNT.
_AMOUNT_START = frozenset(".,∼~-")
# A phrase ending in a job title is an attribution (김도윤 새봄증권 연구원), not a topic.
ROLES = frozenset(
    (
        "연구원",
        "애널리스트",
        "대표",
        "위원장",
        "장관",
        "총재",
        "회장",
        "사장",
        "교수",
        "부장",
        "팀장",
        "센터장",
        "본부장",
        "실장",
        "차관",
        "의원",
        "원장",
        "이사",
    )
)


def keyphrases(analysis: Analysis, *, k: int = 10) -> list[tuple[str, float]]:
    """Return up to `k` (keyphrase, weight) pairs of one article, best first; weights sum to 1."""
    sentences = analysis.sentences
    counts = Counter(itertools.chain.from_iterable([s.nouns for s in sentences]))
    counts.update(itertools.chain.from_iterable([s.phrases for s in sentences]))
    if not counts:
        return []
    # weight = log1p(count) × rarity × specificity, × 1.6 when the title says it, × 1.2 when the lead
    # does; (nan, nan) priors mark what cannot be a keyphrase.
    terms = list(counts)
    priors = np.array([_prior(term) for term in terms])
    weights = log_of_counts(counts.values(), plus_one=True) * priors[:, 0] * priors[:, 1]
    position = dict(zip(terms, range(len(terms)), strict=True))
    headline_text = " ".join(analysis.title_nouns)
    in_headline = {*analysis.title_nouns, *(term for term in terms if " " in term and term in headline_text)}
    weights[[position[term] for term in in_headline if term in position]] *= 1.6
    lead = sentences[:LEAD_SENTENCES]  # sentence indices count from 0 without gaps
    early = {*itertools.chain.from_iterable([s.nouns for s in lead])}
    early.update(itertools.chain.from_iterable([s.phrases for s in lead]))
    weights[[position[term] for term in early]] *= 1.2
    # Only the strongest few can make the list (ties keep the article's order, as a stable sort does).
    candidates = np.flatnonzero(~np.isnan(weights))
    strongest = candidates[np.argsort(-weights[candidates], kind="stable")[: k * 6]]
    chosen = distinct(dict(zip([terms[i] for i in strongest], weights[strongest].tolist(), strict=True)), k=k)
    total = sum(weight for _, weight in chosen) or 1.0
    return [(term, weight / total) for term, weight in chosen]


def top_keywords(
    articles: Iterable[Sequence[tuple[str, float]]],
    *,
    k: int = 5,
    per_article: int = 2,
    exclude: Collection[str] = (),
) -> list[str]:
    """Return the `k` keywords of a set of articles from their keyphrases, spread over the articles
    (at most `per_article` from one): shared ones rank higher, phrases (46파이 배터리) above single
    words, and generic words (가격, 초기) and the terms in `exclude` (say, words Kiwi cut short) never."""
    summed: dict[str, float] = defaultdict(float)
    spread: Counter[str] = Counter()
    owner: dict[str, tuple[float, int]] = {}  # the article a term weighs most in
    for number, phrases in enumerate(articles):
        for term, weight in phrases:
            if term in exclude or is_generic(term):
                continue
            summed[term] += weight
            spread[term] += 1
            if weight > owner.get(term, (-1.0, -1))[0]:
                owner[term] = (weight, number)
    weights = {
        term: weight * (1.0 + 0.5 * (spread[term] - 1)) * (PHRASE_BONUS if " " in term else 1.0)
        for term, weight in summed.items()
    }
    # Over-ask, then keep at most `per_article` of each article's, in weight order.
    chosen: list[str] = []
    taken: Counter[int] = Counter()
    for term, _ in distinct(weights, k=len(weights)):
        article = owner[term][1]
        if taken[article] < per_article:
            chosen.append(term)
            taken[article] += 1
        if len(chosen) == k:
            break
    return chosen


def is_generic(term: str) -> bool:
    """Return True when every word of `term` is a generic noun (data/generic.txt)."""
    words = generic_words()
    return all(word in words for word in term.split())


@cache
def generic_words() -> frozenset[str]:
    """Return the nouns that name no subject on their own (data/generic.txt)."""
    text = (files("prism") / "data" / "generic.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() for word in line.split("#", 1)[0].split())


def cut_words(analysis: Analysis) -> set[str]:
    """Return the nouns Kiwi cut from a longer word in most of their uses: those a derivational affix
    follows (노동생산 of 노동생산성, 이용 of 이용률) or a prefix tag wrongly follows (김용 of 김용범)."""
    cut: Counter[str] = Counter()
    for sentence in analysis.sentences:
        tags, forms = sentence.tags, sentence.lemmas
        for i in range(1, len(tags)):
            if tags[i] not in _AFFIXES or forms[i] in _PLURAL or tags[i - 1] not in _NOUN_TAGS:
                continue
            start = i
            while start > 0 and tags[start - 1] in _NOUN_TAGS:
                start -= 1
            cut.update({"".join(forms[j:i]) for j in range(start, i)})
    said = Counter(itertools.chain.from_iterable([s.nouns for s in analysis.sentences]))
    return {term for term, times in cut.items() if 2 * times >= said.get(term, 0)}


def distinct(weights: Mapping[str, float], *, k: int) -> list[tuple[str, float]]:
    """Return the `k` best terms such that none contains another; a specific term replaces a generic
    one inside it when nearly as strong (then most of the generic's weight came from inside it)."""
    chosen: dict[str, float] = {}  # in the order chosen
    joined = ""  # the chosen terms, one per line: one substring search tells if any holds a term
    # Strongest first; on a tie the longer term, then alphabetical order (terms are distinct keys).
    for term, weight in sorted(weights.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
        if len(chosen) >= k and weight < REPLACE_RATIO * min(chosen.values()):
            break  # the list is full and, weights falling, no term that follows can replace one in it
        if term in joined:
            continue  # a more specific term that holds this one is already in
        holds = [held for held in chosen if held in term]
        if holds:
            strongest = max(chosen[held] for held in holds)
            if weight < REPLACE_RATIO * strongest:
                continue
            for held in holds:
                del chosen[held]
            chosen[term] = max(weight, strongest)
        elif len(chosen) < k:
            chosen[term] = weight
        else:
            continue
        joined = "\n".join(chosen)
    return sorted(chosen.items(), key=lambda item: -item[1])[:k]


def _is_amount(word: str) -> bool:
    first = word[:1]
    return (first.isdigit() or first in _AMOUNT_START) and _AMOUNT.match(word) is not None


_NOT_A_KEYPHRASE = (math.nan, math.nan)


@lru_cache(maxsize=200_000)  # terms repeat across articles; bounded for long-lived servers
def _prior(term: str) -> tuple[float, float]:
    """Return (rarity, specificity) of a keyphrase candidate, or (nan, nan) when it cannot be a keyphrase:
    too short, an amount, or an attribution ending in a job title."""
    if len(term) < MIN_CHARS:
        return _NOT_A_KEYPHRASE
    if " " in term:
        words = term.split(" ")
        if words[-1] in ROLES or any(_is_amount(word) for word in words):
            return _NOT_A_KEYPHRASE
    elif _is_amount(term):
        return _NOT_A_KEYPHRASE
    else:
        words = [term]
    # Longer names and phrases say more (a phrase gains a quarter per extra word).
    specificity = (1.0 + 0.05 * min(len(term) - len(words) + 1, 8)) * (1.0 + 0.25 * (len(words) - 1))
    return rarity(term), specificity

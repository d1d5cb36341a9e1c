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
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from prism.nlp.korean import Analysis
from prism.nlp.vectors import rarity

MIN_CHARS = 2
REPLACE_RATIO = 0.8
LEAD_SENTENCES = 3
# An amount (620억, 4,120선, 6.8%, 52.17포인트) is a fact, not a keyword; 46파이 or HBM4 are names.
_AMOUNT = re.compile(r"^[\d.,∼~-]+(?:[%가-힣]|포인트|달러|억원|만원|조원|개월|가구|GWh|MW|kg|km)?$")
_AMOUNT_START = frozenset(".,∼~-")  # with digits, what an amount can start with: most words are not tried
# A phrase ending in a job title is an attribution (김도윤 새봄증권 연구원), not a topic.
_ROLES = frozenset(
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
    lead = sentences[:LEAD_SENTENCES]  # sentence indices count from 0 without gaps
    early = {*itertools.chain.from_iterable([s.nouns for s in lead])}
    early.update(itertools.chain.from_iterable([s.phrases for s in lead]))
    headline = set(analysis.title_nouns)
    headline_text = " ".join(analysis.title_nouns)
    log1p = math.log1p
    weights = {}
    for term, count in counts.items():
        prior = _prior(term)
        if prior is None:
            continue
        weight = log1p(count) * prior[0] * prior[1]
        if term in headline or (" " in term and term in headline_text):
            weight *= 1.6
        if term in early:
            weight *= 1.2
        weights[term] = weight
    # Only the strongest few can make the list; sorting hundreds of one-off words costs time for nothing.
    strongest = {
        term: weights[term] for term in sorted(weights, key=weights.__getitem__, reverse=True)[: k * 6]
    }
    chosen = distinct(strongest, k=k)
    total = sum(weight for _, weight in chosen) or 1.0
    return [(term, weight / total) for term, weight in chosen]


def top_keywords(articles: Iterable[Sequence[tuple[str, float]]], *, k: int = 5) -> list[str]:
    """Return the `k` keywords of a set of articles from their keyphrases; shared ones rank higher."""
    summed: dict[str, float] = defaultdict(float)
    spread: Counter[str] = Counter()
    for phrases in articles:
        for term, weight in phrases:
            summed[term] += weight
            spread[term] += 1
    weights = {term: weight * (1.0 + 0.5 * (spread[term] - 1)) for term, weight in summed.items()}
    return [term for term, _ in distinct(weights, k=k)]


def distinct(weights: Mapping[str, float], *, k: int) -> list[tuple[str, float]]:
    """Return the `k` best terms such that none contains another; a specific term replaces a generic
    one inside it when nearly as strong (then most of the generic's weight came from inside it)."""
    chosen: list[tuple[str, float]] = []
    joined = ""  # the chosen terms, one per line: one substring search tells if any may hold a term
    for term, weight in sorted(weights.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
        if term in joined and any(term in held and term != held for held, _ in chosen):
            continue  # a more specific term that holds this one is already in
        holds = [c for c in chosen if c[0] in term and c[0] != term]
        if holds:
            if weight >= REPLACE_RATIO * max(w for _, w in holds):
                chosen = [c for c in chosen if c not in holds]
                chosen.append((term, max(weight, *(w for _, w in holds))))
            else:
                continue
        elif len(chosen) < k:
            chosen.append((term, weight))
        else:
            continue
        joined = "\n".join(held for held, _ in chosen)
    chosen.sort(key=lambda item: -item[1])
    return chosen[:k]


def _is_amount(word: str) -> bool:
    first = word[:1]
    return (first.isdigit() or first in _AMOUNT_START) and _AMOUNT.match(word) is not None


@lru_cache(maxsize=200_000)  # terms repeat across articles; bounded for long-lived servers
def _prior(term: str) -> tuple[float, float] | None:
    """Return (rarity, specificity) of a keyphrase candidate, or None when it cannot be a keyphrase: too
    short, an amount, or an attribution ending in a job title."""
    if len(term) < MIN_CHARS:
        return None
    if " " in term:
        words = term.split(" ")
        if words[-1] in _ROLES or any(_is_amount(word) for word in words):
            return None
    elif _is_amount(term):
        return None
    else:
        words = [term]
    # Longer names and phrases say more (a phrase gains a quarter per extra word).
    specificity = (1.0 + 0.05 * min(len(term) - len(words) + 1, 8)) * (1.0 + 0.25 * (len(words) - 1))
    return rarity(term), specificity

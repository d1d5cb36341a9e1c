"""Extractive 핵심 요약: the article's own sentences, chosen for centrality, position, title and keyphrases.

Scores combine five signals over TF-IDF vectors of each sentence's content terms (IDF over the article's
own sentences): similarity to the whole article (centrality), similarity to the title and deck, an
early-position prior (news puts the gist first), coverage of the article's keyphrases, and brevity.
Sentences are then picked
greedily, each penalised by its similarity to those already picked (maximal marginal relevance), within
a character budget, and returned in the article's order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence

from prism.nlp.discourse import is_spoken, leans_back
from prism.nlp.keywords import keyphrases
from prism.nlp.korean import analyze
from prism.nlp.vectors import Vector, cosine
from prism.records import Analysis, Sentence, Summary
from prism.summarize.base import DEFAULT_SENTENCES, summarizers

# Weights of the five signals; each signal is scaled to [0, 1] within the article first. Position
# counts full sentences only (decks and bylines do not push the lead down); brevity prefers the concise
# sentence an editor would keep over a long one saying the same.
CENTRALITY, TITLE, POSITION, KEYPHRASES, BREVITY = 0.3, 0.2, 0.4, 0.1, 0.2
BREVITY_CHARS = 100
POSITION_DECAY = 1.0
REDUNDANCY = 0.6  # how much similarity to an already chosen sentence costs
TOO_SIMILAR = 0.75  # a sentence this close to a chosen one is never added
MIN_CHARS = 20  # shorter "sentences" are fragments
_QUOTE_ONLY = re.compile(r'^[“"‘\'「『].*[”"’\'」』][.!?]?$')


def summarize_text(
    title: str, body: str, *, sentences: int = DEFAULT_SENTENCES, max_chars: int | None = None
) -> Summary:
    """Analyse an article and summarize it."""
    return summarize(analyze(title, body), sentences=sentences, max_chars=max_chars)


def summarize(
    analysis: Analysis,
    *,
    sentences: int = DEFAULT_SENTENCES,
    max_chars: int | None = None,
    exclude: Collection[int] = (),
) -> Summary:
    """Return up to `sentences` of the article's sentences, at most `max_chars` characters in all;
    sentences whose index is in `exclude` (used elsewhere in an edition) are never chosen."""
    budget = max_chars if max_chars is not None else 150 * sentences
    candidates = [
        s for s in analysis.sentences if is_summary_worthy(s) and s.index not in exclude and not is_spoken(s)
    ]
    if not candidates:
        return Summary((), ())
    scores, vectors = _scores(analysis, candidates)
    # A sentence that leans on the one before it is shown only right after it: it may be chosen once
    # that sentence is.
    leaning = [leans_back(s) for s in candidates]
    chosen: list[int] = []
    used = 0
    remaining = set(range(len(candidates)))
    while remaining and len(chosen) < sentences:
        best, best_value = -1, -math.inf
        picked_indices = {candidates[j].index for j in chosen}
        for i in remaining:
            if leaning[i] and candidates[i].index - 1 not in picked_indices:
                continue
            overlap = max((cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            if overlap >= TOO_SIMILAR:
                continue
            value = scores[i] - REDUNDANCY * overlap
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        remaining.discard(best)
        length = len(candidates[best].text) + (1 if chosen else 0)
        if used + length > budget and chosen:
            continue  # too long for what is left of the budget; a shorter one may still fit
        chosen.append(best)
        used += length
    picked = sorted((candidates[i] for i in chosen), key=lambda s: s.index)
    return Summary(tuple(s.text for s in picked), tuple(s.index for s in picked))


def is_summary_worthy(sentence: Sentence) -> bool:
    """Return False for fragments (no sentence-final ending, too short), bare quotes and bylines."""
    text = sentence.text
    return (
        len(text) >= MIN_CHARS
        and sentence.is_statement
        and not _QUOTE_ONLY.match(text)
        and len(sentence.terms) >= 2
    )


def _scores(analysis: Analysis, candidates: Sequence[Sentence]) -> tuple[list[float], list[Vector]]:
    everything = analysis.sentences
    document_frequency = Counter(term for s in everything for term in set(s.terms))
    n = len(everything)

    def idf(term: str) -> float:
        return math.log((n + 1) / (document_frequency.get(term, 0) + 1)) + 1.0

    def vector(terms: Sequence[str]) -> Vector:
        counts = Counter(terms)
        weights = {t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    vectors = [vector(s.terms) for s in candidates]
    document = vector(analysis.terms)
    # Lines before the first full sentence are decks (subtitles): a second title, in effect.
    first = candidates[0].index
    deck = [term for s in everything if s.index < first for term in s.terms]
    title = vector([*analysis.title_terms, *deck])
    phrases = dict(keyphrases(analysis))  # weights already sum to 1
    centrality = [cosine(v, document) for v in vectors]
    to_title = [cosine(v, title) for v in vectors]
    position = [1.0 / (1.0 + rank) ** POSITION_DECAY for rank in range(len(candidates))]
    coverage = [sum(phrases.get(t, 0.0) for t in {*s.nouns, *s.phrases}) for s in candidates]
    brevity = [min(1.0, BREVITY_CHARS / max(1, len(s.text))) for s in candidates]
    signals = [
        (_scaled(brevity), BREVITY),
        (_scaled(centrality), CENTRALITY),
        (_scaled(to_title), TITLE),
        (_scaled(position), POSITION),
        (_scaled(coverage), KEYPHRASES),
    ]
    scores = [sum(weight * values[i] for values, weight in signals) for i in range(len(candidates))]
    return scores, vectors


def _scaled(values: Sequence[float]) -> list[float]:
    top = max(values, default=0.0)
    return [v / top for v in values] if top > 0 else [0.0 for _ in values]


@summarizers.register("extractive")
class Extractive:
    """Our extractive summarizer: the module's `summarize`."""

    summarize = staticmethod(summarize)

"""Extractive 핵심 요약: the article's own sentences, main point first, then the best of the rest.

The summary opens with the article's lead, its first full sentence (decks, bylines and fragments are
not sentences), where news puts its main point. The other sentences are scored on five signals over
TF-IDF vectors of each sentence's content terms (IDF over the article's own sentences): similarity to
the whole article (centrality), similarity to the title and deck, an early-position prior, coverage of
the article's keyphrases, and brevity. They are then picked greedily, each penalised by its similarity
to those already picked (maximal marginal relevance), within a character budget, and returned in the
article's order.

The constants are a `Weights`; the shipped ones were chosen by leave-one-dataset-out tuning
(`prism.evaluate.tune`, `scripts/tune_summaries.py`), never on the data they are scored on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from prism.nlp.discourse import is_spoken, leans_back, opens_unclosed_quote, written
from prism.nlp.keywords import keyphrases
from prism.nlp.korean import analyze
from prism.nlp.vectors import Vector, cosine
from prism.records import Analysis, Sentence, Summary
from prism.summarize.base import DEFAULT_SENTENCES, summarizers

# Bump when the sentences chosen for the same text and settings change (these constants, or the rules of
# prism.nlp.discourse): stored pieces and editions carry it in their digests and are made again.
SELECTION_VERSION = 3
BREVITY_CHARS = 100  # a sentence this short or shorter is as brief as can be
POSITION_DECAY = 1.0
TOO_SIMILAR = 0.75  # a sentence this close to a chosen one is never added
MIN_CHARS = 20  # shorter "sentences" are fragments
CHARS_PER_SENTENCE = 150  # the budget when none is given: this many characters a sentence
# A line ending in a quotation with no mark before its close: a headline's quoted words (…"영향 크다").
_HEADLINE_QUOTE = re.compile(r'[^.!?…\s][”"’\']$')
_QUOTE_ONLY = re.compile(r'^[“"‘\'「『].*[”"’\'」』][.!?]?$')


@dataclass(frozen=True, slots=True)
class Weights:
    """The summarizer's constants. Each signal is scaled to [0, 1] within the article before weighting.

    Position counts full sentences only (decks and bylines do not push the lead down); brevity prefers
    the concise sentence an editor would keep over a long one saying the same.
    """

    centrality: float = 0.2
    title: float = 0.0
    position: float = 0.8
    keyphrases: float = 0.2
    brevity: float = 0.2
    redundancy: float = 0.5  # how much similarity to an already chosen sentence costs
    lead_first: bool = True  # open with the lead sentence whenever it is not excluded
    # A sentence longer than this share of the budget crowds out the rest: skipped, unless it is the lead
    # (1.0: no such rule; the folds did not agree on one, see `prism.evaluate.tune`).
    long_share: float = 1.0


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Signals:
    """What the scores are made of, for one article: computed once, weighted by any `Weights`."""

    candidates: tuple[Sentence, ...]
    vectors: tuple[Vector, ...]
    centrality: tuple[float, ...]
    title: tuple[float, ...]
    position: tuple[float, ...]
    keyphrases: tuple[float, ...]
    brevity: tuple[float, ...]
    leaning: tuple[bool, ...]  # leans on the sentence before it (prism.nlp.discourse)
    lead: int | None  # the position in `candidates` of the article's lead sentence, if not excluded


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
    weights: Weights = WEIGHTS,
) -> Summary:
    """Return up to `sentences` of the article's sentences, at most `max_chars` characters in all;
    sentences whose index is in `exclude` (used elsewhere in an edition) are never chosen."""
    return choose(signals(analysis, exclude), weights, sentences=sentences, max_chars=max_chars)


def choose(
    signals: Signals, weights: Weights, *, sentences: int = DEFAULT_SENTENCES, max_chars: int | None = None
) -> Summary:
    """Return the summary `weights` pick from an article's `signals` (see `summarize`)."""
    candidates, vectors = signals.candidates, signals.vectors
    if not candidates:
        return Summary((), ())
    budget = max_chars if max_chars is not None else CHARS_PER_SENTENCE * sentences
    scores = _weighted(signals, weights)
    # A sentence that leans on the one before it is shown only right after it: it may be chosen once
    # that sentence is.
    leaning = signals.leaning
    chosen: list[int] = []
    used = 0
    remaining = set(range(len(candidates)))
    if weights.lead_first and signals.lead is not None and sentences > 0:
        chosen.append(signals.lead)
        used = len(candidates[signals.lead].text)
        remaining.discard(signals.lead)
    too_long = weights.long_share * budget
    while remaining and len(chosen) < sentences:
        best, best_value = -1, -math.inf
        picked_indices = {candidates[j].index for j in chosen}
        for i in remaining:
            if leaning[i] and candidates[i].index - 1 not in picked_indices:
                continue
            overlap = max((cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            if overlap >= TOO_SIMILAR:
                continue
            value = scores[i] - weights.redundancy * overlap
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        remaining.discard(best)
        length = len(candidates[best].text)
        if chosen and (used + 1 + length > budget or (length > too_long and best != signals.lead)):
            continue  # too long for what is left of the budget; a shorter one may still fit
        used += length + (1 if chosen else 0)
        chosen.append(best)
    picked = sorted((candidates[i] for i in chosen), key=lambda s: s.index)
    return Summary(tuple(written(s) for s in picked), tuple(s.index for s in picked))


def lead_sentence(analysis: Analysis) -> Sentence | None:
    """Return the article's lead: its first full sentence (not a deck, byline or fragment)."""
    return next((s for s in analysis.sentences if is_summary_worthy(s)), None)


def is_summary_worthy(sentence: Sentence) -> bool:
    """Return False for fragments (no sentence-final ending, too short), bare quotes and bylines."""
    text = sentence.text
    return (
        len(text) >= MIN_CHARS
        and sentence.is_statement
        and not _QUOTE_ONLY.match(text)
        and not _HEADLINE_QUOTE.search(text)
        and len(sentence.terms) >= 2
    )


def signals(analysis: Analysis, exclude: Collection[int] = ()) -> Signals:
    """Return the signals of the sentences that may be chosen (summary-worthy, not in `exclude`)."""
    # Speech in the speaker's own register (…요, 저는) never passes as the summary's voice, nor does half
    # a quotation. An article told wholly in a broadcast's register (…습니다) is summarized from those
    # sentences, each turned into the written register (`written`: the closing ending only).
    whole = [s for s in analysis.sentences if is_summary_worthy(s) and not opens_unclosed_quote(s)]
    worthy = [s for s in whole if not is_spoken(s)] or [s for s in whole if written(s) != s.text]
    candidates = tuple(s for s in worthy if s.index not in exclude)
    if not candidates:
        return Signals((), (), (), (), (), (), (), (), None)
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

    vectors = tuple(vector(s.terms) for s in candidates)
    document = vector(analysis.terms)
    # Lines before the first full sentence are decks (subtitles): a second title, in effect.
    first = worthy[0].index
    deck = [term for s in everything if s.index < first for term in s.terms]
    title = vector([*analysis.title_terms, *deck])
    phrases = dict(keyphrases(analysis))  # weights already sum to 1
    return Signals(
        candidates=candidates,
        vectors=vectors,
        centrality=_scaled([cosine(v, document) for v in vectors]),
        title=_scaled([cosine(v, title) for v in vectors]),
        position=_scaled([1.0 / (1.0 + rank) ** POSITION_DECAY for rank in range(len(candidates))]),
        keyphrases=_scaled([sum(phrases.get(t, 0.0) for t in {*s.nouns, *s.phrases}) for s in candidates]),
        brevity=_scaled([min(1.0, BREVITY_CHARS / max(1, len(s.text))) for s in candidates]),
        leaning=tuple(leans_back(s) for s in candidates),
        lead=0 if candidates[0] is worthy[0] else None,
    )


def _weighted(signals: Signals, weights: Weights) -> list[float]:
    columns = (
        (signals.brevity, weights.brevity),
        (signals.centrality, weights.centrality),
        (signals.title, weights.title),
        (signals.position, weights.position),
        (signals.keyphrases, weights.keyphrases),
    )
    return [sum(w * values[i] for values, w in columns) for i in range(len(signals.candidates))]


def _scaled(values: Sequence[float]) -> tuple[float, ...]:
    top = max(values, default=0.0)
    return tuple(v / top for v in values) if top > 0 else tuple(0.0 for _ in values)


@summarizers.register("extractive")
class Extractive:
    """Our extractive summarizer: the module's `summarize`."""

    summarize = staticmethod(summarize)

"""Article vectors: TF-IDF over lemmas and compound nouns, with IDF from a fixed news background.

The IDF comes from how many YNAT headlines hold a term (data/background_df.tsv, built by
scripts/build_background.py), not from whatever pool is loaded, so an article's vector depends on its
text alone and is computed once per content hash.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from prism.records import Analysis

Vector = dict[str, float]
Key = TypeVar("Key")  # a term, or its id in a vocabulary
FloatArray = npt.NDArray[np.float64]


def log_of_counts(counts: Iterable[int], *, plus_one: bool = False) -> FloatArray:
    """Return math.log (or math.log1p with `plus_one`) of positive counts, as an array.

    The C library's log, one count at a time: numpy's vectorized log may round the last bit differently,
    and stored weights must be the same bits on every machine.
    """
    log = math.log1p if plus_one else math.log
    return np.array([log(count) for count in counts], dtype=np.float64)


@cache
def background() -> tuple[int, dict[str, int]]:
    """Return (headlines, {term: headlines containing it}) from data/background_df.tsv.

    Built by scripts/build_background.py from the YNAT headlines: how common a term is in news at large.
    """
    lines = (files("prism") / "data" / "background_df.tsv").read_text(encoding="utf-8").splitlines()
    documents = int(lines[0].split("\t")[1])
    counts = {}
    for line in lines[1:]:
        term, _, count = line.partition("\t")
        counts[term] = int(count)
    return documents, counts


@cache
def _idf() -> dict[str, float]:
    """Return the background IDF of every term some headline holds, and under "" that of any other word."""
    documents, counts = background()
    # One math.log per distinct count, not per term; a term no headline holds has count 0.
    by_count = {count: math.log((documents + 1) / (count + 1)) for count in {0, *counts.values()}}
    table = {term: by_count[count] for term, count in counts.items()}
    table[""] = by_count[0]
    return table  # cached only once whole: a thread never reads half a table


def rarity(term: str) -> float:
    """Return the background inverse document frequency of a term (a phrase: the mean of its words)."""
    idf = _idf()
    known = idf.get(term)
    if known is not None:
        return known
    unseen = idf[""]
    if " " not in term:
        return unseen
    words = term.split(" ")
    return sum(idf.get(word, unseen) for word in words) / len(words)


def tfidf(analysis: Analysis, *, digits: int = 5, body: Counter[str] | None = None) -> Vector:
    """Return the L2-normalized TF-IDF vector of an article's terms (title terms count twice).

    `body`, the counts of the body's terms, may be given when already counted.
    """
    counts = Counter(body) if body is not None else Counter(analysis.terms)
    counts.update(analysis.title_terms)
    counts.update(analysis.title_terms)
    if not counts:
        return {}
    # (1 + ln count) × rarity, over all of an article's terms at once; each product rounds as in Python,
    # and the norm is summed in order, so the weights are the bits the per-term formula gives.
    terms = list(counts)
    weights = (1.0 + log_of_counts(counts.values())) * np.array([rarity(term) for term in terms])
    norm = math.sqrt(sum((weights * weights).tolist())) or 1.0  # summed in order, as Python sums
    # rint(x * scale) / scale: what round(x, digits) gives (bar a last-digit tie now and then), without
    # its decimal conversion of each of an article's hundreds of weights; rint rounds halves to even,
    # as round does.
    unit = 10.0**digits
    rounded = np.rint(weights * (unit / norm)) / unit
    return dict(zip(terms, rounded.tolist(), strict=True))


def body_counts(analysis: Analysis) -> tuple[Counter[str], dict[str, int]]:
    """Return (counts of the body's terms, counts of its terms and noun phrases) in one pass."""
    sentences = analysis.sentences
    terms = Counter(itertools.chain.from_iterable([s.terms for s in sentences]))
    both = dict(terms)
    for phrase, count in Counter(itertools.chain.from_iterable([s.phrases for s in sentences])).items():
        both[phrase] = both.get(phrase, 0) + count
    return terms, both


def term_counts(analysis: Analysis) -> dict[str, int]:
    """Return how often each body term and noun phrase occurs (what BM25 matches interests against)."""
    return body_counts(analysis)[1]


def cosine(a: Mapping[Key, float], b: Mapping[Key, float]) -> float:
    """Return the cosine of two normalized sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())

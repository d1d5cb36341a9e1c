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
from typing import Final

import numpy as np
import numpy.typing as npt

from prism.nlp.korean import Analysis

Vector = dict[str, float]
FloatArray = npt.NDArray[np.float64]

# math.log of small counts, looked up: the same bits on every machine (numpy's vectorized log may round
# the last bit differently from the C library's) and faster than a call per term.
_TABLE_SIZE: Final = 256
_LOG: Final = np.array([-math.inf] + [math.log(count) for count in range(1, _TABLE_SIZE)])
_LOG1P: Final = np.array([math.log1p(count) for count in range(_TABLE_SIZE)])


def log_of_counts(counts: Iterable[int], size: int, *, plus_one: bool = False) -> FloatArray:
    """Return math.log (or math.log1p with `plus_one`) of `size` positive counts, as an array."""
    values = np.fromiter(counts, dtype=np.int64, count=size)
    table = _LOG1P if plus_one else _LOG
    if size and int(values.max()) >= _TABLE_SIZE:
        log = math.log1p if plus_one else math.log
        return np.array([log(value) for value in values.tolist()], dtype=np.float64)
    result: FloatArray = table[values]
    return result


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


_IDF: Final[dict[str, float]] = {}  # background IDF of every term some headline holds, filled on first use


def _idf() -> dict[str, float]:
    if not _IDF:
        documents, counts = background()
        # One math.log per distinct count, not per term; a term no headline holds has count 0.
        by_count = {count: math.log((documents + 1) / (count + 1)) for count in {0, *counts.values()}}
        table = {term: by_count[count] for term, count in counts.items()}
        table[""] = by_count[0]  # what rarity() answers for any unknown word
        _IDF.update(table)  # all at once: another thread never sees half a table
    return _IDF


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
    return sum([idf.get(word, unseen) for word in words]) / len(words)


def tfidf(analysis: Analysis, *, digits: int = 5, body: Counter[str] | None = None) -> Vector:
    """Return the L2-normalized TF-IDF vector of an article's terms (title terms count twice).

    `body`, the counts of the body's terms, may be given when already counted.
    """
    counts = Counter(body) if body is not None else Counter(analysis.terms)
    counts.update(analysis.title_terms)
    counts.update(analysis.title_terms)
    if not counts:
        return {}
    # Whole arrays per article: an article has hundreds of terms, and a Python step per term was most of
    # the cost. The arithmetic is the same, in the same order, so the weights are the same bits.
    terms = list(counts)
    size = len(terms)
    weights = (1.0 + log_of_counts(counts.values(), size)) * np.array([rarity(term) for term in terms])
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


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Return the cosine of two normalized sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())

"""The candidate pool of an edition: every article of its window with its analysis, held compactly.

Per article: identity, title, link, source, time and which distinct text it carries. Per distinct text
(analyses are keyed by content hash): topic, keyphrases, title terms, term counts and the TF-IDF vector,
as sparse rows over one vocabulary, so a pool of 100k articles fits in a few hundred MB and a persona is
scored with a handful of numpy operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine

from prism.nlp.vectors import rarity
from prism.records import PoolRow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sparse:
    """Compressed sparse rows: row r holds columns indices[indptr[r]:indptr[r+1]] with `data`."""

    indptr: IntArray
    indices: IntArray
    data: FloatArray

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, r: int) -> tuple[IntArray, FloatArray]:
        start, stop = self.indptr[r], self.indptr[r + 1]
        return self.indices[start:stop], self.data[start:stop]

    def row_ids(self) -> IntArray:
        """Return the row of every stored entry."""
        return np.repeat(np.arange(self.rows, dtype=np.int64), np.diff(self.indptr))

    def transpose(self, columns: int) -> Sparse:
        """Return the column-major view: for each column, the rows that hold it."""
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=columns)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return Sparse(indptr, self.row_ids()[order], self.data[order])

    def entries(self, rows: IntArray) -> tuple[IntArray, FloatArray, IntArray]:
        """Return (indices, values, which of `rows`) of every entry of the given rows.

        Of a column-major view (see `transpose`), rows are columns: the texts that hold given terms.
        """
        starts, stops = self.indptr[rows], self.indptr[rows + 1]
        lengths = stops - starts
        total = int(lengths.sum())
        if not total:
            empty = np.empty(0, dtype=np.int64)
            return empty, np.empty(0), empty
        owners = np.repeat(np.arange(len(rows)), lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.repeat(starts, lengths) + offsets
        return self.indices[positions], self.data[positions], owners


class Vocabulary:
    """Term ↔ column; also finds the terms that contain a given word (기준금리 holds 금리)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.terms: list[str] = []
        self._text = ""
        self._starts: IntArray = np.empty(0, dtype=np.int64)
        self._found: dict[str, list[int]] = {}  # `containing`'s answers: readers share most of their words

    def add(self, term: str) -> int:
        column = self.index.get(term)
        if column is None:
            column = self.index[term] = len(self.terms)
            self.terms.append(term)
        return column

    def freeze(self) -> None:
        """Prepare substring search: all terms in one string, one per line."""
        self._found.clear()
        self._text = "\n".join(self.terms) + "\n"
        lengths = np.fromiter((len(term) + 1 for term in self.terms), dtype=np.int64, count=len(self.terms))
        self._starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)

    FOUND_KEPT = 100_000  # words

    def containing(self, word: str) -> list[int]:
        """Return the columns of every term that contains `word` (the term itself included)."""
        found = self._found.get(word)
        if found is None:
            if len(self._found) >= self.FOUND_KEPT:
                self._found.clear()
            found = self._found[word] = self._containing(word)
        return found

    def _containing(self, word: str) -> list[int]:
        if not word or "\n" in word:
            return []
        positions = []
        at = self._text.find(word)
        while at >= 0:
            positions.append(at)
            at = self._text.find(word, at + 1)
        if not positions:
            return []
        columns = np.searchsorted(self._starts, np.asarray(positions), side="right") - 1
        return sorted(set(columns.tolist()))

    def rarities(self) -> FloatArray:
        """Return the background IDF of every term, by column."""
        return np.fromiter((rarity(term) for term in self.terms), dtype=np.float64, count=len(self.terms))


@dataclass(slots=True)
class Pool:
    """Articles of one edition window and their distinct texts' analyses."""

    # Per article.
    ids: IntArray
    external_ids: list[str | None]
    titles: list[str]
    urls: list[str | None]
    sources: list[str | None]
    times: FloatArray  # published (or else ingested) time, POSIX seconds
    canonical: IntArray  # the article id this one is a near duplicate of, or -1
    text_of: IntArray  # row of the article's distinct text
    # Per distinct text.
    hashes: list[str]
    topics: list[str | None]
    keyphrases: list[list[tuple[str, float]]]
    counts: Sparse  # body terms and noun phrases → count
    keyphrase_weights: Sparse  # the text's keyphrases → weight (what it is about; weights sum to 1)
    title_terms: Sparse  # title terms → 1
    vectors: Sparse  # TF-IDF, L2-normalized
    lengths: FloatArray  # body terms per text (BM25 document length)
    vocabulary: Vocabulary
    idf: FloatArray = field(default_factory=lambda: np.empty(0))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def texts(self) -> int:
        return len(self.hashes)

    def article_id(self, i: int) -> int:
        """Return the store id of article `i` (its position in the pool)."""
        return int(self.ids[i])

    def text_row(self, i: int) -> int:
        """Return the row of article `i`'s distinct text (copies of one text share it)."""
        return int(self.text_of[i])

    def content_hash(self, i: int) -> str:
        """Return the content hash of article `i`'s text: the key of its stored analysis."""
        return self.hashes[int(self.text_of[i])]

    def topic_of(self, i: int) -> str | None:
        """Return the topic of article `i`'s text."""
        return self.topics[int(self.text_of[i])]

    def keyphrases_of(self, i: int) -> list[tuple[str, float]]:
        """Return the keyphrases of article `i`'s text: (term, weight) pairs."""
        return self.keyphrases[int(self.text_of[i])]


def build_pool(rows: Iterable[PoolRow]) -> Pool:
    """Build a pool from store rows (any order); texts shared by several articles are held once."""
    vocabulary = Vocabulary()
    text_rows: dict[str, int] = {}
    ids, external_ids, titles, urls, sources, times, canonical, text_of = [], [], [], [], [], [], [], []
    hashes: list[str] = []
    topics: list[str | None] = []
    keyphrases: list[list[tuple[str, float]]] = []
    parts: dict[str, tuple[list[int], list[int], list[float]]] = {
        name: ([0], [], []) for name in ("counts", "title", "vectors", "keyphrases")
    }
    lengths: list[float] = []

    def append(name: str, items: Iterable[tuple[str, float]]) -> None:
        indptr, indices, data = parts[name]
        for term, value in items:
            indices.append(vocabulary.add(term))
            data.append(float(value))
        indptr.append(len(indices))

    for row in rows:
        text = text_rows.get(row.content_hash)
        if text is None:
            text = text_rows[row.content_hash] = len(hashes)
            hashes.append(row.content_hash)
            topics.append(row.topic)
            keyphrases.append([(str(term), float(weight)) for term, weight in row.keyphrases])
            append("counts", row.counts.items())
            append("keyphrases", keyphrases[-1])
            append("title", ((term, 1.0) for term in dict.fromkeys(row.title_terms[0])))
            append("vectors", row.terms.items())
            lengths.append(float(sum(row.counts.values())))
        ids.append(row.id)
        external_ids.append(row.external_id)
        titles.append(row.title)
        urls.append(row.url)
        sources.append(row.source)
        times.append(row.time.timestamp())
        canonical.append(row.canonical_of if row.canonical_of is not None else -1)
        text_of.append(text)
    vocabulary.freeze()

    def sparse(name: str) -> Sparse:
        indptr, indices, data = parts[name]
        return Sparse(
            np.asarray(indptr, dtype=np.int64),
            np.asarray(indices, dtype=np.int64),
            np.asarray(data, dtype=np.float64),
        )

    return Pool(
        ids=np.asarray(ids, dtype=np.int64),
        external_ids=external_ids,
        titles=titles,
        urls=urls,
        sources=sources,
        times=np.asarray(times, dtype=np.float64),
        canonical=np.asarray(canonical, dtype=np.int64),
        text_of=np.asarray(text_of, dtype=np.int64),
        hashes=hashes,
        topics=topics,
        keyphrases=keyphrases,
        counts=sparse("counts"),
        keyphrase_weights=sparse("keyphrases"),
        title_terms=sparse("title"),
        vectors=sparse("vectors"),
        lengths=np.asarray(lengths, dtype=np.float64),
        vocabulary=vocabulary,
        idf=vocabulary.rarities(),
    )


def load_rows(
    engine: Engine | Connection, *, start: datetime | None = None, end: datetime | None = None
) -> list[PoolRow]:
    """Return the analysed articles of [start, end) (by published, or else ingested, time) as store rows.

    An article's analysis depends on its text alone, so `build_pool` over any subset of these rows is the
    pool that subset would make on its own (evaluation restricts one store's rows to held-out folds).
    """
    from prism.nlp.korean import ANALYZER_VERSION
    from prism.store import analyses, reading

    with reading(engine) as conn:
        return list(analyses.pool_rows(conn, analyzer=ANALYZER_VERSION, start=start, end=end))


def load_pool(
    engine: Engine | Connection, *, start: datetime | None = None, end: datetime | None = None
) -> Pool:
    """Load the analysed articles of [start, end) (by published, or else ingested, time) into a pool."""
    return build_pool(load_rows(engine, start=start, end=end))

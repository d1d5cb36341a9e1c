"""Batch recommending: many readers' picks at once, chosen by the same rules as one reader's.

A reader's profile is their reader type's (persona) with a few changes: their own keywords and companies
(core interests), muted ones (negative), followed or muted topics, and their feedback vector. Every
per-text vector the recommender computes from weighted terms (BM25 relevance, the negative terms'
relevance, the floor strength, the 관심 (interest) strength) is linear in per-column weights, each the
largest weight × match factor of the terms matching that column. So a reader's vector is their reader
type's, computed once per pool with the recommender's own functions, plus a product over the few columns
whose weight the reader changes, done for a whole block of readers in one `bincount`. The best candidates
are found by partial sort; selection (MMR over stories, 관심/참고, the floor, exclusions, filler) is the
recommender's own `choose`.

The picks equal `PrismRecommender.recommend`'s for the same reader; the vectors may differ from its by
float rounding (the same sums in another order), which can only matter for scores tied to the last bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from prism.recommend import score as scoring
from prism.recommend.base import PICKS
from prism.recommend.bm25 import saturate
from prism.recommend.personas import Persona
from prism.recommend.pool import Sparse
from prism.recommend.profile import reader_persona
from prism.recommend.reasons import LIKED_REASON
from prism.recommend.recommender import Chosen, PrismRecommender
from prism.recommend.select import cosines, top_candidates
from prism.records import Reader

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The per-text vectors a reader's weighted terms make: (which terms, which matrix, which factor).
_VECTORS = ("relevance", "negative", "floor", "direct")
_ROWS = 256  # readers scored together: their delta vectors (4 × texts floats each) stay small
_PROFILES_KEPT = 1024  # readers' expanded terms kept (a few hundred terms each), for readers alike
# Texts whose cosines to every text are kept (picks concentrate on few articles): up to 128 MiB of them.
_COSINES_BYTES = 1 << 27


@dataclass(frozen=True, slots=True)
class BatchReader:
    """One reader of a block: who they are, what their feedback says and the articles they gave 👎.

    Feedback comes as `mix`, (text row of the pool, Rocchio weight) of each piece on an article of the
    pool (see `profile.rocchio_weights`), or, when some is on articles outside it, as the feedback
    vector itself (`profile.feedback_vector`).
    """

    reader: Reader
    feedback: Mapping[str, float] = field(default_factory=dict)
    mix: tuple[tuple[int, float], ...] = ()
    exclude: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class BatchPicks:
    """A reader's picks: (article position in the pool, kind, filler?) with their score and relevance."""

    reader_id: int
    chosen: tuple[Chosen, ...]
    scores: tuple[float, ...]
    relevance: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    """Where one term matches the pool's vocabulary, and how strongly (per weight unit)."""

    columns: IntArray
    relevance: FloatArray  # the match factor (1 exact; PARTIAL, PARTIAL_INNER inside a longer term)
    floor: FloatArray  # the factor times NAME_SHARE where the term, or the word it is inside, is a name


@dataclass(frozen=True, slots=True)
class _Terms:
    """A reader type's weighted terms of one vector, matched: every (term, column) pair, by column."""

    weights: dict[str, float]
    index: dict[str, int]
    held: FloatArray  # each term's weight, by term number
    by_column: Sparse  # column → pair numbers (data: the pair's factor)
    pair_terms: IntArray  # term number of each pair
    pair_factors: FloatArray  # factor of each pair
    dense: FloatArray  # the largest weight × factor per column
    vector: FloatArray  # per text, computed by the recommender's own functions


@dataclass(frozen=True, slots=True)
class _Base:
    persona: Persona
    terms: dict[str, _Terms]


class BatchRecommender:
    """Block scoring over a fitted `PrismRecommender` (see the module docstring)."""

    def __init__(self, recommender: PrismRecommender, personas: Mapping[str, Persona]) -> None:
        self.recommender = recommender
        self.personas = dict(personas)
        self.default = next(iter(self.personas.values()))
        bm25 = recommender.bm25_
        pool = recommender.pool_
        self.pool = pool
        self.texts = pool.texts
        self.columns = len(pool.vocabulary.terms)
        self.position = {int(a): i for i, a in enumerate(pool.ids.tolist())}
        topics = sorted({t or "" for t in pool.topics})
        self.topic_names = topics
        self.topic_of = np.asarray([topics.index(t or "") for t in pool.topics], dtype=np.int64)
        idf = pool.idf
        # Per column, the texts it scores and how much per unit of weight: BM25 (body, title, about) and
        # the floor's mentions (body counts up to two, title), as scored by the recommender.
        body, title, about = bm25.by_term_, bm25.title_by_term_, bm25.about_by_term_
        self.matrices = {
            "relevance": _stacked(
                [
                    (body, lambda c, t, v: idf[c] * saturate(v, bm25.norm_[t], k1=bm25.k1)),
                    (title, lambda c, t, v: idf[c] * bm25.title_bonus),
                    (about, lambda c, t, v: idf[c] * (bm25.about * v)),
                ],
                self.columns,
            ),
            "floor": _stacked(
                [
                    (body, lambda c, t, v: np.minimum(1.0, v / 2.0)),
                    (title, lambda c, t, v: np.full(len(t), scoring.TITLE_MENTION)),
                ],
                self.columns,
            ),
        }
        assert scoring.MENTION_SHARE == 1.0, "the floor's mention share is not linear in the weights"
        self._terms: dict[str, _Term] = {}
        self._bases: dict[str, _Base] = {}
        self._profiles: dict[tuple[object, ...], dict[str, dict[str, float]]] = {}
        self._cosines: dict[int, FloatArray] = {}

    def recommend(self, readers: Sequence[BatchReader], *, n: int = PICKS) -> list[BatchPicks]:
        """Return every reader's picks, in the order of `readers`."""
        found = []
        for start in range(0, len(readers), _ROWS):
            found += self._recommend(readers[start : start + _ROWS], n=n)
        return found

    def _recommend(self, readers: Sequence[BatchReader], *, n: int) -> list[BatchPicks]:
        bases = [self._base(r.reader) for r in readers]
        profiles = [self._profile(base, r.reader) for base, r in zip(bases, readers, strict=True)]
        deltas = {
            **self._deltas(bases, profiles, ("relevance", "floor")),
            **self._deltas(bases, profiles, ("negative",)),
            **self._deltas(bases, profiles, ("direct",)),
        }
        pool, recommender = self.pool, self.recommender
        importance = recommender.stories_.importance[recommender.stories_.of]
        found = []
        for k, (item, base, profile) in enumerate(zip(readers, bases, profiles, strict=True)):
            vectors = {name: base.terms[name].vector + deltas[name][k] for name in _VECTORS}
            relevance = vectors["relevance"]
            if profile["negative"]:
                relevance = scoring.penalized(relevance, vectors["negative"])
            persona = reader_persona(base.persona, item.reader) if item.reader.topics else base.persona
            welcome = np.asarray([persona.topic_weight(t) for t in self.topic_names])
            strength = vectors["floor"]
            if scoring.FLOOR_BY_SECTION:
                strength = strength * welcome[self.topic_of]
            similarity = self._mixed(item.mix) if item.mix else self._similarity(item.feedback)
            if similarity is not None:
                relevance = scoring.tilted(relevance, similarity)
                strength = np.maximum(strength, scoring.FLOOR * (similarity >= LIKED_REASON))
            score, per_article = scoring.combined(
                relevance,
                welcome[self.topic_of] ** scoring.TOPIC_POWER,
                pool.text_of,
                importance,
                recommender.freshness_,
            )
            excluded = np.zeros(len(pool), dtype=bool)
            excluded[[self.position[a] for a in item.exclude if a in self.position]] = True
            cleared = strength[pool.text_of] >= scoring.FLOOR
            order = top_candidates(np.where(cleared & ~excluded, score, -np.inf))
            chosen = recommender.choose(
                score,
                cleared=cleared,
                direct=vectors["direct"][pool.text_of] >= scoring.FLOOR,
                excluded=excluded,
                n=n,
                order=order,
                similar_to=self._similar_to,
            )
            found.append(
                BatchPicks(
                    reader_id=item.reader.id,
                    chosen=tuple(chosen),
                    scores=tuple(float(score[i]) for i, _, _ in chosen),
                    relevance=tuple(float(per_article[i]) for i, _, _ in chosen),
                )
            )
        return found

    # Reader types and readers' terms.

    def _base(self, reader: Reader) -> _Base:
        key = reader.persona if reader.persona in self.personas else self.default.key
        base = self._bases.get(key)
        if base is None:
            persona = self.personas[key]
            profile = _profile_terms(persona)
            bm25 = self.recommender.bm25_
            vectors = {
                "relevance": bm25.query(profile["relevance"]),
                "negative": bm25.query(profile["negative"]),
                "floor": scoring.match_strength(bm25, profile["floor"]),
                "direct": scoring.match_strength(bm25, profile["direct"]),
            }
            base = self._bases[key] = _Base(
                persona, {name: self._matched(profile[name], name, vectors[name]) for name in _VECTORS}
            )
        return base

    def _profile(self, base: _Base, reader: Reader) -> dict[str, dict[str, float]]:
        changes = (reader.interests, reader.companies, reader.muted, reader.muted_companies)
        if not any(changes):
            return {name: base.terms[name].weights for name in _VECTORS}
        key = (base.persona.key, *changes)
        profile = self._profiles.get(key)
        if profile is None:
            if len(self._profiles) >= _PROFILES_KEPT:
                self._profiles.clear()
            profile = self._profiles[key] = _profile_terms(reader_persona(base.persona, reader))
        return profile

    def _term(self, term: str) -> _Term:
        found = self._terms.get(term)
        if found is None:
            bm25 = self.recommender.bm25_
            matched = bm25.match({term: 1.0})
            columns = np.fromiter(matched.keys(), dtype=np.int64, count=len(matched))
            factors = np.fromiter(matched.values(), dtype=np.float64, count=len(matched))
            vocabulary = self.pool.vocabulary.terms
            named = scoring.is_name(term)
            share = np.asarray(
                [
                    scoring.NAME_SHARE if named or (f < 1.0 and scoring.is_name(vocabulary[c])) else 1.0
                    for c, f in zip(columns.tolist(), factors.tolist(), strict=True)
                ],
                dtype=np.float64,
            )
            found = self._terms[term] = _Term(columns, factors, factors * share)
        return found

    def _matched(self, weights: dict[str, float], name: str, vector: FloatArray) -> _Terms:
        factor = "floor" if name in ("floor", "direct") else "relevance"
        names = list(weights)
        matched = [self._term(t) for t in names]
        columns = _ints([m.columns for m in matched])
        factors = _floats([getattr(m, factor) for m in matched])
        pair_terms = np.repeat(np.arange(len(names), dtype=np.int64), [len(m.columns) for m in matched])
        weight = np.asarray([weights[t] for t in names], dtype=np.float64)
        dense = np.zeros(self.columns)
        np.maximum.at(dense, columns, weight[pair_terms] * factors)
        order = np.argsort(columns, kind="stable")
        counts = np.bincount(columns, minlength=self.columns)
        by_column = Sparse(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), order, factors[order])
        index = {t: k for k, t in enumerate(names)}
        return _Terms(dict(weights), index, weight, by_column, pair_terms, factors, dense, vector)

    def _deltas(
        self, bases: Sequence[_Base], profiles: Sequence[dict[str, dict[str, float]]], names: Sequence[str]
    ) -> dict[str, FloatArray]:
        """Return, per reader of the block, how their vectors called `names` (all made of the same
        weighted terms) differ from their reader type's."""
        owners: list[IntArray] = []
        columns: list[IntArray] = []
        values: dict[str, list[FloatArray]] = {name: [] for name in names}
        first = names[0]
        for k, (base, profile) in enumerate(zip(bases, profiles, strict=True)):
            terms, own = base.terms[first], profile[first]
            if own is terms.weights:
                continue
            changed = list({t for t, _ in own.items() ^ terms.weights.items()})
            if not changed:
                continue
            touched = np.unique(_ints([self._term(t).columns for t in changed]))
            # The new weight of every touched column: the largest over the reader type's terms still held
            # (at the reader's weight) and the reader's own new terms.
            pairs, _, where = terms.by_column.entries(touched)
            held = terms.held.copy()
            for t in changed:
                if t in terms.index:
                    held[terms.index[t]] = own.get(t, 0.0)
            weight = held[terms.pair_terms[pairs]]
            added = [self._term(t) for t in changed if t not in terms.index and t in own]
            at = [np.searchsorted(touched, m.columns) for m in added]
            moved = np.zeros(len(touched), dtype=bool)
            deltas = []
            for name in names:
                factor = "floor" if name in ("floor", "direct") else "relevance"
                new = np.zeros(len(touched))
                np.maximum.at(new, where, weight * base.terms[name].pair_factors[pairs])
                for t, match, positions in zip(
                    (t for t in changed if t not in terms.index and t in own), added, at, strict=True
                ):
                    np.maximum.at(new, positions, own[t] * getattr(match, factor))
                delta = new - base.terms[name].dense[touched]
                moved |= delta != 0.0
                deltas.append(delta)
            owners.append(np.full(int(moved.sum()), k, dtype=np.int64))
            columns.append(touched[moved])
            for name, delta in zip(names, deltas, strict=True):
                values[name].append(delta[moved])
        found = {}
        cols, who = _ints(columns), _ints(owners)
        for name in names:
            out = np.zeros((len(bases), self.texts))
            if len(cols):
                matrix = self.matrices["floor" if name in ("floor", "direct") else "relevance"]
                weights = _floats(values[name])
                texts, gains, pair = matrix.entries(cols)
                out += np.bincount(
                    who[pair] * self.texts + texts, weights=weights[pair] * gains, minlength=out.size
                ).reshape(out.shape)
            found[name] = out
        return found

    # Feedback and similarity.

    def _mixed(self, mix: Sequence[tuple[int, float]]) -> FloatArray | None:
        """Return the cosine of every text with the feedback vector Σ weight × the text's vector,
        normalized (None when it is zero: no feedback), from the texts' cosines to each other."""
        texts = [t for t, _ in mix]
        weights = np.asarray([w for _, w in mix])
        rows = np.stack([self._similar_to(t) for t in texts])
        norm = float(weights @ rows[:, texts] @ weights)
        if norm <= 0.0:
            return None
        similarity: FloatArray = np.asarray(weights @ rows, dtype=np.float64) / np.sqrt(norm)
        return similarity

    def _similarity(self, feedback: Mapping[str, float]) -> FloatArray | None:
        """Return the cosine of every text with a feedback vector (as `score.feedback_similarity`), or
        None for no feedback."""
        if not feedback:
            return None
        index = self.pool.vocabulary.index
        pairs = [(index[t], w) for t, w in feedback.items() if t in index]
        if not pairs:
            return np.zeros(self.texts)
        columns = np.fromiter((c for c, _ in pairs), dtype=np.int64, count=len(pairs))
        weights = np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))
        texts, values, owners = self._vectors_by_term.entries(columns)
        return np.bincount(texts, weights=weights[owners] * values, minlength=self.texts).astype(np.float64)

    @property
    def _vectors_by_term(self) -> Sparse:
        found: Sparse | None = getattr(self, "_by_term", None)
        if found is None:
            found = self._by_term = self.pool.vectors.transpose(self.columns)
        return found

    def _similar_to(self, text: int) -> FloatArray:
        found = self._cosines.get(text)
        if found is None:
            if len(self._cosines) * self.texts * 8 >= _COSINES_BYTES:
                self._cosines.clear()
            every = np.arange(self.texts, dtype=np.int64)
            found = self._cosines[text] = cosines(self.pool, every, text)
        return found


def _profile_terms(persona: Persona) -> dict[str, dict[str, float]]:
    """Return the weighted terms of each of a persona's vectors, as the recommender takes them."""
    expanded = scoring.expanded_interests(persona)
    return {
        "relevance": expanded,
        "negative": dict(persona.negative),
        "floor": expanded,
        "direct": dict(persona.interests),
    }


def _ints(parts: Sequence[IntArray]) -> IntArray:
    return np.concatenate(parts).astype(np.int64, copy=False) if parts else np.empty(0, dtype=np.int64)


def _floats(parts: Sequence[FloatArray]) -> FloatArray:
    return np.concatenate(parts).astype(np.float64, copy=False) if parts else np.empty(0)


def _stacked(parts: Sequence[tuple[Sparse, object]], columns: int) -> Sparse:
    """Return one column-major matrix summing several (column → texts) indexes, each entry's value given
    by a function of (column, text, stored value)."""
    all_columns, all_texts, all_values = [], [], []
    for index, value in parts:
        texts, stored = index.indices, index.data
        column = np.repeat(np.arange(columns, dtype=np.int64), np.diff(index.indptr))
        all_columns.append(column)
        all_texts.append(texts)
        all_values.append(value(column, texts, stored))  # type: ignore[operator]
    column = np.concatenate(all_columns)
    order = np.argsort(column, kind="stable")
    counts = np.bincount(column, minlength=columns)
    return Sparse(
        np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        np.concatenate(all_texts)[order],
        np.asarray(np.concatenate(all_values), dtype=np.float64)[order],
    )

"""Near-duplicate detection: one-permutation MinHash over character shingles, banded for LSH.

The same wire story republished by another outlet differs in its dateline, byline and a word or two.
We shingle the body (whitespace removed, so spacing edits do not count) into 4-character pieces and
sketch each article with one-permutation hashing (Li, Owen & Zhang 2012) plus rotation densification
(Shrivastava & Li 2014): one hash per shingle instead of one per shingle *per permutation*, computed for a
whole batch in a few numpy passes. Bands of the sketch are stored as integer keys, so finding candidates
is an indexed lookup in the store; each candidate is then checked exactly on its shingle sets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

SHINGLE = 4  # characters: four UTF-16 code units are exactly one 64-bit word
NUM_BINS = 64
# 10 bands of 4 rows. A pair passing the exact check (overlap >= 0.9, sizes within 0.8) has a
# resemblance (Jaccard) of at least 0.9 / (1 + 1/0.8 - 0.9) = 0.67, where P(candidate) = 1 - (1 - J^4)^10
# is 0.88; at the usual resemblance of wire copies (>= 0.8) it is 0.998. Unrelated articles (J ~ 0.05)
# become candidates with P = 6e-5, and each candidate costs one exact check, not a wrong link.
BANDS = 10
ROWS = 4
_BIN_BITS = 6  # log2(NUM_BINS)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)
_VALUE_MASK = np.uint64((1 << (64 - _BIN_BITS)) - 1)

U64 = npt.NDArray[np.uint64]


def _mix(x: U64) -> U64:
    """Apply the splitmix64 finalizer elementwise, in place (a strong, cheap 64-bit hash)."""
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def _shingles(bodies: Sequence[str]) -> tuple[U64, npt.NDArray[np.int32]]:
    """Return (hash, body index) of the SHINGLE-long windows of the bodies, whitespace removed.

    Bodies are cleaned text (`prism.ingest.normalize.clean_text`), handled all in one pass over their
    concatenated UTF-16 code units. Each body is preceded by SHINGLE - 1 zero units: a window then
    never mixes two bodies' text (the zeros between them are the same for every pair), the windows at
    a body's edges make short bodies count too, and a body's shingles do not depend on its neighbours.
    """
    encoded = [body.encode("utf-16-le") for body in bodies]
    raw = np.frombuffer(b"".join(encoded), dtype="<u2")
    # Skip spaces and newlines (cleaned text has no other whitespace): spacing differs between outlets,
    # the words do not. Control characters go too.
    keep = raw > 32
    lengths = np.fromiter((len(e) // 2 for e in encoded), dtype=np.int64, count=len(encoded))
    starts = np.cumsum(lengths) - lengths
    sizes = np.zeros(len(bodies), dtype=np.int64)
    filled = lengths > 0
    if filled.any():  # reduceat sums each body's kept units (it mishandles empty runs, so skip those)
        sizes[filled] = np.add.reduceat(keep, starts[filled], dtype=np.int64)
    units = raw[keep]
    units[(units >= 0x41) & (units <= 0x5A)] += 0x20  # ASCII upper to lower case; Korean has no case
    pad = SHINGLE - 1
    body_starts = np.cumsum(sizes) - sizes
    units = np.insert(units, np.repeat(body_starts, pad), 0)
    units = np.concatenate([units, np.zeros(pad, dtype=units.dtype)])
    owner = np.repeat(np.arange(len(bodies), dtype=np.int32), sizes + pad)
    # A zero-copy view with one 8-byte word starting at every code unit: the windows themselves.
    windows = np.ndarray(shape=(len(owner),), dtype="<u8", buffer=units, strides=(2,))
    return _mix(windows.astype(np.uint64)), owner


def shingle_hashes(body: str) -> U64:
    """Return the sorted, distinct shingle hashes of one body."""
    return np.unique(_shingles([body])[0])


def signatures(bodies: Sequence[str]) -> U64:
    """Return one NUM_BINS-long one-permutation MinHash signature per body, shape (n, NUM_BINS)."""
    sig = np.full((len(bodies), NUM_BINS), _EMPTY, dtype=np.uint64)
    if not bodies:
        return sig
    values, owner = _shingles(bodies)
    slots = owner * np.int32(NUM_BINS) + (values >> np.uint64(64 - _BIN_BITS)).astype(np.int32)
    np.minimum.at(sig.reshape(-1), slots, values & _VALUE_MASK)
    _densify(sig)
    return sig


def _densify(sig: U64) -> None:
    """Fill empty bins from the next non-empty bin to the right, offset by the distance (in place)."""
    for row in np.flatnonzero((sig == _EMPTY).any(axis=1)):
        values = sig[row]
        filled = np.flatnonzero(values != _EMPTY)
        if len(filled) == 0:
            continue
        for b in np.flatnonzero(values == _EMPTY):
            after = filled[filled > b]
            source = int(after[0]) if len(after) else int(filled[0])
            distance = (source - b) % NUM_BINS
            with np.errstate(over="ignore"):
                values[b] = (
                    values[source] + np.uint64(distance) * np.uint64(0x9E3779B97F4A7C15)
                ) & _VALUE_MASK


def band_keys(sig: U64) -> npt.NDArray[np.int64]:
    """Return BANDS integer keys per signature (signed 64-bit, as databases store them)."""
    n = sig.shape[0]
    keys = np.empty((n, BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            acc = np.full(n, np.uint64(band + 1) * np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
            for col in range(band * ROWS, (band + 1) * ROWS):
                acc = _mix(acc ^ sig[:, col])
            keys[:, band] = acc
    return keys.view(np.int64)


def overlap(a: U64, b: U64) -> tuple[float, float]:
    """Return (overlap coefficient, size ratio) of two sorted distinct shingle-hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    small, large = sorted((len(a), len(b)))
    return common / small, small / large


def is_near_duplicate(a: U64, b: U64, *, threshold: float, min_size_ratio: float = 0.8) -> bool:
    """Return True if two bodies share at least `threshold` of the smaller one's shingles.

    The size ratio keeps a short flash from swallowing the full article it was later expanded into.
    """
    shared, ratio = overlap(a, b)
    return shared >= threshold and ratio >= min_size_ratio

"""One-permutation MinHash sketches, LSH band keys and the exact near-duplicate check."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prism.ingest import dedup


def sample(article_id: str) -> str:
    for name in ("articles-a.jsonl", "articles-b.jsonl"):
        for line in (files("prism") / "data" / "sample" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["id"] == article_id:
                return str(row["body"])
    raise KeyError(article_id)


def test_signature_shape_and_determinism() -> None:
    bodies = [sample("prism-001"), sample("prism-002"), ""]
    first, second = dedup.signatures(bodies), dedup.signatures(bodies)
    assert first.shape == (3, dedup.NUM_BINS)
    assert np.array_equal(first, second)
    assert dedup.band_keys(first).shape == (3, dedup.BANDS)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=6))
def test_batch_signature_equals_single(bodies: list[str]) -> None:
    """A body's sketch must not depend on which other bodies share its batch."""
    together = dedup.signatures(bodies)
    for index, body in enumerate(bodies):
        assert np.array_equal(together[index], dedup.signatures([body])[0])


def test_whitespace_and_case_do_not_change_shingles() -> None:
    body = sample("prism-003")
    respaced = re.sub("[a-z]+", lambda m: m.group().upper(), body.replace(" ", "  ").replace("\n\n", "\n"))
    assert respaced != body
    assert np.array_equal(dedup.shingle_hashes(body), dedup.shingle_hashes(respaced))


@pytest.mark.parametrize(("original", "copy"), [("prism-007", "prism-029"), ("prism-045", "prism-060")])
def test_wire_copies_are_near_duplicates(original: str, copy: str) -> None:
    a, b = sample(original), sample(copy)
    assert dedup.is_near_duplicate(dedup.shingle_hashes(a), dedup.shingle_hashes(b), threshold=0.9)
    keys = dedup.band_keys(dedup.signatures([a, b]))
    assert (keys[0] == keys[1]).any(), "near duplicates must share at least one LSH band"


@pytest.mark.parametrize(
    ("one", "other"), [("prism-031", "prism-032"), ("prism-031", "prism-033"), ("prism-001", "prism-045")]
)
def test_different_articles_are_not_near_duplicates(one: str, other: str) -> None:
    """The three articles on one event are a story cluster, not near duplicates."""
    a, b = dedup.shingle_hashes(sample(one)), dedup.shingle_hashes(sample(other))
    shared, _ = dedup.overlap(a, b)
    assert shared < 0.5
    assert not dedup.is_near_duplicate(a, b, threshold=0.9)


def test_short_flash_does_not_swallow_full_article() -> None:
    full = sample("prism-010")
    flash = full[: len(full) // 3]
    a, b = dedup.shingle_hashes(full), dedup.shingle_hashes(flash)
    assert dedup.overlap(a, b)[0] > 0.95
    assert not dedup.is_near_duplicate(a, b, threshold=0.9)


def test_resemblance_estimate_tracks_truth() -> None:
    """The sketch agreement rate estimates shingle resemblance (Jaccard) within sampling error."""
    base = sample("prism-020")
    edited = base.replace("다.", "다!", 6)
    a, b = dedup.shingle_hashes(base), dedup.shingle_hashes(edited)
    truth = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    sig = dedup.signatures([base, edited])
    estimate = float((sig[0] == sig[1]).mean())
    assert abs(estimate - truth) < 0.15


def test_lsh_recall_on_edited_copies() -> None:
    """Copies with the edits outlets make (dateline, byline, a few words, a paragraph more) share a band."""
    import random

    rng = random.Random(7)
    bodies = []
    for name in ("articles-a.jsonl", "articles-b.jsonl"):
        text = (files("prism") / "data" / "sample" / name).read_text(encoding="utf-8")
        bodies += [json.loads(line)["body"] for line in text.splitlines()]
    originals, copies = [], []
    for body in bodies:
        for _ in range(5):
            words = body.split(" ")
            for _ in range(rng.randint(1, 4)):  # a few single-word edits
                words[rng.randrange(len(words))] = rng.choice(["정부는", "당국은", "업계는", "2.5%", "크게"])
            copy = "(서울=다른통신) 기자 = " + " ".join(words) + "\n\n다른통신 기자 someone@example.kr"
            if rng.random() < 0.3:  # sometimes an extra closing paragraph
                copy += "\n\n" + body.split("\n\n")[0]
            a, b = dedup.shingle_hashes(body), dedup.shingle_hashes(copy)
            if dedup.is_near_duplicate(a, b, threshold=0.9):
                originals.append(body)
                copies.append(copy)
    assert len(originals) >= 200
    keys = dedup.band_keys(dedup.signatures(originals + copies))
    half = len(originals)
    found = sum(bool((keys[i] == keys[half + i]).any()) for i in range(half))
    assert found / half >= 0.97

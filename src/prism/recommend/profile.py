"""A reader's own profile: their reader type's interests, their explicit keywords, and what their
feedback says, as a Rocchio vector over article vectors with older feedback counting less.

profile vector = β × mean(liked article vectors) − γ × mean(disliked ones), each article weighted by
decay(age) (halving every FEEDBACK_HALF_LIFE_DAYS) and by its kind (👍 1, click 0.3, 👎 1), L2-normalized.
A reader without feedback gets their reader type's edition.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from prism.nlp.topics import TOPICS
from prism.recommend.personas import Persona
from prism.records import Feedback, Reader

FEEDBACK_WEIGHTS = {"up": 1.0, "click": 0.3, "down": -1.0}
FEEDBACK_HALF_LIFE_DAYS = 30.0
EXPLICIT_WEIGHT = 3.0  # a keyword the reader added counts as a core interest
MUTED_WEIGHT = 5.0
ROCCHIO_BETA = 0.75  # the pull of liked articles
ROCCHIO_GAMMA = 0.25  # the push of disliked ones (weaker: a 👎 says less about what a reader wants)


def reader_persona(base: Persona, reader: Reader) -> Persona:
    """The reader type's persona with the reader's own keywords and followed companies added, muted
    keywords and companies made negative, and followed or muted topics reweighted."""
    interests = dict(base.interests)
    negative = dict(base.negative)
    for term in (*reader.interests, *reader.companies):
        interests[term] = max(interests.get(term, 0.0), EXPLICIT_WEIGHT)
    for term in (*reader.muted, *reader.muted_companies):
        interests.pop(term, None)
        negative[term] = MUTED_WEIGHT
    # Followed topics are fully welcome, muted ones not at all.
    topics = dict(base.topics)
    for topic, choice in reader.topics:
        if topic in TOPICS:
            topics[topic] = 1.0 if choice == "follow" else 0.0
    return base.model_copy(
        update={"key": f"reader-{reader.id}", "interests": interests, "negative": negative, "topics": topics}
    )


def rocchio_weights(feedback: Sequence[Feedback], *, now: datetime) -> list[float]:
    """Return each piece of feedback's coefficient in the feedback vector before it is normalized:
    `feedback_vector` is the sum of coefficient × article vector, divided by its norm."""
    weights = [_weight(item, now) for item in feedback]
    totals = {True: 0.0, False: 0.0}
    for item, weight in zip(feedback, weights, strict=True):
        if weight:
            totals[FEEDBACK_WEIGHTS[item.kind] > 0] += weight
    shares = {True: ROCCHIO_BETA, False: -ROCCHIO_GAMMA}
    return [
        shares[side] * weight / totals[side] if weight else 0.0
        for item, weight in zip(feedback, weights, strict=True)
        for side in (FEEDBACK_WEIGHTS.get(item.kind, 0.0) > 0,)
    ]


def _weight(item: Feedback, now: datetime) -> float:
    """Return how much one piece of feedback counts: its kind's weight, halving with age."""
    sign = FEEDBACK_WEIGHTS.get(item.kind, 0.0)
    if not sign:
        return 0.0
    age_days = max(0.0, (now - item.created_at).total_seconds() / 86400)
    return abs(sign) * math.exp2(-age_days / FEEDBACK_HALF_LIFE_DAYS)


def feedback_vector(feedback: Iterable[Feedback], *, now: datetime) -> dict[str, float]:
    """Return the Rocchio vector of a reader's feedback (term → weight), L2-normalized.

    β × the decayed mean of what they liked (👍, clicks at 0.3) − γ × the decayed mean of what they
    disliked: means, so a long run of 👎 on varied articles does not drown the few they liked.
    """
    sums = {True: {}, False: {}}  # type: dict[bool, dict[str, float]]
    totals = {True: 0.0, False: 0.0}
    for item in feedback:
        weight = _weight(item, now)
        if not weight:
            continue
        side = FEEDBACK_WEIGHTS[item.kind] > 0
        totals[side] += weight
        for term, value in item.terms.items():
            sums[side][term] = sums[side].get(term, 0.0) + weight * float(value)
    vector: dict[str, float] = {}
    for side, share in ((True, ROCCHIO_BETA), (False, -ROCCHIO_GAMMA)):
        if totals[side]:
            for term, value in sums[side].items():
                vector[term] = vector.get(term, 0.0) + share * value / totals[side]
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {term: v / norm for term, v in vector.items() if v} if norm else {}

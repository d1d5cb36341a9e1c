"""How well the claim checker tells supported sentences from unsupported ones.

Rows are `{id, article_id, claim, label: supported|unsupported, error, title, body}`
(`claims-ko-dev.jsonl`). We report the catch rate (unsupported claims flagged), the acceptance rate
(supported claims passed) and the catch rate per error type, beside a plain baseline computed in the same
run: a claim passes when every number and every name it holds is in the article (containment).

`cross_validate` splits the articles into K folds (every claim about one article in one fold), chooses the
checker's thresholds on the other folds and scores the held-out one; the pooled held-out counts are the
numbers to quote. The checker's own measurements (`prism.verify.checker.signals`) do not depend on the
thresholds, so each claim is measured once and every candidate setting is a cheap decision.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prism.errors import UsageError
from prism.records import Analysis
from prism.verify.checker import ERRORS, SETTINGS, Settings, Signals, decide, quantities, signals

MIN_ACCEPTANCE = 0.87  # what tuning must keep on the training folds (the bar is 0.85 held out)
GRID: dict[str, tuple[float, ...]] = {
    "uncovered": (0.2, 0.25, 0.3, 0.35, 0.4, 0.5),
    "causal": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
}


@dataclass(frozen=True, slots=True)
class Claim:
    """One labelled claim about one article."""

    id: str
    article_id: str
    claim: str
    supported: bool
    error: str | None
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Rejected:
    where: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


def load_claims(path: Path) -> tuple[list[Claim], list[Rejected]]:
    """Read labelled claims; a bad row is rejected with its line and the reason, the rest are kept."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    from prism.ingest.files import read_jsonl_file
    from prism.records import Rejection, SourceRecord

    claims: list[Claim] = []
    rejected: list[Rejected] = []
    for number, item in enumerate(read_jsonl_file(path, name=str(path)), start=1):
        if isinstance(item, Rejection):
            rejected.append(Rejected(item.where, item.reason))
            continue
        if not isinstance(item, SourceRecord):
            continue
        where, row = item.where, item.fields
        missing = [k for k in ("claim", "label", "body") if not isinstance(row.get(k), str) or not row[k]]
        if missing:
            rejected.append(Rejected(where, f"missing {', '.join(missing)}"))
            continue
        if row["label"] not in ("supported", "unsupported"):
            rejected.append(Rejected(where, f"label {row['label']!r} is not supported/unsupported"))
            continue
        claims.append(
            Claim(
                id=str(row.get("id", number)),
                article_id=str(row.get("article_id") or row.get("title") or where),
                claim=row["claim"],
                supported=row["label"] == "supported",
                error=row.get("error") if row["label"] == "unsupported" else None,
                title=str(row.get("title") or ""),
                body=row["body"],
            )
        )
    return claims, rejected


@dataclass(slots=True)
class Scores:
    """Counts for one system on a set of claims."""

    supported: int = 0
    accepted: int = 0
    unsupported: int = 0
    caught: int = 0
    by_error: dict[str, list[int]] = field(default_factory=dict)  # error → [caught, claims]

    def add(self, claim: Claim, passed: bool) -> None:
        if claim.supported:
            self.supported += 1
            self.accepted += passed
            return
        self.unsupported += 1
        self.caught += not passed
        counts = self.by_error.setdefault(claim.error or "other", [0, 0])
        counts[0] += not passed
        counts[1] += 1

    def merge(self, other: Scores) -> None:
        self.supported += other.supported
        self.accepted += other.accepted
        self.unsupported += other.unsupported
        self.caught += other.caught
        for error, (caught, total) in other.by_error.items():
            counts = self.by_error.setdefault(error, [0, 0])
            counts[0] += caught
            counts[1] += total

    @property
    def catch(self) -> float:
        return self.caught / self.unsupported if self.unsupported else 0.0

    @property
    def acceptance(self) -> float:
        return self.accepted / self.supported if self.supported else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "catch": round(self.catch, 3),
            "acceptance": round(self.acceptance, 3),
            "caught": self.caught,
            "unsupported": self.unsupported,
            "accepted": self.accepted,
            "supported": self.supported,
            "by_error": {
                e: {"caught": c, "claims": n, "catch": round(c / n, 3) if n else 0.0}
                for e, (c, n) in sorted(self.by_error.items(), key=lambda item: _order(item[0]))
            },
        }


def _order(error: str) -> int:
    return ERRORS.index(error) if error in ERRORS else len(ERRORS)


Measured = list[tuple[Claim, Signals, bool]]  # the claim, the checker's signals, the baseline's verdict


def measure(claims: Sequence[Claim]) -> Measured:
    """Analyse each article once and measure every claim (checker signals and the baseline)."""
    from prism.nlp.korean import analyze

    analyses: dict[tuple[str, str], Analysis] = {}
    out: Measured = []
    for claim in claims:
        key = (claim.title, claim.body)
        if key not in analyses:
            analyses[key] = analyze(claim.title, claim.body)
        analysis = analyses[key]
        out.append((claim, signals(claim.claim, [analysis]), contained(claim.claim, claim.title, claim.body)))
    return out


def contained(claim: str, title: str, body: str) -> bool:
    """The baseline: every number and every name (proper noun, Latin word) of the claim is in the
    article's text."""
    from prism.nlp.korean import analyze

    text = f"{title}\n{body}"
    numbers = [q.value for q in quantities(claim)]
    stated = {q.value for q in quantities(text)}
    if any(value not in stated for value in numbers):
        return False
    sentences = analyze("", claim).sentences
    names = {
        lemma
        for s in sentences
        for lemma, tag in zip(s.lemmas, s.tags, strict=True)
        if tag in ("NNP", "SL") and len(lemma) > 1
    }
    return all(name in text for name in names)


def score(measured: Iterable[tuple[Claim, Signals, bool]], settings: Settings) -> tuple[Scores, Scores]:
    """Return the checker's scores under `settings` and the baseline's."""
    ours, baseline = Scores(), Scores()
    for claim, found, contains in measured:
        ours.add(claim, decide(found, settings).supported)
        baseline.add(claim, contains)
    return ours, baseline


def tune(measured: Measured, grid: dict[str, tuple[float, ...]] | None = None) -> Settings:
    """Return the setting of `grid` that catches most while accepting at least `MIN_ACCEPTANCE` of the
    supported claims (ties: more accepted; then the first in grid order); if none does, the one that
    accepts most."""
    grid = GRID if grid is None else grid
    names = list(grid)
    best: tuple[tuple[int, float, float], Settings] | None = None
    for values in itertools.product(*(grid[n] for n in names)):
        candidate = dataclasses.replace(SETTINGS, **dict(zip(names, values, strict=True)))
        ours, _ = score(measured, candidate)
        merit = (
            int(ours.acceptance >= MIN_ACCEPTANCE),
            ours.catch if ours.acceptance >= MIN_ACCEPTANCE else 0.0,
        )
        key = (merit[0], merit[1], ours.acceptance)
        if best is None or key > best[0]:
            best = (key, candidate)
    assert best is not None
    return best[1]


@dataclass(slots=True)
class Fold:
    number: int
    articles: int
    chosen: Settings
    ours: Scores
    baseline: Scores


@dataclass(slots=True)
class CrossValidation:
    """Held-out scores per fold, pooled, and the settings chosen on all the claims."""

    folds: list[Fold]
    pooled: Scores
    baseline: Scores
    shipped: Settings

    def as_dict(self) -> dict[str, Any]:
        return {
            "folds": [
                {
                    "fold": f.number,
                    "articles": f.articles,
                    "chosen": dataclasses.asdict(f.chosen),
                    "ours": f.ours.as_dict(),
                    "baseline": f.baseline.as_dict(),
                }
                for f in self.folds
            ],
            "held_out": self.pooled.as_dict(),
            "baseline": self.baseline.as_dict(),
            "shipped": dataclasses.asdict(self.shipped),
        }


def folds_of(article_ids: Iterable[str], k: int) -> dict[str, int]:
    """Return each article's fold: articles in the order of a stable hash of their ids, dealt round the
    `k` folds, so folds are even and every claim about one article is in one fold."""
    ordered = sorted(set(article_ids), key=lambda a: hashlib.sha256(a.encode("utf-8")).hexdigest())
    return {article: n % k for n, article in enumerate(ordered)}


def cross_validate(measured: Measured, k: int) -> CrossValidation:
    """Split by article into `k` folds; tune on the others, score each held-out fold."""
    fold = folds_of((m[0].article_id for m in measured), k)
    folds = []
    pooled, base = Scores(), Scores()
    for number in range(k):
        train = [m for m in measured if fold[m[0].article_id] != number]
        test = [m for m in measured if fold[m[0].article_id] == number]
        if not test:
            continue
        chosen = tune(train)
        ours, baseline = score(test, chosen)
        pooled.merge(ours)
        base.merge(baseline)
        folds.append(Fold(number, len({m[0].article_id for m in test}), chosen, ours, baseline))
    return CrossValidation(folds, pooled, base, tune(measured))


def reason_examples(
    measured: Measured, settings: Settings, limit: int = 3
) -> dict[str, list[dict[str, str]]]:
    """Return a few claims the checker got wrong, by kind (missed unsupported, rejected supported)."""
    out: dict[str, list[dict[str, str]]] = {"missed": [], "rejected": []}
    for claim, found, _ in measured:
        verdict = decide(found, settings)
        kind = "missed" if (not claim.supported and verdict.supported) else None
        kind = "rejected" if (claim.supported and not verdict.supported) else kind
        if kind and len(out[kind]) < limit:
            out[kind].append(
                {"id": claim.id, "claim": claim.claim, "error": claim.error or "", "reason": verdict.reason}
            )
    return out

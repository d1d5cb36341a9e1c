"""Evaluation gates: scores must stay at or above floors pinned in a JSON baseline with the data's sha256.

Raising a floor is always allowed; lowering one needs an explicit flag, so quality cannot slip unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

from prism.errors import PrismError


class GateError(PrismError):
    """A baseline update would lower a floor without permission, or the baseline does not fit the data."""


def sha256_of(path: Path) -> str:
    """Return the sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def floors_from(scores: dict[str, dict[str, float]], *, step: float = 0.5) -> dict[str, dict[str, float]]:
    """Round measured scores down to `step`, so noise-free reruns pass and real losses fail."""
    return {
        kind: {m: round(math.floor(v / step + 1e-9) * step, 6) for m, v in metrics.items()}
        for kind, metrics in scores.items()
    }


def failures(baseline: dict[str, Any], scores: dict[str, dict[str, float]]) -> list[str]:
    """Return one message per measured score below its pinned floor."""
    found = []
    for kind, metrics in baseline["floors"].items():
        for metric, floor in metrics.items():
            value = scores[kind][metric]
            if value < floor - 1e-9:  # floors_from rounds with the same tolerance
                found.append(f"{kind} {metric}: {value:.2f} is below the pinned floor {floor:.2f}")
    return found


def update(
    path: Path,
    *,
    data: Path,
    scores: dict[str, dict[str, float]],
    allow_lower: bool,
    step: float = 0.5,
    **extra: Any,
) -> None:
    """Write new floors for `data` to the baseline at `path`; refuse to lower any without `allow_lower`.

    Floors are the scores rounded down to `step` (0.5 for ROUGE x100, 0.01 for nDCG).
    """
    new = floors_from(scores, step=step)
    if path.exists() and not allow_lower:
        old = json.loads(path.read_text(encoding="utf-8"))["floors"]
        lowered = [
            f"{kind} {metric}: {old[kind][metric]} -> {value}"
            for kind, metrics in new.items()
            for metric, value in metrics.items()
            if value < old.get(kind, {}).get(metric, -math.inf)
        ]
        if lowered:
            raise GateError("refusing to lower floors without --allow-lower: " + "; ".join(lowered))
    baseline = {"data": data.name, "sha256": sha256_of(data), **extra, "floors": new}
    path.write_text(json.dumps(baseline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

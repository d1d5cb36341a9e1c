"""The editions of every reader type, pinned: a change of shape must not change what readers get.

Each edition is pinned by the sha256 of its stored form (every field, provenance included) and of its text
rendering, on the packaged sample corpus and on the 1,360 shared articles. A change meant to alter editions
rewrites the pins with `pytest --update-golden tests/test_editions_unchanged.py` and says why in its commit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from prism.brief.render import render
from prism.records import Briefing
from tests.conftest import NEWS_8CLASS
from tests.golden_briefing import GOLDEN
from tests.pipeline_run import briefings_for

PINS = GOLDEN / "editions.json"


def fingerprint(briefing: Briefing) -> dict[str, str]:
    """Return the digests of an edition's stored form and of its text rendering."""
    stored = json.dumps(briefing.as_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return {
        "picks": " ".join(p.id for p in briefing.picks),
        "json": hashlib.sha256(stored).hexdigest(),
        "text": hashlib.sha256(render(briefing, "text").encode("utf-8")).hexdigest(),
    }


def check(corpus: str, briefings: list[Briefing], update: bool) -> None:
    pins: dict[str, Any] = json.loads(PINS.read_text(encoding="utf-8")) if PINS.exists() else {}
    found = {b.persona: fingerprint(b) for b in briefings}
    if update:
        pins[corpus] = found
        PINS.write_text(json.dumps(pins, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
        return
    assert corpus in pins, f"no pins for {corpus}: run pytest --update-golden {__file__}"
    assert len(found) == 8
    for persona, expected in pins[corpus].items():
        assert found[persona] == expected, f"{corpus}: the {persona} edition changed"


def test_sample_corpus_editions_unchanged(tmp_path: Path, update_golden: bool) -> None:
    sample = Path(__file__).resolve().parents[1] / "src" / "prism" / "data" / "sample"
    check(
        "sample",
        briefings_for(tmp_path, sorted(sample.glob("*.jsonl")), day=None, window="7d"),
        update_golden,
    )


@pytest.mark.slow
@pytest.mark.skipif(not NEWS_8CLASS.exists(), reason=f"{NEWS_8CLASS} is absent (../shared not here)")
def test_shared_articles_editions_unchanged(tmp_path: Path, update_golden: bool) -> None:
    briefings = briefings_for(tmp_path, [NEWS_8CLASS], day=date(2018, 5, 20), window="all")
    check("shared", briefings, update_golden)

"""Where the relevance floor fires: every reader type's edition on the shared articles, all at once and
section by section (a day that brought only that section's news).

python scripts/floor_notices.py [--news ../shared/data/news-ko-8class.jsonl]

The articles are ingested and analysed once in a temporary home; each pool is built from the stored rows
of its articles (as `prism eval personas --folds category` does) and each edition is written by the
product's own `prism.pipeline.edition`, notices included. Prints one Markdown table: per pool and reader
type, 관심 / 참고 / of which filled with the day's economic news, and the notices.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import date
from pathlib import Path

from prism.config import get_settings
from prism.ingest import ingest
from prism.pipeline import Fitted, edition, enrich_pending
from prism.recommend.base import recommenders
from prism.recommend.personas import load_personas
from prism.recommend.pool import build_pool, load_rows
from prism.recommend.reasons import FILLER_REASON
from prism.store import open_engine


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--news", type=Path, default=Path("../shared/data/news-ko-8class.jsonl"))
    parser.add_argument("--titles", action="store_true", help="list every pick's kind, title and reasons")
    args = parser.parse_args()
    categories = {}
    for line in args.news.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            row = json.loads(line)
            categories[row["id"]] = row.get("category") or "?"
    personas = load_personas()
    with tempfile.TemporaryDirectory(prefix="prism-floor-") as folder:
        settings = get_settings(home=Path(folder))
        engine = open_engine(settings.resolved_database_url)
        try:
            ingest([str(args.news)], engine=engine, settings=settings)
            enrich_pending(engine, settings)
            rows = load_rows(engine)
            pools = {"all 1,360": rows}
            for name in sorted(set(categories.values())):
                pools[name] = [r for r in rows if categories.get(r.external_id or "") == name]
            print("| pool | articles | reader type | 관심 | 참고 (economic filler) | notices |")
            print("|---|---:|---|---:|---:|---|")
            for name, members in pools.items():
                pool = build_pool(members)
                fitted = Fitted(
                    day=date(2018, 5, 20),
                    window="all",
                    pool=pool,
                    recommender=recommenders.get("prism")().fit(pool),
                    notices=(),
                )
                for key, persona in personas.items():
                    briefing, picks = edition(engine, settings, fitted, persona)
                    interest = sum(p.kind == "interest" for p in picks)
                    filler = sum(p.reasons[:1] == (FILLER_REASON,) for p in picks)
                    notes = " ".join(briefing.notices) or "–"
                    reference = f"{len(picks) - interest} ({filler})"
                    print(f"| {name} | {len(members)} | {key} | {interest} | {reference} | {notes} |")
                    for p in picks if args.titles else ():
                        why = "; ".join(p.reasons)[:70]
                        print(f"|  |  |  | {p.kind} | {pool.titles[p.index][:40]} | {why} |")
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()

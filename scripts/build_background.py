"""Count in how many YNAT headlines each noun appears: a background that tells generic words from
specific ones (기업 or 시장 are everywhere; 46파이 배터리 is not).

    python scripts/build_background.py [--data ../shared/data/ynat-headlines.tsv]

Writes src/prism/data/background_df.tsv: a `#documents<TAB>N` line, then `term<TAB>count` for every
term seen in at least two headlines. Counts only, no text: the headlines themselves stay out of the repo.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from prism.nlp.korean import analyze_many

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "prism" / "data" / "background_df.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ynat-headlines.tsv")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with args.data.open(encoding="utf-8", newline="") as handle:
        titles = [row["title"] for row in csv.DictReader(handle, delimiter="\t")]
    counts: Counter[str] = Counter()
    for analysis in analyze_many([("", title) for title in titles], workers=args.workers):
        counts.update({term for s in analysis.sentences for term in (*s.nouns, *s.phrases)})
    kept = sorted(((t, c) for t, c in counts.items() if c >= 2), key=lambda item: (-item[1], item[0]))
    with OUT.open("w", encoding="utf-8") as out:
        out.write(f"#documents\t{len(titles)}\n")
        out.writelines(f"{term}\t{count}\n" for term, count in kept)
    print(f"{len(titles):,} headlines, {len(kept):,} terms -> {OUT}")


if __name__ == "__main__":
    main()

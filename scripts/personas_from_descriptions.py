"""Would a reader type written from its description alone do as well as ours? (issue 15, item 2)

python scripts/personas_from_descriptions.py [--judgments ../shared/data/persona-judgments-dev.jsonl]
    [--pool /tmp/pool240.jsonl]

For each shipped reader type, its interests are replaced by the nouns and noun phrases of its own
`description` (weight 2, phrases 2.5; generic nouns left out; widened by Kiwi's similar morphemes as
usual; no negative terms). Both versions are scored on the judged pool with `prism eval personas`'s
evaluation, beside BM25 queries of the same terms. Make the pool as docs/recommend.md shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from prism.evaluate.personas import evaluate_personas, load_judgments
from prism.nlp.keywords import is_generic
from prism.nlp.korean import analyze
from prism.recommend.personas import Persona, load_personas


def interests_of(description: str) -> dict[str, float]:
    """Return the description's nouns (2) and noun phrases (2.5), generic nouns and numbers left out."""
    found: dict[str, float] = {}
    for sentence in analyze("", description).sentences:
        for noun in sentence.nouns:
            if len(noun) >= 2 and not is_generic(noun) and not any(c.isdigit() for c in noun):
                found[noun] = 2.0
        for phrase in sentence.phrases:
            found[phrase] = 2.5
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--judgments", type=Path, default=Path("../shared/data/persona-judgments-dev.jsonl"))
    parser.add_argument("--pool", type=Path, default=Path("/tmp/pool240.jsonl"))
    args = parser.parse_args()

    shipped = load_personas()
    described: dict[str, Persona] = {
        key: persona.model_copy(update={"interests": interests_of(persona.description), "negative": {}})
        for key, persona in shipped.items()
    }
    loaded = load_judgments(args.judgments)
    judgments = loaded[0] if isinstance(loaded, tuple) else loaded
    print("| reader type | shipped | from its description | BM25 of the description's terms |")
    print("|---|---:|---:|---:|")
    ours = evaluate_personas(judgments, args.pool, personas=shipped)
    alone = evaluate_personas(judgments, args.pool, personas=described)
    for key in [*shipped, "mean"]:
        a, b = ours.scores["ours"][key]["ndcg"], alone.scores["ours"][key]["ndcg"]
        c = alone.scores["bm25"][key]["ndcg"]
        print(f"| {key} | {a:.3f} | {b:.3f} | {c:.3f} |")


if __name__ == "__main__":
    main()

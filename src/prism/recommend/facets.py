"""Facets: what an interest means in economic news, with its synonyms and related terms.

A reader type that names 금리 wants news of 기준금리, 금통위 and 대출 금리 too; one written from a one-line
description (연금, 의료비, 사기) should not need an editor's list of every word the news uses for them. The
facets (data/facets.yaml) were written from the reader types' needs, not from judged articles. A persona's
interests, and the nouns of its description, switch on every facet that holds them; the facet's other
terms join the interests at a fraction of the switching term's weight. Terms the persona names itself,
or lists as negative, keep their own weight.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files

import yaml

from prism.errors import ConfigError

FACET_WEIGHT = 0.5  # a facet's other terms, relative to the weight of the term that switched it on
DESCRIPTION_WEIGHT = 2.0  # a noun of the description counts as a strong interest (core is 3)


@cache
def facets() -> dict[str, tuple[str, ...]]:
    """Return every facet's terms by facet name, as data/facets.yaml gives them."""
    source = files("prism") / "data" / "facets.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(terms, list) for terms in data.values()):
        raise ConfigError(f"{source}: expected facet names, each with a list of terms")
    return {str(name): tuple(" ".join(str(term).split()) for term in terms) for name, terms in data.items()}


@cache
def _facets_of() -> dict[str, tuple[str, ...]]:
    """Return, for every term, the names of the facets holding it (the name itself counts as a term)."""
    holding: dict[str, list[str]] = {}
    for name, terms in facets().items():
        for term in {name, *terms}:
            holding.setdefault(term, []).append(name)
    return {term: tuple(names) for term, names in holding.items()}


def widened(
    interests: Mapping[str, float],
    *,
    described: Iterable[str] = (),
    negative: Iterable[str] = (),
    weight: float | None = None,
) -> dict[str, float]:
    """Return `interests` with the terms of every facet they switch on, and the `described` terms (the
    description's nouns) with theirs, each at `weight` (default FACET_WEIGHT) × the strongest switching
    term's weight."""
    weight = FACET_WEIGHT if weight is None else weight
    switching = dict.fromkeys(described, DESCRIPTION_WEIGHT) | dict(interests)
    facet_weight: dict[str, float] = {}
    for term, term_weight in switching.items():
        for name in _facets_of().get(term, ()):
            facet_weight[name] = max(facet_weight.get(name, 0.0), term_weight)
    terms = dict(interests)
    skip = set(interests) | set(negative)
    for name, strongest in facet_weight.items() if weight > 0 else ():
        for term in facets()[name]:
            if term not in skip:
                terms[term] = max(terms.get(term, 0.0), strongest * weight)
    return terms

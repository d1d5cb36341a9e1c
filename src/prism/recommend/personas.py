"""Reader types (personas) as YAML files, validated with pydantic.

Eight ship in the package (data/personas/*.yaml); readers add or replace them with their own files in
$PRISM_HOME/personas/*.yaml (a file there with the key of a packaged persona replaces it).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from prism.config import default_home
from prism.errors import ConfigError, NotFoundError
from prism.nlp.topics import TOPICS

Weight = Annotated[float, Field(gt=0, le=5)]
# The weight of a description's nouns when a persona gives no interests: what its writer names is what the
# reader type cares about most (3, "core"). Held out, 3 beats 2 and ties 4 (docs/recommend.md).
DESCRIBED = 3.0


class Persona(BaseModel):
    """A reader type: who they are and which terms and topics matter to them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = Field(min_length=1, max_length=40)
    description: str = ""
    # Korean terms and how much they matter (3 core, 2 strong, 1 related); phrases allowed (투자 유치).
    # Left out, they are the description's nouns and noun phrases, each a core interest (DESCRIBED).
    interests: dict[str, Weight] = Field(default_factory=dict)
    # Terms that make an article less relevant for this reader (sports results for an economic reader).
    negative: dict[str, Weight] = Field(default_factory=dict)
    # How welcome each topic is, 0–1; a topic left out counts 0.5.
    topics: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict)
    # Widen the interests with Kiwi's most similar morphemes.
    expand: bool = True
    # Widen the interests, and the description's nouns, with the facets holding them (data/facets.yaml).
    facets: bool = True

    @field_validator("interests", "negative")
    @classmethod
    def _terms_are_words(cls, terms: dict[str, float]) -> dict[str, float]:
        cleaned: dict[str, float] = {}
        for term, weight in terms.items():
            words = " ".join(str(term).split())
            if not words:
                raise ValueError("a term is empty")
            cleaned[words] = weight
        return cleaned

    @model_validator(mode="before")
    @classmethod
    def _interests_or_description(cls, data: Any) -> Any:
        """Without interests, take them from the description (validated then like written ones)."""
        if not isinstance(data, dict) or data.get("interests"):
            return data
        description = data.get("description")
        if not isinstance(description, str) or not description.strip():
            raise ValueError("give interests, or a description to take them from")
        from prism.recommend.score import described  # Kiwi, loaded only for a persona that needs it

        negative = data.get("negative")
        negative = negative if isinstance(negative, dict) else {}  # a bad one is named by its own field
        found = [term for term in described(description) if term not in negative]
        if not found:
            raise ValueError("the description names no interest (no noun of two syllables or more)")
        return {**data, "interests": dict.fromkeys(found, DESCRIBED)}

    @field_validator("topics")
    @classmethod
    def _topics_are_known(cls, topics: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(topics) - set(TOPICS))
        if unknown:
            raise ValueError(f"unknown topic {', '.join(unknown)} (topics are {', '.join(TOPICS)})")
        return topics

    def topic_weight(self, topic: str) -> float:
        """Return how welcome a topic is for this reader (0–1)."""
        return self.topics.get(topic, 0.5)


def parse_persona(text: str, source: str) -> Persona:
    """Parse and validate one persona file's text; errors name `source` and the field."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}:{where} not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of fields (key, name, interests, …)")
    try:
        return Persona.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        where = f" field {field!r}:" if field else ""
        message = first["msg"].removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{source}:{where} {message}{more}") from None


def _files(folder: Any) -> Iterable[tuple[str, str]]:
    if not folder.is_dir():
        return []
    entries = sorted((entry for entry in folder.iterdir() if entry.name.endswith((".yaml", ".yml"))), key=str)
    return [(str(entry), entry.read_text(encoding="utf-8")) for entry in entries]


def home_folder(home: Path | None = None) -> Path:
    """Return the folder of a home's own personas."""
    root = home or default_home()
    return root / "personas"


def load_personas(home: Path | None = None) -> dict[str, Persona]:
    """Return every persona by key: the packaged ones, then the home's (which replace same keys)."""
    found: dict[str, Persona] = {}
    for folder in (files("prism") / "data" / "personas", home_folder(home)):
        seen: dict[str, str] = {}
        for source, text in _files(folder):
            persona = parse_persona(text, source)
            if persona.key in seen:
                raise ConfigError(f"{source}: key {persona.key!r} is also defined in {seen[persona.key]}")
            seen[persona.key] = source
            found[persona.key] = persona
    return found


def get_persona(key: str, home: Path | None = None) -> Persona:
    """Return one persona; an unknown key is an error that lists the known ones."""
    personas = load_personas(home)
    if key not in personas:
        raise NotFoundError(f"unknown persona {key!r}; known: {', '.join(personas)}")
    return personas[key]

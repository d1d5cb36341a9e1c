"""Small typed records passed between pipeline stages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One raw record read from a source, before validation.

    `where` names it for the user: ``news.jsonl:12``, ``feed.xml entry 3 ('제목')`` or a URL.
    """

    where: str
    fields: Mapping[str, Any]
    # A source name derived from the container (feed title, site name), used when nothing better is given.
    source_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record (or a whole input) that could not be used, and why."""

    where: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """Return the rejection as `{"where": …, "reason": …}`."""
        return {"where": self.where, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a source skipped or repaired that the user should hear about; not a rejection."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A validated, normalized article that is not stored yet."""

    title: str
    body: str
    content_hash: str
    external_id: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    category: str | None = None
    author: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    origin: str | None = None
    # Repairs validation made to keep the record, reported only if the article is stored.
    repairs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article."""

    id: int
    title: str
    body: str
    content_hash: str
    ingested_at: datetime
    external_id: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    category: str | None = None
    author: str | None = None
    canonical_of: int | None = None
    origin: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def display_id(self) -> str:
        """Return the id every output shows: the external id given at ingest, else the internal one."""
        return self.external_id or str(self.id)


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did. `ingested` counts every stored article, near duplicates included."""

    ingested: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # Things the user should know that did not stop a record (e.g. a page fetch that fell back to a teaser).
    warnings: list[Notice] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """Return 1 when every record was rejected, else 0."""
        stored_or_known = self.ingested + self.duplicates
        return 1 if self.rejected and stored_or_known == 0 else 0

    def as_dict(self) -> dict[str, Any]:
        """Return the report in the documented `--json` shape."""
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "rejected": [r.as_dict() for r in self.rejected],
        }


@dataclass(frozen=True, slots=True)
class PoolRow:
    """One article of the pool with its analysis columns, as the store returns them."""

    id: int
    external_id: str | None
    title: str
    url: str | None
    source: str | None
    time: datetime
    canonical_of: int | None
    content_hash: str
    topic: str | None
    keyphrases: Sequence[Sequence[Any]]
    title_terms: Sequence[Sequence[str]]
    counts: Mapping[str, int]
    terms: Mapping[str, float]

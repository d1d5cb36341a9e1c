"""The Briefing record: everything an edition shows, each sentence with its provenance."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence of the edition, verbatim from one article: which article, which sentence."""

    text: str
    article_id: int
    index: int  # the sentence's index in the article's analysis


@dataclass(frozen=True, slots=True)
class Section:
    """One ■ section: a short heading and a few sentences of one 관심 story."""

    heading: str
    sentences: tuple[Quote, ...]
    article_id: int

    @property
    def text(self) -> str:
        return " ".join(q.text for q in self.sentences)


@dataclass(frozen=True, slots=True)
class BriefPick:
    """One of the 6 picks as the edition shows it."""

    id: str  # the external id given at ingest, else the store id
    article_id: int
    kind: str  # interest | reference
    title: str
    url: str | None
    source: str | None
    summary: tuple[Quote, ...]
    reasons: tuple[str, ...]
    score: float
    topic: str | None
    story: int  # the story (event) this pick stands for, within the edition's pool
    story_size: int

    @property
    def summary_text(self) -> str:
        return " ".join(q.text for q in self.summary)


@dataclass(frozen=True, slots=True)
class Briefing:
    """An edition for one reader type and date."""

    persona: str
    persona_name: str
    date: str  # YYYY-MM-DD
    window: str
    brand: str
    title: str
    editor_note: str
    publisher: str
    copyright: str
    lead: tuple[tuple[Quote, ...], ...]  # paragraphs
    sections: tuple[Section, ...]
    picks: tuple[BriefPick, ...]
    keywords: tuple[str, ...]
    notices: tuple[str, ...] = field(default=())

    @property
    def interest(self) -> tuple[BriefPick, ...]:
        return tuple(p for p in self.picks if p.kind == "interest")

    @property
    def reference(self) -> tuple[BriefPick, ...]:
        return tuple(p for p in self.picks if p.kind == "reference")

    def quotes(self) -> list[Quote]:
        """Return every sentence of the edition: lead, sections, summaries."""
        found = [q for paragraph in self.lead for q in paragraph]
        found += [q for section in self.sections for q in section.sentences]
        found += [q for pick in self.picks for q in pick.summary]
        return found

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form (every field, provenance included)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Briefing:
        """Rebuild a briefing stored by `as_dict`."""

        def quotes(items: list[dict[str, Any]]) -> tuple[Quote, ...]:
            return tuple(Quote(**item) for item in items)

        return cls(
            **{
                **data,
                "lead": tuple(quotes(p) for p in data["lead"]),
                "sections": tuple(
                    Section(
                        heading=s["heading"], sentences=quotes(s["sentences"]), article_id=s["article_id"]
                    )
                    for s in data["sections"]
                ),
                "picks": tuple(
                    BriefPick(**{**p, "summary": quotes(p["summary"]), "reasons": tuple(p["reasons"])})
                    for p in data["picks"]
                ),
                "keywords": tuple(data["keywords"]),
                "notices": tuple(data.get("notices", ())),
            }
        )

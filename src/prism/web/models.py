"""The JSON API's response models: they put every schema in the OpenAPI document, and a test checks each
answer against them (unknown fields are refused, so a field added to an answer must be added here)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PersonaOut(Model):
    key: str
    name: str
    description: str


class SentenceRef(Model):
    """A sentence of an article: its id as shown in the edition and the sentence's index in it."""

    article_id: str
    index: int


class QuoteRef(SentenceRef):
    """Where an edition sentence comes from; a written one names every source sentence it rests on."""

    kind: str | None = None
    sources: list[SentenceRef] | None = None


class AnalysisOut(QuoteRef):
    text: str


class RejectedOut(Model):
    where: str
    text: str
    reason: str
    error: str | None
    article_ids: list[str]


class PickOut(Model):
    id: str
    title: str
    url: str | None
    source: str | None = Field(description="the outlet that published the article")
    summary: str
    sentences: list[str]
    source_indices: list[int]
    reasons: list[str]
    topic: str | None
    score: float
    sources: list[QuoteRef] | None = None


class SectionOut(Model):
    heading: str
    text: str
    article_ids: list[str]
    sources: list[QuoteRef]


class EditionOut(Model):
    """An edition in the documented JSON form (docs/formats.md)."""

    schema_version: int = Field(alias="schema")
    persona: str
    persona_name: str
    date: str
    window: str
    title: str
    editor_note: str
    lead: list[str]
    lead_sources: list[list[QuoteRef]]
    sections: list[SectionOut]
    interest: list[PickOut]
    reference: list[PickOut]
    keywords: list[str]
    notices: list[str]
    copyright: str
    analysis: list[AnalysisOut] | None = None
    rejected: list[RejectedOut] | None = None


class Page(Model):
    total: int = Field(description="how many items match, on every page")
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class EditionPage(Page):
    items: list[EditionOut]


class ArticleBrief(Model):
    id: str
    title: str
    url: str | None
    source: str | None
    published: str | None = Field(description="ISO 8601, UTC")


class ArticlePage(Page):
    items: list[ArticleBrief]


class ArticleOut(ArticleBrief):
    body: str
    topic: str | None
    keyphrases: list[str]


class Problem(Model):
    """An error as RFC 9457 problem details (application/problem+json)."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str

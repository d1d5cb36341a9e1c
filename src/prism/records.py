"""Small typed records passed between pipeline stages, and the closed vocabularies they use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

PickKind = Literal["interest", "reference"]  # 관심 뉴스 (the reader's interests) or 참고 뉴스 (context)
EditionStatus = Literal["draft", "published"]
Role = Literal["reader", "editor"]
FeedbackKind = Literal["up", "down", "click"]
# Where an edition sentence comes from: verbatim from its article ("source"), rewritten by a writer and
# accepted by the claim checker ("written"), or a checked sentence of interpretation no article states
# ("analysis", the reader type's angle: only with PRISM_LLM_COMMENTARY, and always shown apart).
QuoteKind = Literal["source", "written", "analysis"]

EDITION_STATUSES: tuple[EditionStatus, ...] = get_args(EditionStatus)
ROLES: tuple[Role, ...] = get_args(Role)
FEEDBACK_KINDS: tuple[FeedbackKind, ...] = get_args(FeedbackKind)


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


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article, with offsets into the original body."""

    index: int
    text: str
    start: int
    end: int
    lemmas: tuple[str, ...]
    tags: tuple[str, ...]
    nouns: tuple[str, ...]  # compound nouns, stop words removed
    terms: tuple[str, ...]  # nouns and predicate lemmas (what the sentence says), in order
    phrases: tuple[str, ...] = ()  # two or three nouns apart by one space: 차세대 배터리, 경량 AI 모델

    @property
    def is_statement(self) -> bool:
        """Return True for a full sentence: one with a sentence-final ending. Not statements: headline-style
        lines and fragments, a noun before the period included (…할 예정., …건 경우.), a question (with its
        mark or without: …무엇일까.), a line
        in brackets (a quote box, a deck), and a headline's informal ending left without a final mark
        (…하루도 안돼, …북한 달랠까, …주의하자), where a sentence would end in 다."""
        text = self.text
        if text.endswith("?") or (text.startswith("[") and text.endswith("]")):
            return False
        last = len(self.tags) - 1
        for i in range(last, max(-1, last - 4), -1):
            if self.tags[i] == "EF":
                if self.lemmas[i].endswith(("까", "는가", "ᆫ가", "던가")):
                    return False  # a question without its mark: …이유는 무엇일까. …해야 하는가.
                # No final mark: only a 다 ending (했다, 합니다) makes it a sentence.
                return not "가" <= text[-1:] <= "힣" or self.lemmas[i].endswith("다")
        return False


@dataclass(frozen=True, slots=True)
class Analysis:
    """What one pass of Kiwi says about an article."""

    title_terms: tuple[str, ...]
    title_nouns: tuple[str, ...]
    sentences: tuple[Sentence, ...]

    @property
    def terms(self) -> list[str]:
        """Return every content term of the body, in order, repeats included."""
        return [term for sentence in self.sentences for term in sentence.terms]


@dataclass(frozen=True, slots=True)
class Reader:
    """A signed-up reader, as the app sees them (never their password hash)."""

    id: int
    email: str
    role: Role
    persona: str | None
    interests: tuple[str, ...] = field(default=())
    muted: tuple[str, ...] = field(default=())
    subscribed: bool = False
    topics: tuple[tuple[str, str], ...] = field(default=())  # (topic, "follow" | "mute")
    companies: tuple[str, ...] = field(default=())  # followed companies
    muted_companies: tuple[str, ...] = field(default=())

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"


@dataclass(frozen=True, slots=True)
class Account:
    """A stored reader account as the store returns it: what log-in checks, beside the profile."""

    id: int
    email: str
    password_hash: str  # argon2id
    role: Role
    persona: str | None
    profile: Mapping[str, Any]
    created_at: datetime
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A reader's personal access token as they see it listed (never its hash)."""

    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary: sentences in article order, each with the index of the source sentence it is."""

    sentences: tuple[str, ...]
    source_indices: tuple[int, ...]

    @property
    def text(self) -> str:
        """Return the sentences joined by one space."""
        return " ".join(self.sentences)


@dataclass(frozen=True, slots=True)
class Pick:
    """One recommended article, its place in the edition and why it was chosen."""

    index: int  # position in the pool
    article_id: int
    score: float
    relevance: float
    kind: PickKind
    story: int
    story_size: int
    topic: str | None
    matched: tuple[str, ...]  # interest terms found in the article, strongest first
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence of the edition: verbatim from one article (which article, which sentence), or written
    from source sentences it names and the claim checker accepted."""

    text: str
    article_id: int
    index: int  # the sentence's index in the article's analysis (a written one: the first it rests on)
    kind: QuoteKind = "source"
    # A written sentence: every (article id, sentence index) it rests on, `(article_id, index)` first.
    sources: tuple[tuple[int, int], ...] = ()

    @property
    def written(self) -> bool:
        """Return True for a sentence a writer wrote rather than took verbatim."""
        return self.kind != "source"

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form; a verbatim sentence keeps the three fields it always had."""
        stored: dict[str, Any] = {"text": self.text, "article_id": self.article_id, "index": self.index}
        if self.kind != "source":
            stored["kind"] = self.kind
        if self.sources:
            stored["sources"] = [list(pair) for pair in self.sources]
        return stored

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quote:
        """Rebuild a quote stored by `as_dict` (or by `asdict`, before sentences had a kind)."""
        return cls(
            text=data["text"],
            article_id=data["article_id"],
            index=data["index"],
            kind=data.get("kind", "source"),
            sources=tuple((int(a), int(i)) for a, i in data.get("sources", ())),
        )


@dataclass(frozen=True, slots=True)
class Rejected:
    """A sentence a writer proposed that the edition does not show, and why (the claim checker's reason,
    or what made the writer's answer unusable)."""

    where: str  # the block it was meant for: lead[0], sections[1], sections[1].heading, picks[prism-019]
    text: str
    reason: str
    error: str | None = None  # the checker's error type (number, date, entity, …) when it gave one
    article_ids: tuple[int, ...] = ()  # the articles it claimed to rest on

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {
            "where": self.where,
            "text": self.text,
            "reason": self.reason,
            "error": self.error,
            "article_ids": list(self.article_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rejected:
        """Rebuild a rejected sentence stored by `as_dict`."""
        return cls(
            where=data["where"],
            text=data["text"],
            reason=data["reason"],
            error=data.get("error"),
            article_ids=tuple(data.get("article_ids", ())),
        )


@dataclass(frozen=True, slots=True)
class Section:
    """One ■ section: a theme's heading and a few sentences of the stories it groups."""

    heading: str
    sentences: tuple[Quote, ...]
    article_ids: tuple[int, ...]  # the theme's articles, its 관심 story first

    @property
    def text(self) -> str:
        return " ".join(q.text for q in self.sentences)


@dataclass(frozen=True, slots=True)
class BriefPick:
    """One of the 6 picks as the edition shows it."""

    id: str  # the external id given at ingest, else the store id
    article_id: int
    kind: PickKind
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
    # Sentences of interpretation (kind "analysis"), kept apart from the lead; only with commentary on.
    analysis: tuple[Quote, ...] = field(default=())
    # What a writer proposed and the edition does not show (replaced by source sentences), with reasons.
    rejected: tuple[Rejected, ...] = field(default=())

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
        """Return the stored form (every field, provenance included). A verbatim sentence and an edition
        without commentary or rejected sentences store exactly as they did before those existed."""

        def quotes(items: Sequence[Quote]) -> list[dict[str, Any]]:
            return [q.as_dict() for q in items]

        stored = asdict(self)
        stored["lead"] = [quotes(paragraph) for paragraph in self.lead]
        for section, given in zip(stored["sections"], self.sections, strict=True):
            section["sentences"] = quotes(given.sentences)
        for pick, given_pick in zip(stored["picks"], self.picks, strict=True):
            pick["summary"] = quotes(given_pick.summary)
        del stored["analysis"], stored["rejected"]
        if self.analysis:
            stored["analysis"] = quotes(self.analysis)
        if self.rejected:
            stored["rejected"] = [r.as_dict() for r in self.rejected]
        return stored

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Briefing:
        """Rebuild a briefing stored by `as_dict` (older stored forms too)."""

        def quotes(items: list[dict[str, Any]]) -> tuple[Quote, ...]:
            return tuple(Quote.from_dict(item) for item in items)

        return cls(
            **{
                **data,
                "analysis": quotes(data.get("analysis", [])),
                "rejected": tuple(Rejected.from_dict(r) for r in data.get("rejected", ())),
                "lead": tuple(quotes(p) for p in data["lead"]),
                "sections": tuple(
                    Section(
                        heading=s["heading"],
                        sentences=quotes(s["sentences"]),
                        # Editions stored before themes had one article per section.
                        article_ids=tuple(s["article_ids"]) if "article_ids" in s else (s["article_id"],),
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


@dataclass(frozen=True, slots=True)
class EditionListing:
    """A stored edition without its briefing, as lists show it."""

    id: int
    persona: str
    edition_date: str  # YYYY-MM-DD
    status: EditionStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Edition:
    """A stored edition: the briefing as built or edited, with its inputs."""

    id: int
    persona: str
    edition_date: str  # YYYY-MM-DD
    status: EditionStatus
    created_at: datetime
    settings_digest: str
    article_ids: tuple[int, ...]
    briefing: Briefing


@dataclass(frozen=True, slots=True)
class EditionEdit:
    """One change an editor made to an edition."""

    id: int
    edition_id: int
    editor_id: int | None
    at: datetime
    field: str
    diff: str


@dataclass(frozen=True, slots=True)
class Feedback:
    """One piece of a reader's feedback, with the TF-IDF vector of the article it is about."""

    article_id: int
    kind: FeedbackKind
    created_at: datetime
    terms: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """What enrichment stored about one text (by content hash), its JSON columns as stored."""

    content_hash: str
    analyzer: str
    title_terms: Sequence[Sequence[str]]
    sentences: Sequence[Any]  # nlp.korean.from_json rebuilds the Analysis from these two
    keyphrases: Sequence[tuple[str, float]]
    terms: Mapping[str, float]
    topic: str | None
    topic_score: float | None
    analyzed_at: datetime
    counts: Mapping[str, int] | None


@dataclass(frozen=True, slots=True)
class StoredPick:
    """One pick of a reader's own edition as stored: the article, its kind, its score and relevance;
    `filler` marks a 참고 pick filled with the day's economic news."""

    article_id: int
    kind: PickKind
    score: float
    relevance: float
    filler: bool = False


@dataclass(frozen=True, slots=True)
class ReaderEdition:
    """A reader's own edition of one date, stored compactly (rendered on demand from its picks)."""

    reader_id: int
    edition_date: str  # YYYY-MM-DD
    window: str
    picks: tuple[StoredPick, ...]
    settings_digest: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewFeedback:
    """A piece of feedback to store in bulk (simulated readers' histories)."""

    reader_id: int
    article_id: int
    kind: FeedbackKind
    created_at: datetime

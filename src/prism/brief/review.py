"""Editor review: edit an edition's lead, headings and summaries, drop picks; every change is diffed.

An edited passage is the editor's words, not an article's: it is stored as one quote with index -1, so
provenance stays honest (verbatim sentences keep their article and index; edited text says it was edited).
`unsupported` runs the claim checker on every sentence an editor wrote, so the review page can flag what
the articles do not support before publishing (publishing anyway is allowed, and recorded with the flags).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Mapping, Sequence

from prism.records import Analysis, Briefing, BriefPick, Quote, Section

EDITED = -1  # the index of a quote an editor wrote


def diff(before: str, after: str) -> str:
    """Return a unified diff of two texts, line by line (sentences on their own lines)."""

    def split(text: str) -> list[str]:
        return text.replace(". ", ".\n").splitlines()

    return "\n".join(difflib.unified_diff(split(before), split(after), "before", "after", lineterm=""))


def _quotes(text: str, old: Sequence[Quote], article_id: int) -> tuple[Quote, ...]:
    if " ".join(q.text for q in old) == text:
        return tuple(old)
    return (Quote(text=text, article_id=old[0].article_id if old else article_id, index=EDITED),)


def apply_edits(
    briefing: Briefing,
    *,
    lead: Sequence[str] | None = None,
    headings: Sequence[str] | None = None,
    summaries: Mapping[int, str] | None = None,
    drop: Collection[int] = (),
) -> tuple[Briefing, list[tuple[str, str]]]:
    """Return the edited briefing and the (field, diff) of every change made."""
    changes: list[tuple[str, str]] = []
    new_lead = list(briefing.lead)
    for i, text in enumerate(lead or ()):
        text = " ".join(text.split())
        if i < len(new_lead) and text and text != " ".join(q.text for q in new_lead[i]):
            changes.append((f"lead[{i}]", diff(" ".join(q.text for q in new_lead[i]), text)))
            new_lead[i] = _quotes(text, new_lead[i], 0)
    sections: list[Section] = []
    for i, section in enumerate(briefing.sections):
        if section.article_ids[0] in drop:  # the story that leads the theme
            changes.append((f"sections[{i}]", diff(f"{section.heading}\n{section.text}", "")))
            continue
        if dropped := [a for a in section.article_ids if a in drop]:
            kept = dataclasses.replace(
                section,
                sentences=tuple(q for q in section.sentences if q.article_id not in dropped),
                article_ids=tuple(a for a in section.article_ids if a not in dropped),
            )
            changes.append((f"sections[{i}]", diff(section.text, kept.text)))
            section = kept
        heading = " ".join((headings[i] if headings and i < len(headings) else section.heading).split())
        if heading and heading != section.heading:
            changes.append((f"sections[{i}].heading", diff(section.heading, heading)))
            section = dataclasses.replace(section, heading=heading[:40])
        sections.append(section)
    picks: list[BriefPick] = []
    for pick in briefing.picks:
        if pick.article_id in drop:
            changes.append((f"picks[{pick.id}]", diff(pick.title, "")))
            continue
        text = " ".join((summaries or {}).get(pick.article_id, pick.summary_text).split())
        if text and text != pick.summary_text:
            changes.append((f"picks[{pick.id}].summary", diff(pick.summary_text, text)))
            pick = dataclasses.replace(pick, summary=_quotes(text, pick.summary, pick.article_id))
        picks.append(pick)
    edited = dataclasses.replace(briefing, lead=tuple(new_lead), sections=tuple(sections), picks=tuple(picks))
    return edited, changes


@dataclasses.dataclass(frozen=True, slots=True)
class Flag:
    """A sentence an editor wrote that the claim checker finds unsupported."""

    field: str  # lead[0], picks[3].summary
    sentence: str
    reason: str


def unsupported(briefing: Briefing, articles: Mapping[int, Analysis]) -> list[Flag]:
    """Return every sentence an editor wrote (a quote with index `EDITED`) that the articles do not
    support: a 핵심 요약 against its own article, the lead against all the edition's picks."""
    from prism.nlp.korean import analyze
    from prism.verify import check

    everything = [articles[p.article_id] for p in briefing.picks if p.article_id in articles]
    flags: list[Flag] = []

    def flag(field: str, quote: Quote, sources: Sequence[Analysis]) -> None:
        for sentence in analyze("", quote.text).sentences:
            verdict = check(sentence.text, sources)
            if not verdict.supported:
                flags.append(Flag(field, sentence.text, verdict.reason))

    for i, paragraph in enumerate(briefing.lead):
        for quote in paragraph:
            if quote.index == EDITED:
                flag(f"lead[{i}]", quote, everything)
    for pick in briefing.picks:
        own = [articles[pick.article_id]] if pick.article_id in articles else []
        for quote in pick.summary:
            if quote.index == EDITED:
                flag(f"picks[{pick.id}].summary", quote, own)
    return flags

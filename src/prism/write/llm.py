"""The `openai` writer: the extractive edition rewritten by a language model, checked sentence by sentence.

It starts from the extractive edition (`compose`): the picks, their 핵심 요약, the themes, their headings
and the source sentences all come from there. Then it asks an OpenAI-compatible endpoint (`chat.Chat`) for

- one call per article (whatever the reader type, so the answer is cached and shared): the article's
  핵심 요약 rewritten from its numbered source sentences, main point first;
- one call per edition: the lead (two paragraphs in the reader type's angle), the ■ sections' text and
  their noun-phrase headings, and with PRISM_LLM_COMMENTARY a sentence or two of interpretation.

Every sentence of an answer names the source sentences it rests on and goes to the claim checker
(`prism.verify.check`) with the articles it names. A block (a 핵심 요약, a lead paragraph, a section) is
shown as written only when every sentence of it passes; otherwise the block is the extractive one, and
what failed is kept in `Briefing.rejected` with the checker's reason. Whole blocks, not single sentences,
fall back because the extractive blocks are built to read on their own (main point first, no sentence
leaning on one left out, within the character budget): a source sentence dropped into a rewritten summary
would repeat what its neighbours paraphrase, switch register mid-paragraph, and may lean on a sentence
that is not there. An endpoint that is down, slow or answers garbage leaves the extractive edition and a
notice; it never fails the run.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Annotated, cast

from pydantic import BaseModel, ConfigDict, Field

from prism.config import Settings
from prism.nlp.discourse import written
from prism.recommend.personas import Persona
from prism.recommend.pool import Pool
from prism.records import Analysis, Briefing, BriefPick, Pick, Quote, QuoteKind, Rejected, Section
from prism.store import open_engine
from prism.summarize.base import Summarizer
from prism.verify import check
from prism.write.base import writers
from prism.write.chat import Call, Chat, Failure, require
from prism.write.extractive import HEADING_CHARS, compose, replacement
from prism.write.pieces import PIECE, Piece, Text, extractive_piece

log = logging.getLogger("prism.write.llm")

# Bump when a prompt file or an answer model changes what a call means: cached answers are keyed by it.
PROMPT_VERSION = "1"
SUMMARY_SOURCES = 40  # source sentences of an article shown for its 핵심 요약
EDITION_SOURCES = 12  # per article, for the lead and the sections
LONGEST_SUMMARY = 2.0  # times PRISM_SUMMARY_CHARS: a longer 핵심 요약 is not one

UNAVAILABLE = "AI 작성기를 사용할 수 없어 원문 문장으로 작성했습니다."
PARTIAL = "AI 작성기가 일부를 작성하지 못해 그 부분은 원문 문장으로 작성했습니다."


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SummarySentence(_Answer):
    text: str = Field(min_length=2, max_length=400)
    sources: list[int] = Field(min_length=1, max_length=8)


class SummaryAnswer(_Answer):
    """A 핵심 요약: a few sentences, each with the numbers of the source sentences it rests on."""

    sentences: list[SummarySentence] = Field(min_length=1, max_length=6)


class Ref(_Answer):
    article: int  # the article's number in the request (1–6)
    sentence: int  # the source sentence's number in that article


class EditionSentence(_Answer):
    text: str = Field(min_length=2, max_length=400)
    sources: list[Ref] = Field(min_length=1, max_length=8)


Paragraph = Annotated[list[EditionSentence], Field(min_length=1, max_length=4)]


class ThemeAnswer(_Answer):
    theme: int
    heading: str = Field(min_length=1, max_length=60)
    sentences: list[EditionSentence] = Field(min_length=1, max_length=6)


class EditionAnswer(_Answer):
    """The lead's paragraphs and each theme's heading and sentences."""

    lead: list[Paragraph] = Field(min_length=1, max_length=2)
    sections: list[ThemeAnswer] = Field(max_length=3)


class CommentedEditionAnswer(EditionAnswer):
    """The same, with at most two sentences of interpretation (PRISM_LLM_COMMENTARY)."""

    commentary: list[EditionSentence] = Field(max_length=2)


@cache
def prompt(name: str) -> str:
    """Return a packaged prompt (src/prism/data/prompts/NAME)."""
    return (files("prism") / "data" / "prompts" / name).read_text(encoding="utf-8")


def _data(text: str) -> str:
    """Return article text as it goes inside the data tags: one line, and no angle bracket that could
    close the tag or open one of its own (〈〉 read the same in Korean text)."""
    return " ".join(text.replace("<", "〈").replace(">", "〉").split())


def _article(title: str, analysis: Analysis, limit: int, number: int | None = None, kind: str = "") -> str:
    """Return an article as numbered source sentences inside <article> tags."""
    attributes = f' n="{number}" kind="{kind}"' if number is not None else ""
    statements = [s for s in analysis.sentences if s.is_statement][:limit]
    lines = [f"<article{attributes}>", f"제목: {_data(title)}"]
    lines += [f"[{s.index}] {_data(written(s))}" for s in statements]
    return "\n".join([*lines, "</article>"])


def summary_call(title: str, analysis: Analysis, settings: Settings) -> Call:
    """Return the call that rewrites one article's 핵심 요약 (nothing of the reader in it: it is shared)."""
    n = settings.summary_sentences
    system = (
        prompt("summary.txt")
        .replace("{sentences}", f"{n - 1}–{n}" if n > 2 else str(n))
        .replace("{chars}", str(settings.summary_chars))
    )
    user = "Write the 핵심 요약 of this article.\n\n" + _article(title, analysis, SUMMARY_SOURCES)
    return Call("summary", PROMPT_VERSION, system, user, SummaryAnswer)


def edition_call(
    persona: Persona, base: Briefing, by_article: Mapping[int, Analysis], *, commentary: bool
) -> Call:
    """Return the call that writes an edition's lead and its sections' headings and text."""
    number = {pick.article_id: n for n, pick in enumerate(base.picks, start=1)}
    system = (
        prompt("edition.txt")
        .replace("{commentary}", prompt("commentary.txt") if commentary else "")
        .replace(
            "{commentary_shape}", ',\n "commentary": [{"text": "…", "sources": […]}]' if commentary else ""
        )
    )
    articles = [
        _article(
            p.title, by_article[p.article_id], EDITION_SOURCES, n, "관심" if p.kind == "interest" else "참고"
        )
        for n, p in enumerate(base.picks, start=1)
    ]
    themes = [
        f"{k}. articles {', '.join(str(number[a]) for a in s.article_ids)} (heading now: {_data(s.heading)})"
        for k, s in enumerate(base.sections, start=1)
    ]
    user = "\n\n".join(
        [
            f"Reader type: {_data(persona.name)}: {_data(persona.description)}",
            *articles,
            "Themes:\n" + ("\n".join(themes) if themes else "(none: leave `sections` empty)"),
            "Write the lead and the sections of these themes.",
        ]
    )
    answer = CommentedEditionAnswer if commentary else EditionAnswer
    return Call("edition", PROMPT_VERSION, system, user, answer)


Numbered = Mapping[int, tuple[int, Analysis]]  # an article's number in a request → (article id, analysis)


@dataclasses.dataclass
class _Checker:
    """Checks written sentences against the articles they name, and keeps what it turned down."""

    rejected: list[Rejected] = dataclasses.field(default_factory=list)

    def quote(
        self, where: str, text: str, refs: Iterable[tuple[int, int]], numbered: Numbered, kind: QuoteKind
    ) -> Quote | None:
        """Return the sentence as a Quote when the checker accepts it against the articles it names (a
        sentence of commentary: when all it adds is interpretation), else None with the reason kept.
        Only the articles in `numbered` may be named."""
        text = " ".join(text.split())
        refs = list(dict.fromkeys(refs))
        for n, i in refs:
            if n not in numbered or i not in {s.index for s in numbered[n][1].sentences}:
                self.turn_down(where, text, f"names source sentence {i} of article {n}, not given")
                return None
        # The articles it is about, each once, in the order it names them.
        about = dict(numbered[n] for n, _ in refs)
        verdict = check(text, list(about.values()))
        if not (verdict.supported or (kind == "analysis" and verdict.error == "addition")):
            self.turn_down(where, text, verdict.reason, verdict.error, tuple(about))
            return None
        sources = tuple((numbered[n][0], i) for n, i in refs)
        return Quote(text=text, article_id=sources[0][0], index=sources[0][1], kind=kind, sources=sources)

    def turn_down(
        self, where: str, text: str, reason: str, error: str | None = None, articles: tuple[int, ...] = ()
    ) -> None:
        self.rejected.append(
            Rejected(where=where, text=text, reason=reason, error=error, article_ids=articles)
        )

    def block(
        self,
        where: str,
        sentences: Sequence[EditionSentence],
        numbered: Numbered,
        kind: QuoteKind = "written",
    ) -> tuple[Quote, ...] | None:
        """Return a block's sentences when every one passes, else None (each failure kept)."""
        quotes = [
            self.quote(where, s.text, ((r.article, r.sentence) for r in s.sources), numbered, kind)
            for s in sentences
        ]
        return tuple(q for q in quotes if q is not None) if all(quotes) else None

    def summary(
        self, pick: BriefPick | tuple[str, int], answer: SummaryAnswer, analysis: Analysis, settings: Settings
    ) -> tuple[Quote, ...] | None:
        """Return a written 핵심 요약 when every sentence passes and it keeps to its length, else None.
        `pick` is the edition's pick, or (its id, its article id)."""
        pick_id, article_id = (pick.id, pick.article_id) if isinstance(pick, BriefPick) else pick
        where = f"picks[{pick_id}]"
        numbered = {0: (article_id, analysis)}
        quotes = [
            self.quote(where, s.text, ((0, i) for i in s.sources), numbered, "written")
            for s in answer.sentences
        ]
        if not all(quotes):
            return None
        written_ = tuple(q for q in quotes if q is not None)
        text = " ".join(q.text for q in written_)
        if len(text) > LONGEST_SUMMARY * settings.summary_chars:
            limit = f"longer than {LONGEST_SUMMARY:g} × PRISM_SUMMARY_CHARS"
            self.turn_down(where, text, f"{len(text)} characters: {limit}", None, (article_id,))
            return None
        return written_


def _heading(
    heading: str, section: Section, titles: Mapping[int, str], by_article: Mapping[int, Analysis]
) -> str | None:
    """Return why a written heading cannot stand, or None: a noun phrase of at most 20 characters, every
    word of it in the theme's articles (a heading names the theme, nothing new)."""
    if len(heading) > HEADING_CHARS:
        return f"{len(heading)} characters: a heading has at most {HEADING_CHARS}"
    if "·" in heading or heading.endswith(("다", ".", "?", "!")):
        return "not a noun phrase naming one theme"
    said = "".join(
        titles[a] + "".join(s.text for s in by_article[a].sentences) for a in section.article_ids
    ).replace(" ", "")
    missing = [word for word in heading.split() if word.strip("‘’“”'\"…") not in said]
    return f"the articles do not say {missing[0]!r}" if missing else None


@writers.register("openai")
class LLMWriter:
    """Rewrites the extractive edition with a language model; only checked sentences are published."""

    def ready(self, settings: Settings) -> None:
        """Raise a ConfigError naming the setting when the endpoint or model is not set."""
        require(settings)

    def write(
        self,
        *,
        persona: Persona,
        date: str,
        window: str,
        picks: Sequence[Pick],
        pool: Pool,
        analyses: Mapping[str, Analysis],
        settings: Settings,
        summarizer: Summarizer,
        notices: Sequence[str] = (),
    ) -> Briefing:
        """Return the edition of `picks`: the extractive one with what the model wrote and the checker
        accepted in place of its blocks."""
        base = compose(
            persona=persona,
            date=date,
            window=window,
            picks=picks,
            pool=pool,
            analyses=analyses,
            settings=settings,
            summarizer=summarizer,
            notices=notices,
        )
        by_article = {pick.article_id: analyses[pool.content_hash(pick.index)] for pick in picks}
        try:
            return self._rewrite(base, persona, by_article, settings)
        except Exception as exc:  # whatever goes wrong with the model, the run ships the extractive edition
            log.warning(
                "the openai writer failed (%s: %s); the edition is extractive", type(exc).__name__, exc
            )
            return dataclasses.replace(base, notices=(*base.notices, UNAVAILABLE))

    def _rewrite(
        self, base: Briefing, persona: Persona, by_article: Mapping[int, Analysis], settings: Settings
    ) -> Briefing:
        calls = [summary_call(p.title, by_article[p.article_id], settings) for p in base.picks]
        calls.append(edition_call(persona, base, by_article, commentary=settings.llm_commentary))
        answers = _ask(calls, settings)
        checker = _Checker()
        picks = [
            dataclasses.replace(pick, summary=written_)
            if not isinstance(answer, Failure)
            and (
                written_ := checker.summary(
                    pick, cast(SummaryAnswer, answer), by_article[pick.article_id], settings
                )
            )
            else pick
            for pick, answer in zip(base.picks, answers, strict=False)
        ]
        edition = answers[-1]
        briefing = dataclasses.replace(base, picks=tuple(picks))
        if not isinstance(edition, Failure):
            briefing = _edition(briefing, cast(EditionAnswer, edition), by_article, checker)
        failures = [a for a in answers if isinstance(a, Failure)]
        notice = UNAVAILABLE if len(failures) == len(answers) else PARTIAL if failures else None
        return dataclasses.replace(
            briefing,
            notices=(*base.notices, *([notice] if notice else [])),
            rejected=tuple(checker.rejected),
        )

    def pieces(self, texts: Sequence[Text], *, settings: Settings, summarizer: Summarizer) -> list[Piece]:
        """Return each article's shared 핵심 요약 (one call per article, nothing of a reader in it): the
        written one where every sentence passes the checker, else the extractive one. A piece without an
        answer (the endpoint failed, or answered garbage) is not final: a later run asks again."""
        extractive = [extractive_piece(analysis, settings, summarizer) for _, analysis in texts]
        try:
            answers = _ask([summary_call(title, analysis, settings) for title, analysis in texts], settings)
        except Exception as exc:  # whatever goes wrong with the model, the pieces are extractive
            log.warning("the openai writer failed (%s: %s)", type(exc).__name__, exc)
            return [dataclasses.replace(p, final=False) for p in extractive]
        pieces = []
        for (_, analysis), piece, answer in zip(texts, extractive, answers, strict=True):
            if isinstance(answer, Failure):
                pieces.append(dataclasses.replace(piece, final=False))
                continue
            checker = _Checker()
            written_ = checker.summary(("", PIECE), cast(SummaryAnswer, answer), analysis, settings)
            pieces.append(
                dataclasses.replace(
                    piece, summary=written_ or piece.extractive, rejected=tuple(checker.rejected)
                )
            )
        return pieces

    def replace(
        self,
        briefing: Briefing,
        *,
        old_article_id: int,
        pick: Pick,
        pool: Pool,
        analysis: Analysis,
        settings: Settings,
        summarizer: Summarizer,
    ) -> Briefing:
        """Return `briefing` with one pick replaced (the extractive swap), the new 핵심 요약 rewritten."""
        swapped = replacement(
            briefing,
            old_article_id=old_article_id,
            pick=pick,
            pool=pool,
            analysis=analysis,
            settings=settings,
            summarizer=summarizer,
        )
        swapped = dataclasses.replace(
            swapped,
            analysis=tuple(q for q in swapped.analysis if all(a != old_article_id for a, _ in q.sources)),
            rejected=tuple(r for r in swapped.rejected if old_article_id not in r.article_ids),
        )
        new = next(p for p in swapped.picks if p.article_id == pick.article_id)
        try:
            [answer] = _ask([summary_call(new.title, analysis, settings)], settings)
        except Exception as exc:  # the swap stands with the extractive summary
            log.warning("the openai writer failed (%s: %s)", type(exc).__name__, exc)
            return swapped
        checker = _Checker(list(swapped.rejected))
        written_ = (
            None
            if isinstance(answer, Failure)
            else checker.summary(new, cast(SummaryAnswer, answer), analysis, settings)
        )
        picks = tuple(
            dataclasses.replace(p, summary=written_) if p is new and written_ else p for p in swapped.picks
        )
        return dataclasses.replace(swapped, picks=picks, rejected=tuple(checker.rejected))


def _ask(calls: Sequence[Call], settings: Settings) -> list[BaseModel | Failure]:
    """Answer `calls` with the settings' store as the cache (opened for the batch, closed after)."""
    engine = open_engine(settings.resolved_database_url)
    try:
        return Chat(settings, engine).answers(calls)
    finally:
        engine.dispose()


def _edition(
    briefing: Briefing, answer: EditionAnswer, by_article: Mapping[int, Analysis], checker: _Checker
) -> Briefing:
    """Return `briefing` with the written lead paragraphs, section texts and headings that pass."""
    numbered = {n: (p.article_id, by_article[p.article_id]) for n, p in enumerate(briefing.picks, start=1)}
    number = {article_id: n for n, (article_id, _) in numbered.items()}
    titles = {p.article_id: p.title for p in briefing.picks}
    lead = list(briefing.lead)
    for i, paragraph in enumerate(answer.lead[: len(lead)]):
        lead[i] = checker.block(f"lead[{i}]", paragraph, numbered) or lead[i]
    sections = list(briefing.sections)
    done: set[int] = set()
    for theme in answer.sections:
        k = theme.theme - 1
        if not 0 <= k < len(sections) or k in done:  # a theme there is not, or one written twice
            continue
        done.add(k)
        section = sections[k]
        own = {number[a]: numbered[number[a]] for a in section.article_ids if a in number}
        sentences = checker.block(f"sections[{k}]", theme.sentences, own) or section.sentences
        heading = " ".join(theme.heading.split())
        why = _heading(heading, section, titles, by_article)
        if why:
            checker.turn_down(f"sections[{k}].heading", heading, why, None, section.article_ids)
            heading = section.heading
        sections[k] = dataclasses.replace(section, heading=heading, sentences=sentences)
    analysis: tuple[Quote, ...] = ()
    if isinstance(answer, CommentedEditionAnswer):
        found = [
            checker.quote(
                "analysis", s.text, ((r.article, r.sentence) for r in s.sources), numbered, "analysis"
            )
            for s in answer.commentary
        ]
        analysis = tuple(q for q in found if q is not None)
    return dataclasses.replace(briefing, lead=tuple(lead), sections=tuple(sections), analysis=analysis)

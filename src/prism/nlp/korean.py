"""One Kiwi per process, and one analysis pass per article: sentences and their tokens from the same call.

Compound nouns are adjacent noun-like tokens merged into one term (삼성SDI, 영업이익, 금융통화위원회); a
user dictionary we ship (data/userdict.txt), extended by $PRISM_HOME/userdict.txt, teaches Kiwi names it
would otherwise split (46파이 배터리, HBM3E, 카카오뱅크).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prism.errors import ConfigError
from prism.nlp.clean import Cleaned, clean_for_analysis

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# Bump when what an analysis contains changes: enrichment re-analyses articles analysed by older versions.
ANALYZER_VERSION = "kiwi2"

# 품사 (part-of-speech) tags, Sejong style as Kiwi uses them.
NOUN_LIKE = frozenset({"NNG", "NNP", "NR", "SL", "SH", "SN"})  # 명사, 외국어, 한자, 숫자 (noun-like)
PREDICATES = frozenset({"VV", "VA"})  # 동사, 형용사 (verbs, adjectives): lemma = stem + 다
SENTENCE_END = frozenset({"EF"})  # 종결 어미 (sentence-final ending)

MIN_TERM_CHARS = 1


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
        """Return True for a full sentence: a sentence-final ending, or a period after a noun ending
        (…때문., …예정.); headline-style lines and fragments have neither."""
        return "EF" in self.tags[-4:] or (self.tags[-1:] == ("SF",) and self.text.endswith("."))


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


def _userdict_paths() -> list[Path]:
    paths = [Path(str(files("prism") / "data" / "userdict.txt"))]
    home = Path(os.environ.get("PRISM_HOME") or Path.home() / ".prism").expanduser()
    if (home / "userdict.txt").exists():
        paths.append(home / "userdict.txt")
    return paths


@cache
def kiwi(workers: int = 1) -> Kiwi:
    """Return this process's Kiwi for `workers` threads, created on first use with our user dictionaries."""
    from kiwipiepy import Kiwi  # here, not at the top: loading the model takes a second

    instance = Kiwi(num_workers=workers)
    for path in _userdict_paths():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            entry = line.split("#", 1)[0].strip()
            if not entry:
                continue
            word, _, tag = entry.partition("\t")
            try:
                instance.add_user_word(word.strip(), (tag.strip() or "NNP"), 0.0)
            except (ValueError, RuntimeError) as exc:
                raise ConfigError(f"{path}:{number}: cannot add {word!r} to the dictionary: {exc}") from None
    return instance


def analyze(title: str, body: str, *, workers: int = 1) -> Analysis:
    """Analyse one article."""
    return next(analyze_many([(title, body)], workers=workers))


def analyze_many(articles: Iterable[tuple[str, str]], *, workers: int = 1) -> Iterator[Analysis]:
    """Analyse (title, body) pairs; all their lines go through one Kiwi call, in parallel with `workers`.

    Results stream: an article is assembled as soon as its lines are back, while Kiwi's threads work
    on the next ones.
    """
    batch = list(articles)
    cleaned = [clean_for_analysis(body) for _, body in batch]
    # Every title and every non-empty line of every body, flattened; a line break always ends a sentence.
    lines: list[str] = []
    plan: list[list[int]] = []  # per article: where its body lines start in the cleaned text
    for (title, _), clean in zip(batch, cleaned, strict=True):
        lines.append(title or "")
        offsets = []
        position = 0
        for line in clean.text.split("\n"):
            if line.strip():
                offsets.append(position)
                lines.append(line)
            position += len(line) + 1
        plan.append(offsets)
    results = iter(kiwi(workers).split_into_sents(iter(lines), return_tokens=True)) if lines else iter(())
    for offsets, clean in zip(plan, cleaned, strict=True):
        title_tagged = [item[:2] for sent in next(results) for item in _terms(*_columns(sent.tokens))]
        sentences: list[Sentence] = []
        for line_offset in offsets:
            for sent in next(results):
                sentence = _sentence(len(sentences), sent, line_offset, clean)
                if sentence is not None:
                    sentences.append(sentence)
        yield Analysis(
            title_terms=tuple(term for term, _ in title_tagged),
            title_nouns=tuple(term for term, noun in title_tagged if noun),
            sentences=tuple(sentences),
        )


def _sentence(index: int, sent: Any, line_offset: int, clean: Cleaned) -> Sentence | None:
    text = sent.text.strip()
    if not text:
        return None
    lead = len(sent.text) - len(sent.text.lstrip())
    start = line_offset + sent.start + lead
    # Kiwi builds a new Python string on every attribute read: read each token once.
    forms, tags, starts, ends = _columns(sent.tokens)
    tagged = list(_terms(forms, tags, starts, ends))
    return Sentence(
        index=index,
        text=text,
        start=clean.original_offset(start),
        end=clean.original_offset(start + len(text) - 1) + 1,
        lemmas=tuple(
            [form + "다" if tag in PREDICATES else form for form, tag in zip(forms, tags, strict=True)]
        ),
        tags=tuple(tags),
        nouns=tuple(term for term, noun, _, _ in tagged if noun),
        terms=tuple(term for term, _, _, _ in tagged),
        phrases=tuple(_phrases(tagged, sent.text, sent.start)),
    )


def _phrases(tagged: Sequence[tuple[str, bool, int, int]], text: str, offset: int) -> Iterator[str]:
    """Yield runs of 2–3 nouns separated by exactly one space (no particle between them).

    Token offsets count from the analysed line; `offset` is where the sentence `text` starts in it.
    """
    run: list[tuple[str, int, int]] = []
    for term, noun, start, end in [*tagged, ("", False, -1, -1)]:
        gap = text[run[-1][2] - offset : start - offset] if run else ""
        if noun and run and start == run[-1][2] + 1 and gap == " " and len(run) < 3:
            run.append((term, start, end))
            continue
        if len(run) >= 2:
            yield " ".join(part for part, _, _ in run)
        run = [(term, start, end)] if noun else []


@cache
def stopwords() -> frozenset[str]:
    """Return the words that say nothing about what an article is about (data/stopwords.txt)."""
    text = (files("prism") / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() for word in line.split("#", 1)[0].split())


def _columns(tokens: Sequence[Any]) -> tuple[list[str], list[str], list[int], list[int]]:
    """Return the forms, tags, start and end offsets of Kiwi tokens."""
    forms, tags, starts, ends = [], [], [], []
    for token in tokens:
        forms.append(token.form)
        tags.append(token.tag)
        start = token.start
        starts.append(start)
        ends.append(start + token.len)
    return forms, tags, starts, ends


def _terms(
    forms: Sequence[str], tags: Sequence[str], starts: Sequence[int], ends: Sequence[int]
) -> Iterator[tuple[str, bool, int, int]]:
    """Yield (term, is noun, start, end): runs of touching noun-like tokens as one compound, and
    predicate lemmas; offsets are within the analysed line."""
    stop = stopwords()
    run: list[int] = []  # indices of the tokens in the current noun run
    for i in range(len(forms) + 1):
        tag = tags[i] if i < len(forms) else ""
        if tag in NOUN_LIKE and (not run or starts[i] == ends[run[-1]]):
            run.append(i)
            continue
        if run:
            if any(tags[j] != "SN" for j in run):  # a number alone is not a topic
                term = "".join([forms[j] for j in run])
                if term not in stop and len(term) >= MIN_TERM_CHARS:
                    yield term, True, starts[run[0]], ends[run[-1]]
            run = []
        if i == len(forms):
            break
        if tag in NOUN_LIKE:
            run = [i]
        elif tag in PREDICATES and forms[i] + "다" not in stop:
            yield forms[i] + "다", False, starts[i], ends[i]


def to_json(analysis: Analysis) -> dict[str, Any]:
    """Return an analysis as JSON-ready columns: title terms and one compact row per sentence."""
    return {
        "title_terms": [list(analysis.title_terms), list(analysis.title_nouns)],
        "sentences": [
            [
                s.start,
                s.end,
                s.text,
                "\t".join(s.lemmas),  # one string each: far cheaper to store and parse than lists
                " ".join(s.tags),
                list(s.nouns),
                list(s.terms),
                list(s.phrases),
            ]
            for s in analysis.sentences
        ],
    }


def from_json(title_terms: Sequence[Any], sentences: Sequence[Sequence[Any]]) -> Analysis:
    """Rebuild an analysis stored by `to_json`."""
    rebuilt = []
    for index, (start, end, text, lemmas, tags, nouns, terms, phrases) in enumerate(sentences):
        rebuilt.append(
            Sentence(
                index=index,
                text=text,
                start=start,
                end=end,
                lemmas=tuple(lemmas.split("\t")) if lemmas else (),
                tags=tuple(tags.split(" ")) if tags else (),
                nouns=tuple(nouns),
                terms=tuple(terms),
                phrases=tuple(phrases),
            )
        )
    return Analysis(
        title_terms=tuple(title_terms[0]), title_nouns=tuple(title_terms[1]), sentences=tuple(rebuilt)
    )

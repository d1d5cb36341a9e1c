"""One Kiwi per process, and one analysis pass per article: sentences and their tokens from the same call.

Compound nouns are adjacent noun-like tokens merged into one term (삼성SDI, 영업이익, 금융통화위원회); a
user dictionary we ship (data/userdict.txt), extended by $PRISM_HOME/userdict.txt, teaches Kiwi names it
would otherwise split (46파이 배터리, HBM3E, 카카오뱅크).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from queue import Full, Queue
from typing import TYPE_CHECKING, Any

from prism.errors import ConfigError
from prism.nlp.clean import Cleaned, clean_for_analysis

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# Bump when what an analysis contains changes: enrichment re-analyses articles analysed by older versions.
ANALYZER_VERSION = "kiwi5"

# 품사 (part-of-speech) tags, Sejong style as Kiwi uses them.
NOUN_LIKE = frozenset({"NNG", "NNP", "NR", "SL", "SH", "SN"})  # 명사, 외국어, 한자, 숫자 (noun-like)
PREDICATES = frozenset({"VV", "VA"})  # 동사, 형용사 (verbs, adjectives): lemma = stem + 다
SENTENCE_END = frozenset({"EF"})  # 종결 어미 (sentence-final ending)


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
    """Analyse (title, body) pairs; all of them go through one Kiwi call, in parallel with `workers`.

    Both ends stream: Kiwi pulls articles (each cleaned when its turn comes) while its threads work,
    and an article is assembled as soon as it is back, so memory holds only what is in flight.
    """
    plan: deque[tuple[Cleaned, str, int]] = deque()  # articles fed to Kiwi, not yet assembled

    def texts() -> Iterator[str]:
        # One text per article: the title as its first line, then the cleaned body. Kiwi numbers the
        # lines of what it reads, and a line break always ends a sentence.
        for title, body in articles:
            clean = clean_for_analysis(body)
            head = " ".join((title or "").split())
            text = f"{head}\n{clean.text}"
            plan.append((clean, text, len(head) + 1))
            yield text

    # One Kiwi call for sentences and tokens together: `tokenize` marks each token with its sentence
    # (sent_position) and line (line_number), which is all `split_into_sents(..., return_tokens=True)`
    # adds, minus the cost of building its Python objects per sentence.
    for tokens in _prefetched(kiwi(workers).tokenize(texts())):
        clean, text, base = plan.popleft()
        title_tagged: list[tuple[str, bool]] = []
        sentences: list[Sentence] = []
        for line, columns in _split(tokens):
            if line == 0:
                title_tagged += [term[:2] for term in _terms(*columns)]
                continue
            sentence = _sentence(len(sentences), columns, text, base, clean)
            if sentence is not None:
                sentences.append(sentence)
        yield Analysis(
            title_terms=tuple(term for term, _ in title_tagged),
            title_nouns=tuple(term for term, noun in title_tagged if noun),
            sentences=tuple(sentences),
        )


# Kiwi reads ahead only a few texts per thread: while this thread assembles articles (and the caller
# stores them), Kiwi's threads would soon stand idle. A reader thread keeps taking Kiwi's results (and
# feeding it texts) into a deeper queue.
PREFETCH = 128  # results in the queue


def _prefetched(results: Iterator[Any]) -> Iterator[Any]:
    """Yield `results`, read ahead by a thread that stops when this generator is closed."""
    queue: Queue[tuple[str, Any]] = Queue(maxsize=PREFETCH)
    closed = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not closed.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def pump() -> None:
        try:
            for result in results:
                if not put(("item", result)):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(("error", exc))
            return
        put(("end", None))

    reader = threading.Thread(target=pump, name="prism-kiwi-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        closed.set()


Columns = tuple[list[str], list[str], list[int], list[int]]  # forms, tags, starts, ends of tokens


def _split(tokens: Sequence[Any]) -> list[tuple[int, Columns]]:
    """Return (line number, columns) of each sentence of one analysed text.

    Kiwi builds a new Python object on every attribute read: each is read once, in one pass per column.
    """
    forms = [token.form for token in tokens]
    tags = [token.tag for token in tokens]
    starts = [token.start for token in tokens]
    ends = [token.end for token in tokens]
    lines = [token.line_number for token in tokens]
    positions = [token.sent_position for token in tokens]
    bounds = [
        0,
        *(
            i
            for i in range(1, len(positions))
            if positions[i] != positions[i - 1] or lines[i] != lines[i - 1]
        ),
        len(positions),
    ]
    return [
        (lines[a], (forms[a:b], tags[a:b], starts[a:b], ends[a:b]))
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]


def _sentence(index: int, columns: Columns, text: str, base: int, clean: Cleaned) -> Sentence | None:
    """Return one body sentence; token offsets count from the analysed text, whose body starts at `base`."""
    forms, tags, starts, ends = columns
    raw = text[starts[0] : ends[-1]]
    stripped = raw.strip()
    if not stripped:
        return None
    start = starts[0] - base + len(raw) - len(raw.lstrip())
    tagged = _terms(forms, tags, starts, ends)
    return Sentence(
        index=index,
        text=stripped,
        start=clean.original_offset(start),
        end=clean.original_offset(start + len(stripped) - 1) + 1,
        lemmas=tuple(
            [form + "다" if tag in PREDICATES else form for form, tag in zip(forms, tags, strict=True)]
        ),
        tags=tuple(tags),
        nouns=tuple([term for term, noun, _, _ in tagged if noun]),
        terms=tuple([term for term, _, _, _ in tagged]),
        phrases=_phrases(tagged, text),
    )


def _phrases(tagged: Sequence[tuple[str, bool, int, int]], text: str) -> tuple[str, ...]:
    """Return runs of 2–3 nouns separated by exactly one space (no particle between them); token
    offsets count from the start of `text`."""
    phrases: list[str] = []
    run: list[str] = []
    end = -2  # where the last noun of the run ends
    for term, noun, start, stop in tagged:
        if not noun:
            if len(run) >= 2:
                phrases.append(" ".join(run))
            run = []
            continue
        if run and len(run) < 3 and start == end + 1 and text[end:start] == " ":
            run.append(term)
        else:
            if len(run) >= 2:
                phrases.append(" ".join(run))
            run = [term]
        end = stop
    if len(run) >= 2:
        phrases.append(" ".join(run))
    return tuple(phrases)


@cache
def stopwords() -> frozenset[str]:
    """Return the words that say nothing about what an article is about (data/stopwords.txt)."""
    text = (files("prism") / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() for word in line.split("#", 1)[0].split())


def _terms(
    forms: Sequence[str], tags: Sequence[str], starts: Sequence[int], ends: Sequence[int]
) -> list[tuple[str, bool, int, int]]:
    """Return (term, is noun, start, end) in order: runs of touching noun-like tokens as one compound,
    and predicate lemmas; offsets are within the analysed line. This runs once per token of every
    article, so it walks indices rather than building intermediate objects."""
    stop = stopwords()
    found: list[tuple[str, bool, int, int]] = []
    n = len(forms)
    i = 0
    while i < n:
        tag = tags[i]
        if tag in NOUN_LIKE:
            j = i + 1
            while j < n and tags[j] in NOUN_LIKE and starts[j] == ends[j - 1]:
                j += 1
            # A number alone is not a topic; a run with anything else in it is.
            if j - i == 1:
                if tag != "SN" and forms[i] not in stop:
                    found.append((forms[i], True, starts[i], ends[i]))
            elif any(tags[k] != "SN" for k in range(i, j)):
                term = "".join(forms[i:j])
                if term not in stop:
                    found.append((term, True, starts[i], ends[j - 1]))
            i = j
            continue
        if tag in PREDICATES:
            lemma = forms[i] + "다"
            if lemma not in stop:
                found.append((lemma, False, starts[i], ends[i]))
        i += 1
    return found


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

"""One Kiwi per process, and one analysis pass per article: sentences and their tokens from the same call.

Compound nouns are adjacent noun-like tokens merged into one term (삼성SDI, 영업이익, 금융통화위원회); a
user dictionary we ship (data/userdict.txt), extended by $PRISM_HOME/userdict.txt, teaches Kiwi names it
would otherwise split (46파이 배터리, HBM3E, 카카오뱅크).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prism.config import default_home
from prism.errors import ConfigError
from prism.nlp.clean import Cleaned, clean_for_analysis
from prism.records import Analysis, Sentence

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# Bump when what an analysis contains changes: enrichment re-analyses articles analysed by older versions.
ANALYZER_VERSION = "kiwi7"

# 품사 (part-of-speech) tags, Sejong style as Kiwi uses them.
NOUN_LIKE = frozenset({"NNG", "NNP", "NR", "SL", "SH", "SN"})  # 명사, 외국어, 한자, 숫자 (noun-like)
PREDICATES = frozenset({"VV", "VA"})  # 동사, 형용사 (verbs, adjectives): lemma = stem + 다
SENTENCE_END = frozenset({"EF"})  # 종결 어미 (sentence-final ending)


def kiwi(workers: int = 1, *, home: Path | None = None) -> Kiwi:
    """Return this process's Kiwi for `workers` threads with our user dictionary and the home's own
    (`home`/userdict.txt; default: the configured home), created on first use.

    Homes without a dictionary of their own share one Kiwi: loading the model takes a second.
    """
    own = (home or default_home()) / "userdict.txt"
    return _kiwi(workers, (own,) if own.exists() else ())


@cache
def _kiwi(workers: int, extra: tuple[Path, ...]) -> Kiwi:
    from kiwipiepy import Kiwi  # here, not at the top: loading the model takes a second

    instance = Kiwi(num_workers=workers)
    for path in (Path(str(files("prism") / "data" / "userdict.txt")), *extra):
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


def analyze(title: str, body: str, *, workers: int = 1, home: Path | None = None) -> Analysis:
    """Analyse one article (with the user dictionary of `home`, default the configured one)."""
    return next(analyze_many([(title, body)], workers=workers, home=home))


def analyze_many(
    articles: Iterable[tuple[str, str]], *, workers: int = 1, home: Path | None = None
) -> Iterator[Analysis]:
    """Analyse (title, body) pairs; all of them go through one Kiwi call, in parallel with `workers`.

    Both ends stream: Kiwi pulls articles (each cleaned when its turn comes) while its threads work,
    and an article is assembled as soon as it is back, so memory holds only what is in flight. Kiwi
    reads 16 texts ahead per thread, about 0.1 s of its work with whole articles: a caller may spend
    that long between articles (enrich stores a batch) without leaving Kiwi's threads idle.
    """
    plan: deque[tuple[str, Cleaned, str, int]] = deque()  # articles fed to Kiwi, not yet assembled
    # One Kiwi call for sentences and tokens together: `tokenize` marks each token with its sentence
    # (sent_position) and line (line_number), which is all `split_into_sents(..., return_tokens=True)`
    # adds, minus the cost of building its Python objects per sentence.
    for tokens in kiwi(workers, home=home).tokenize(_texts(articles, plan)):
        body, clean, text, base = plan.popleft()
        yield _assemble(tokens, text, base, clean, body)


def _texts(articles: Iterable[tuple[str, str]], plan: deque[tuple[str, Cleaned, str, int]]) -> Iterator[str]:
    """Yield the text Kiwi reads for each article, and note in `plan` what assembling it needs.

    One text per article: the title as its first line, then the cleaned body. Kiwi numbers the lines of
    what it reads, and a line break always ends a sentence.
    """
    for title, body in articles:
        clean = clean_for_analysis(body)
        head = " ".join((title or "").split())
        text = f"{head}\n{clean.text}"
        plan.append((body, clean, text, len(head) + 1))
        yield text


# One letter per token, so that one regular expression finds the terms of a whole article: N a noun-like
# token, S a number, P a predicate, x anything else; n and s are noun-like tokens that touch the token
# before them in the same sentence (they continue a compound).
# A noun prefix (XPN, 체언 접두사) touching its noun is part of it: 비정규직 is not 정규직, 대규모 not 규모.
_CODE = {tag: "N" for tag in NOUN_LIKE} | {"SN": "S", "XPN": "F"} | {tag: "P" for tag in PREDICATES}
_TOUCHING = {"N": "n", "S": "s"}
_TERM = re.compile(r"F[ns]*n[ns]*|[NSns][ns]*|P")


def _assemble(tokens: list[Any], text: str, base: int, clean: Cleaned, body: str) -> Analysis:
    """Build the analysis of one article from Kiwi's tokens of `text` (the title, a line break, then the
    cleaned `body`, which starts at `base`).

    This runs once per token of every article, so it works on whole columns: Kiwi builds a new Python
    object on every attribute read, so each is read once; sentences are slices of the columns.
    """
    forms: list[str] = [token.form for token in tokens]
    tags: list[str] = [token.tag for token in tokens]
    starts: list[int] = [token.start for token in tokens]
    ends: list[int] = [token.end for token in tokens]
    # Sentence and line numbers both count up, so their sum changes exactly when either does: a new
    # sentence, or a line break (which always ends one).
    keys: list[int] = [token.sent_position + token.line_number for token in tokens]
    n = len(tokens)
    forced = [bisect.bisect_left(starts, base + at) for at in clean.breaks]
    bounds = _sentence_starts(keys, tags, starts, ends, text, forced)
    code: list[str] = [_CODE.get(tag, "x") for tag in tags]
    for i in range(1, n):
        if starts[i] == ends[i - 1] and code[i] in _TOUCHING:
            code[i] = _TOUCHING[code[i]]
    for i in bounds:
        code[i] = code[i].upper()  # a compound never runs across sentences
    bounds.append(n)
    lemmas = forms.copy()
    stop = stopwords()
    terms: list[tuple[str, bool, int, int]] = []  # (term, is noun, start, end): offsets in `text`
    at: list[int] = []  # the token each term starts at
    for match in _TERM.finditer("".join(code)):
        i, j = match.span()
        if j - i == 1:
            kind = code[i]
            if kind == "P":
                lemma = lemmas[i] = forms[i] + "다"
                if lemma not in stop:
                    terms.append((lemma, False, starts[i], ends[i]))
                    at.append(i)
            elif kind in "Nn" and forms[i] not in stop:  # a number alone is not a topic
                terms.append((forms[i], True, starts[i], ends[i]))
                at.append(i)
        elif match.group().strip("Ss"):  # a run of numbers only is not a topic either
            term = "".join(forms[i:j])
            if term not in stop:
                terms.append((term, True, starts[i], ends[j - 1]))
                at.append(i)

    title_end = bisect.bisect_left(starts, base)  # the title's tokens: those before the body starts
    title = terms[: bisect.bisect_left(at, title_end)]
    sentences: list[Sentence] = []
    for a, b in itertools.pairwise(bounds):
        if a < title_end:
            continue
        raw = text[starts[a] : ends[b - 1]]
        stripped = raw.strip()
        if not stripped:
            continue
        start = starts[a] - base + len(raw) - len(raw.lstrip())
        first, last = clean.original_offset(start), clean.original_offset(start + len(stripped) - 1) + 1
        tagged = terms[bisect.bisect_left(at, a) : bisect.bisect_left(at, b)]
        sentences.append(
            Sentence(
                index=len(sentences),
                # The body's own characters: a URL or e-mail cleaning cut from inside the sentence is
                # part of what the article says there.
                text=body[first:last],
                start=first,
                end=last,
                lemmas=tuple(lemmas[a:b]),
                tags=tuple(tags[a:b]),
                nouns=tuple([term for term, noun, _, _ in tagged if noun]),
                terms=tuple([term for term, _, _, _ in tagged]),
                phrases=_phrases(tagged, text),
            )
        )
    return Analysis(
        title_terms=tuple([term for term, _, _, _ in title]),
        title_nouns=tuple([term for term, noun, _, _ in title if noun]),
        sentences=tuple(sentences),
    )


# Tags a sentence cannot start with: particles (J…), endings (E…), suffixes (XS…), the copula (VCP), closing
# brackets and quotes (SSC) and sentence or mid-sentence punctuation (SF, SP, SE).
_NO_START = ("J", "E", "XS", "VCP", "SSC", "SF", "SP", "SE")
_PAIRED_QUOTES = (("“", "”"), ("‘", "’"))
_TOGGLE_QUOTES = ('"', "'")


def _sentence_starts(
    keys: Sequence[int],
    tags: Sequence[str],
    starts: Sequence[int],
    ends: Sequence[int],
    text: str,
    forced: Sequence[int] = (),
) -> list[int]:
    """Return the tokens that start a sentence: Kiwi's sentence starts, plus the token after a
    sentence-final ending and period that Kiwi left glued to it (했다.AI가), minus those inside a
    quotation or before a particle (Kiwi splits "‘자본시장법’에 따르면" after the closing quote).

    A line break always ends a sentence, and so does a cut the cleaning marked (`forced`: token
    indices). Quotes count only when they pair up on their line: a quotation running over several
    paragraphs, or a stray apostrophe, says nothing about where a sentence ends.
    """
    candidates = {i for i in range(1, len(keys)) if keys[i] != keys[i - 1]}
    candidates.update(i + 1 for i, tag in enumerate(tags) if tag == "SF" and i and tags[i - 1] == "EF")
    candidates.update(forced)
    hard = set(forced)
    result = [0] if keys else []
    for i in sorted(candidates):
        if i >= len(keys) or i == 0:
            continue
        if (
            i in hard
            or "\n" in text[ends[i - 1] : starts[i]]
            or (not tags[i].startswith(_NO_START) and not _in_quotation(text, starts[i]))
        ):
            result.append(i)
    return result


def _in_quotation(text: str, at: int) -> bool:
    """Return True when `at` is inside a quotation that opens and closes on its line."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    before = text[line_start:at]
    for opening, closing in _PAIRED_QUOTES:
        if (
            opening in before
            and line.count(opening) == line.count(closing)
            and before.count(opening) > before.count(closing)
        ):
            return True
    for quote in _TOGGLE_QUOTES:
        if quote in before and line.count(quote) % 2 == 0 and before.count(quote) % 2 == 1:
            return True
    return False


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


def to_json(analysis: Analysis) -> dict[str, Any]:
    """Return an analysis as JSON-ready columns: title terms and one compact row per sentence (tuples
    are JSON arrays too)."""
    return {
        "title_terms": [analysis.title_terms, analysis.title_nouns],
        "sentences": [
            [
                s.start,
                s.end,
                s.text,
                "\t".join(s.lemmas),  # one string each: far cheaper to store and parse than lists
                " ".join(s.tags),
                s.nouns,
                s.terms,
                s.phrases,
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

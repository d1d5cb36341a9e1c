"""Decide whether a written sentence is supported by its source articles.

A claim is aligned with the source sentences that say the most of it (IDF-weighted content terms, names
left out so a swapped name cannot pull its own sentence in), then tested by rules, each of which names
an error type when it fires:

- **number**: every quantity of the claim, normalized (1조2000억원 = 1.2조 원 = 1조 2,000억 원; 3.5% =
  3.5퍼센트), is in the evidence, and in the clause that speaks of the same thing;
- **date**: every day, month and year is in the evidence; relative words (지난달, 올해) in the article;
- **entity**: every name (people, companies, places, organisations) is in the evidence, or, for a speaker,
  in the sentence before it ("이 관계자는");
- **attribution**: the claim's speaker or subject is the evidence's, not its object (A가 B에 요구했다);
- **polarity**: no antonym (증가/감소, 흑자/적자, 유죄/무죄, …) and no negation that the evidence does not
  have in the clause that matches;
- **causal**: a cause–effect or time link (…때문이다, 탓에, 덕분, 계기로, 에 따라) is stated by one source
  sentence that holds both sides;
- **addition**: the claim's content words are in the articles; a plan or outlook (…할 계획이다,
  내다봤다) only when the evidence says one.

Each rule reads the Kiwi analysis of the claim and of the articles; nothing is downloaded or learned at
run time. The constants were chosen on folds of `claims-ko-dev.jsonl` split by article
(`prism eval claims --folds K`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from prism.records import Analysis, Sentence

# The error types of the labelled claims, then "opinion": a command, a question or a judgement the
# articles do not make (never published, not even as commentary).
ERRORS = ("number", "date", "entity", "polarity", "attribution", "causal", "addition", "opinion")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The checker's answer for one claim."""

    supported: bool
    reason: str
    evidence: tuple[tuple[int, int], ...]  # (position of the source in `sources`, sentence index)
    error: str | None = None  # one of ERRORS when unsupported

    def as_dict(self) -> dict[str, object]:
        """Return the verdict as JSON-ready data (`evidence` as [source, sentence] pairs)."""
        return {
            "verdict": "supported" if self.supported else "unsupported",
            "reason": self.reason,
            "error": self.error,
            "evidence": [list(pair) for pair in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Settings:
    """The checker's thresholds, chosen on folds split by article (`prism eval claims --folds K`): the
    setting that catches most while accepting at least 0.87 of the supported claims of the other folds."""

    causal: float = 0.4  # one sentence with a causal word must hold this share of a causal claim
    uncovered: float = 0.4  # at most this share of the claim's noun weight may be missing: else an addition


SETTINGS = Settings()

# ---------------------------------------------------------------------------------------------------
# Quantities and dates

_NUMERAL = re.compile(r"(?<![A-Za-z])\d[\d,]*(?:\.\d+)?여?(?:\s?[조억만천백](?:\s?\d[\d,]*(?:\.\d+)?)?)*")
_BIG = {"조": 1e12, "억": 1e8, "만": 1e4}
_SMALL = {"천": 1e3, "백": 1e2}
_UNIT = re.compile(r"\s?(%포인트|%p|퍼센트포인트|퍼센트|%|％|[가-힣A-Za-z]+)")
_RANGE = re.compile(r"\s?[∼~-]\s?\d[\d,]*(?:\.\d+)?")
_UNIT_ALIASES = {"퍼센트": "%", "％": "%", "%p": "%포인트", "퍼센트포인트": "%포인트"}
_DATE = re.compile(
    r"(?:(?P<year>\d{4})년\s?)?(?:(?P<month>\d{1,2})월\s?)?(?:(?P<day>\d{1,2})(?:\s?[∼~-]\s?\d{1,2})?일)?"
)


def korean_number(span: str) -> float:
    """Return the value of a numeral with Korean place words: 1조8000억 → 1.8e12, 4만6천368 → 46368,
    3.9조 → 3.9e12, 1천593.8 → 1593.8."""
    total = section = 0.0
    number: float | None = None
    for match in re.finditer(r"(\d[\d,]*(?:\.\d+)?)|([조억만])|([천백])", span):
        digits, big, small = match.groups()
        if digits:
            number = float(digits.replace(",", ""))
        elif small:
            section += (number if number is not None else 1.0) * _SMALL[small]
            number = None
        elif big:
            total += (section + (number or 0.0)) * _BIG[big]
            section, number = 0.0, None
    return total + section + (number or 0.0)


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str  # the word after the number: 원, 달러, 명, %, 월, 일, …
    start: int
    end: int
    place: float = 1.0  # the place of the last digit written: 2687만 → 1만, 52.3조 → 0.1조
    approximate: bool = False  # 약 33%, 37억달러 남짓, 10만명대, 60여만원

    @property
    def is_date(self) -> bool:
        """A year (2016년), month (4월), day (5일) or hour: counts of years or months are not dates."""
        if self.unit.startswith("년"):
            return self.value >= 1900 and not self.unit.startswith(("년간", "년 동안", "년 만"))
        return self.unit.startswith(("월", "일", "시")) and not self.unit.startswith(
            ("일자리", "시장", "시간")
        )

    def same(self, other: Quantity) -> bool:
        if not math.isclose(self.value, other.value, rel_tol=1e-6, abs_tol=1e-9):
            return False
        if self.is_date or other.is_date:
            return self.unit[:1] == other.unit[:1]
        return True


_ABOUT_BEFORE = re.compile(r"(?:약|대략|최대|최소|무려|거의)\s?$")
_ABOUT_AFTER = re.compile(
    r"\s?[가-힣%]{0,3}?(?:대|여|가량|남짓|안팎|내외|정도|넘게|가까이|이상|이하|미만|초과|쯤)"
)
_FRACTION = re.compile(r"(\d+)\s?분의\s?(\d+)")


def quantities(text: str) -> list[Quantity]:
    """Return the numbers of `text` with the word that follows each (its unit); "3분의 1" is 33.3%."""
    fractions = [m for m in _FRACTION.finditer(text) if int(m.group(1))]
    found = [
        Quantity(int(m.group(2)) / int(m.group(1)) * 100, "%", m.start(), m.end(), 1.0) for m in fractions
    ]
    inside = {i for m in fractions for i in range(m.start(), m.end())}
    for match in _NUMERAL.finditer(text):
        if match.start() in inside:
            continue
        span = match.group(0).rstrip()
        if span.endswith(tuple(_BIG)) or span.endswith(tuple(_SMALL)):
            unit_from = match.start() + len(span)
        else:
            unit_from = match.end()
        ranged = _RANGE.match(text, unit_from)  # 17∼18일: the unit is the range's
        unit_match = _UNIT.match(text, ranged.end() if ranged else unit_from)
        unit = unit_match.group(1) if unit_match else ""
        unit = _UNIT_ALIASES.get(unit, unit)
        approximate = (
            bool(_ABOUT_BEFORE.search(text, 0, match.start()))
            or bool(_ABOUT_AFTER.match(text, match.start() + len(span)))
            or "여" in span
        )
        found.append(
            Quantity(korean_number(span), unit, match.start(), match.end(), _place(span), approximate)
        )
    return found


_RELATIVE_DATES = {  # a relative date of the claim, and how the articles may spell it
    "지난달": ("지난달", "지난 달", "전달", "전월"),
    "지난해": ("지난해", "작년", "전년"),
    "작년": ("지난해", "작년", "전년"),
    "올해": ("올해", "올 ", "금년", "이번 해"),
    "내년": ("내년", "다음 해", "이듬해"),
    "이달": ("이달", "이번 달", "이번달"),
    "다음달": ("다음달", "다음 달", "내달"),
    "지난주": ("지난주", "지난 주", "전주"),
    "다음주": ("다음주", "다음 주"),
    "전날": ("전날", "전일", "하루 전"),
    "오전": ("오전",),
    "오후": ("오후",),
    "상반기": ("상반기",),
    "하반기": ("하반기",),
}

# ---------------------------------------------------------------------------------------------------
# Polarity, causes, speech

_ANTONYMS = [
    ("증가", "감소"),
    ("늘", "줄"),
    ("상승", "하락"),
    ("오르", "내리"),
    ("올랐", "내렸"),
    ("인상", "인하"),
    ("확대", "축소"),
    ("흑자", "적자"),
    ("유죄", "무죄"),
    ("찬성", "반대"),
    ("허용", "금지"),
    ("성공", "실패"),
    ("강화", "완화"),
    ("개선", "악화"),
    ("호전", "악화"),
    ("높", "낮"),
    ("많", "적"),
    ("강해", "약해"),
    ("강하", "약하"),
    ("반등", "하락"),
    ("반영", "무시"),
    ("급등", "급락"),
    ("흑자", "손실"),
    ("이익", "손실"),
    ("웃돌", "밑돌"),
    ("플러스", "마이너스"),
    ("가능", "불가능"),
    ("합의", "결렬"),
]
_CAUSAL = re.compile(
    r"때문|탓|덕분|덕에|영향으로|영향이|영향을|여파|계기|근거로|에 따라|함에 따라|로 인해|으로 인해|바람에"
    r"|결과로|이유로|원인|면서|자\s|이어서"
)
_STRONG_CAUSAL = re.compile(
    r"때문|탓|덕분|덕에|영향으로|영향이|영향을|여파|계기|근거로|에 따라|로 인해|으로 인해|바람에|이유로|원인"
)
_PLAN = re.compile(
    r"계획|방침|예정|내다봤|전망|검토|추진|착수|도입하기로|하기로|할 것|나설|나서겠|겠다|요청할|제안"
    r"|보인다|예상|관측"
)
# Endings of a command, a suggestion or a question (사라, 하세요, 하자, 할까): no claim of fact.
_NOT_STATEMENTS = ("어라", "아라", "라", "세요", "십시오", "시오", "자", "까", "ᆯ까", "니", "나요", "가요")
# Words of judgement an article may not make, and a briefing must not add: 훌륭하다, 최고의 투자처, 유망하다.
_EVALUATIONS = re.compile(r"훌륭|탁월|최고의 투자|유망|추천|매수 기회|사야|팔아야|반드시|확실히|틀림없")
_INTENT = re.compile(r"계획|방침|예정|검토|추진|착수|하기로|나설|나서겠|겠다|요청할|제안|목표")
_OUTLOOK_END = re.compile(r"(?:전망이다|내다봤다|것으로 보인다|예상된다)[.]?$")
# A claim that is itself a plan or an outlook: its main predicate, at the end.
_PLAN_END = re.compile(
    r"(?:계획|방침|예정|전망|목표)이다[.]?$|내다봤다[.]?$|검토(?:하고 있| 중이|하기로 했)다[.]?$"
    r"|추진(?:한다|하기로 했다)[.]?$|하기로 했다[.]?$|것으로 보인다[.]?$|착수했다[.]?$"
    r"|나설 방침|요청할 방침|할 것으로 예상된다[.]?$"
)
_SUBJECT = r"(?:은|는|이|가|도|측은|측이)"
_OBJECT = r"(?:에|에게|을|를|와|과|의|로|으로)"


# A clause ends at a verb's connective ending: 빠졌고, 증가했으며, 늘었지만, 하는데, 오르면서.
_CONNECTIVE = re.compile(r"(?:[했됐였었았졌났왔갔줬섰켰렸웠겼되하이지]고|으며|며|지만|는데|면서)$")


def _clauses(text: str) -> list[str]:
    """Split a sentence into clauses at commas and the common connective endings (…고, …며, …지만),
    never inside brackets or quotation marks."""
    clauses, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([{“‘":
            depth += 1
        elif char in ")]}”’" and depth:
            depth -= 1
        elif (
            depth == 0
            and char == " "
            and i > start
            and (text[i - 1] == "," or _CONNECTIVE.search(text, 0, i))
        ):
            clauses.append(text[start:i].rstrip(" ,"))
            start = i + 1
    clauses.append(text[start:])
    return [c for c in clauses if c.strip()]


# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Source:
    position: int
    sentence: Sentence
    before: Sentence | None  # the article's sentence before it


@dataclass(slots=True)
class _Context:
    sources: list[_Source]
    idf: dict[str, float]
    text: str  # every sentence of every source
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # a text's terms and lemmas
    people: frozenset[str] = frozenset()  # names the articles give with a title or 씨 (김경수 의원)
    # The source sentence that says most of the claim, and how much (a context serves one claim; the
    # rules ask for it several times, so it is found once).
    best: tuple[float, Sentence | None] | None = None

    def words_of(self, text: str) -> frozenset[str]:
        """Return the terms and lemmas of the source sentences that make up `text`."""
        found = self.words.get(text)
        if found is None:
            found = frozenset(
                w for s in self.sources if s.sentence.text in text for w in _sentence_words(s.sentence)
            )
            self.words[text] = found
        return found


def _sentence_words(sentence: Sentence) -> frozenset[str]:
    return frozenset((*sentence.terms, *sentence.lemmas, *sentence.nouns))


def _context(analyses: Sequence[Analysis]) -> _Context:
    sources: list[_Source] = []
    for position, analysis in enumerate(analyses):
        previous = None
        for sentence in analysis.sentences:
            sources.append(_Source(position, sentence, previous))
            previous = sentence
    frequency = Counter(term for s in sources for term in set(s.sentence.terms))
    n = max(1, len(sources))
    idf = {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in frequency.items()}
    text = " ".join(s.sentence.text for s in sources)
    words = {s.sentence.text: _sentence_words(s.sentence) for s in sources}
    words[text] = frozenset(w for found in words.values() for w in found)
    people = frozenset(re.findall(r"([가-힣]{3})\s?(?:씨|" + _TITLE_WORDS + r")", text))
    return _Context(sources, idf, text, words, people)


def _names(sentence: Sentence) -> list[str]:
    """Return the claim's names: nouns Kiwi tags as proper (NNP), foreign words, and compounds holding one."""
    proper = {
        lemma for lemma, tag in zip(sentence.lemmas, sentence.tags, strict=True) if tag in ("NNP", "SL")
    }
    names = [
        noun
        for noun in sentence.nouns
        if len(noun) > 1 and any(p in noun for p in proper) and not noun[:1].isdigit()
    ]
    return list(dict.fromkeys(names))


_TITLE_WORDS = (
    "회장|부회장|사장|대표|의원|장관|차관|총재|위원장|원장|청장|대변인|교수|판사|검사|과장|국장|실장|본부장"
    "|전 회장|전 대표|전 장관|전 총장|총장|대통령|총리|지사|시장|관계자|연구원|이사장|수석|비서관|소령|대위"
)

# Organisations Kiwi tags as common nouns: 금융위원회, 한국도로공사, 경기남부경찰청, 서울지방국세청.
_ORG_TAIL = re.compile(
    r"(?:[가-힣]{2,}(?:부|처|청|위원회|은행|공사|공단|협회|연구원|연구소|재단|그룹|지법|지원|법원|경찰청|국세청))$"
    r"|^(?:검찰|경찰|청와대|국회|정부|여당|야당|법원|대법원|헌법재판소)$"
)


def _kind(name: str) -> str:
    """Return what sort of name this is: an organisation's tail (…청, …은행), a Latin name, or a name."""
    tail = _ORG_TAIL.search(name)
    if tail:
        return name[-2:] if name.endswith(("은행", "공사", "공단", "협회", "재단", "그룹")) else name[-1]
    return "latin" if re.search(r"[A-Za-z]", name) else "name"


# Company names Kiwi may split into an adjective and a noun (푸른제약 = 푸르 + ㄴ + 제약): found in the text.
_COMPANY = re.compile(
    r"(?<![가-힣A-Za-z])([가-힣A-Za-z]{2,}(?:제약|바이오|전자|증권|건설|화학|카드|생명|화재|홀딩스|테크|반도체"
    r"|자동차|중공업|물산|텔레콤|엔터|푸드|제과|식품|은행|캐피탈|자산운용|에너지|제철|조선|핀테크|코인))"
    r"(?=[이가은는의와과도를을에]|\s|$)"
)


def _actors(sentence: Sentence) -> list[str]:
    """Return names and the organisations or people that act in the claim (경찰, 금융위원회, 청와대)."""
    found = _names(sentence)
    for company in _COMPANY.findall(sentence.text):
        if company not in found and not any(company in f for f in found):
            found.append(company)
    for noun in sentence.nouns:
        if _ORG_TAIL.search(noun) and noun not in found:
            found.append(noun)
    return found


def _weight(term: str, context: _Context) -> float:
    return context.idf.get(term, max(context.idf.values(), default=1.0))


def _covered(term: str, context: _Context, text: str) -> bool:
    """A claim term is covered by source text: as one of its terms or lemmas (그치다 for 그쳤다), as a
    string, as the parts of a compound, or as an abbreviation."""
    if term in text or term in context.words_of(text):
        return True
    stem = term[:-1] if term.endswith("다") and len(term) > 2 else term
    if len(stem) >= 2 and stem in text:
        return True
    # compounds: every part of a compound noun the analyzer joined (지출구조 = 지출 + 구조)
    if len(term) >= 4 and term[:2] in text and term[2:] in text:
        return True
    # a person named before by surname: 최씨, 이 회장은 (for 최순실, 이동걸)
    by_surname = re.escape(term[0]) + r"(?:씨|모씨|\s?(?:" + _TITLE_WORDS + r")(?:은|는|이|가|도|의)?\s)"
    if len(term) == 3 and term in context.people and re.search(by_surname, text):
        return True
    # abbreviations: 대한변협 of 대한변호사협회, 산은 of 산업은행 (its syllables in order, in one word)
    if len(term) >= 2 and re.fullmatch(r"[가-힣]+", term):
        pattern = re.escape(term[0]) + "".join(f"[가-힣]{{0,3}}{re.escape(c)}" for c in term[1:])
        return re.search(pattern, text) is not None
    return False


def _term_weights(claim: Sentence, context: _Context, leave: Iterable[str] = ()) -> dict[str, float]:
    """Return the IDF weight of each content term of the claim; numbers are the number rule's."""
    left = set(leave)
    return {
        t: _weight(t, context)
        for t in dict.fromkeys(claim.terms)
        if t not in left and not any(c.isdigit() for c in t)
    }


def _share(text: str, weights: dict[str, float], context: _Context) -> float:
    """Return the share of the claim's term weight that `text` covers."""
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if _covered(t, context, text)) / total


def _best_share(holds: Callable[[str], bool], claim: Sentence, context: _Context, leave: str = "") -> float:
    """Return the largest share of the claim (without `leave`) that one source sentence holding the
    item (`holds`) covers; 0 when no sentence holds it."""
    weights = _term_weights(claim, context, (leave,) if leave else ())
    return max(
        (_share(s.sentence.text, weights, context) for s in context.sources if holds(s.sentence.text)),
        default=0.0,
    )


EVIDENCE = 3  # sentences at most
EVIDENCE_GAIN = 0.15  # a further evidence sentence must add this share of the claim's term weight


def _align(claim: Sentence, context: _Context, names: set[str]) -> list[_Source]:
    """Return the source sentences that cover the claim's content terms best (greedy), names left out
    so that a swapped name cannot pull in its own sentence."""
    weights = _term_weights(claim, context, names)
    total = sum(weights.values()) or 1.0
    chosen: list[_Source] = []
    left = dict(weights)
    while len(chosen) < EVIDENCE and left:
        best, gain = None, 0.0
        for source in context.sources:
            if source in chosen:
                continue
            text = source.sentence.text
            value = sum(w for t, w in left.items() if _covered(t, context, text))
            if value > gain:
                best, gain = source, value
        if best is None or (chosen and gain < EVIDENCE_GAIN * total):
            break
        chosen.append(best)
        left = {t: w for t, w in left.items() if not _covered(t, context, best.sentence.text)}
    return chosen


def _uncovered(claim: Sentence, context: _Context) -> float:
    """Return the share of the claim's nouns, weighted by their rarity in news at large, that the
    articles do not have: what an added detail is made of (a verb a paraphrase changes counts nothing)."""
    from prism.nlp.vectors import rarity

    nouns = [n for n in dict.fromkeys(claim.nouns) if len(n) > 1 and not any(c.isdigit() for c in n)]
    weights = {n: rarity(n) for n in nouns}
    total = sum(weights.values()) or 1.0
    missing = 0.0
    for noun, weight in weights.items():
        if _covered(noun, context, context.text):
            continue
        # a noun that shares its first two syllables with the articles' (사직안 for 사직서) is half there
        partial = len(noun) >= 3 and re.search(re.escape(noun[:2]) + r"[가-힣]", context.text) is not None
        missing += weight * (0.5 if partial else 1.0)
    return missing / total


@dataclass(frozen=True, slots=True)
class Finding:
    """What one rule found: how well the articles support the claim on that point (1: fully, 0: not at
    all), and the reason if that is not enough."""

    error: str
    support: float
    reason: str


@dataclass(frozen=True, slots=True)
class Signals:
    """Everything the checker measured about one claim; `decide` turns it into a verdict."""

    findings: tuple[Finding, ...]
    evidence: tuple[tuple[int, int], ...]


def check(claim: str, sources: Sequence[Analysis], settings: Settings = SETTINGS) -> Verdict:
    """Return whether `claim` is supported by the sentences of `sources` (the articles it is about)."""
    return decide(signals(claim, sources), settings)


def decide(measured: Signals, settings: Settings = SETTINGS) -> Verdict:
    """Return the verdict the thresholds of `settings` give: the first finding below its threshold."""
    for finding in measured.findings:
        if finding.support < _threshold(finding.error, settings):
            return Verdict(False, finding.reason, measured.evidence, finding.error)
    return Verdict(True, "every number, date, name and link is in the articles", measured.evidence)


def _threshold(error: str, settings: Settings) -> float:
    if error == "causal":
        return settings.causal
    if error == "addition":
        return 1.0 - settings.uncovered
    return 0.5  # yes-or-no rules: support 0 or 1


def signals(claim: str, sources: Sequence[Analysis]) -> Signals:
    """Measure how the articles support `claim`: align it with its evidence, then run every rule."""
    from prism.nlp.korean import analyze

    parsed = analyze("", claim).sentences
    context = _context(sources)
    if not parsed or not context.sources:
        why = "the claim has no sentence" if not parsed else "there is no source sentence"
        return Signals((Finding("addition", 0.0, why),), ())
    sentence = parsed[0] if len(parsed) == 1 else _joined(parsed)
    plain = " ".join(claim.split())
    for source in context.sources:  # a sentence of the article itself: nothing to check
        if plain and plain in " ".join(source.sentence.text.split()):
            return Signals((), ((source.position, source.sentence.index),))
    actors = _actors(sentence)
    evidence = _align(sentence, context, set(actors))
    findings: list[Finding] = []
    for rule in (_numbers, _dates, _entities, _roles, _pairing, _polarity, _causal, _addition):
        findings += rule(claim, sentence, evidence, context, actors)
    pairs = tuple((s.position, s.sentence.index) for s in evidence)
    return Signals(tuple(findings), pairs)


def _joined(sentences: Sequence[Sentence]) -> Sentence:
    first = sentences[0]
    return Sentence(
        index=0,
        text=" ".join(s.text for s in sentences),
        start=first.start,
        end=sentences[-1].end,
        lemmas=tuple(x for s in sentences for x in s.lemmas),
        tags=tuple(x for s in sentences for x in s.tags),
        nouns=tuple(x for s in sentences for x in s.nouns),
        terms=tuple(x for s in sentences for x in s.terms),
        phrases=tuple(x for s in sentences for x in s.phrases),
    )


Rule = Callable[[str, Sentence, list[_Source], _Context, list[str]], list[Finding]]


def _evidence_text(evidence: Iterable[_Source], *, before: bool = False) -> str:
    parts = []
    for source in evidence:
        if before and source.before is not None:
            parts.append(source.before.text)
        parts.append(source.sentence.text)
    return " ".join(parts)


def _numbers(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """Each number of the claim is in the evidence (rounded as written, or the sum or difference of
    two there), or elsewhere in the articles — unless the sentence that says most of the claim gives
    another number of the same kind in its place (11명 where the claim says 15명)."""
    stated = [q for q in quantities(_evidence_text(evidence)) if not q.is_date]
    everywhere = [q for q in quantities(context.text) if not q.is_date]
    claimed = [q for q in quantities(claim) if not q.is_date and not _a_period(q)]
    closest = _closest(sentence, context)
    rivals = [q for q in quantities(closest) if not q.is_date] if closest else []
    # A claim that copies a sentence but for its numbers: any other number of the same kind is a rival.
    near = _closest_sentence(sentence, context, NEAR_COPY) is not None
    found = []
    for quantity in claimed:
        number = claim[quantity.start : quantity.end] + quantity.unit[:2]
        if _matches(quantity, stated, derived=True):
            continue
        conflict = [
            q
            for q in rivals
            if q.unit[:1] == quantity.unit[:1]
            and not any(q.same(c) for c in claimed)
            and q.value
            and (near or 1 / 3 <= quantity.value / q.value <= 3)
            and not q.approximate
        ]
        if conflict and not _matches(quantity, rivals):
            other = closest[conflict[0].start : conflict[0].end] + conflict[0].unit[:2] if closest else ""
            found.append(Finding("number", 0.0, f"{number}: the articles say {other}"))
        elif not _matches(quantity, everywhere):
            found.append(Finding("number", 0.0, f"{number} is not in the articles"))
    return found


CLOSEST = 0.5  # the share of the claim a sentence must say to be its counterpart
NEAR_COPY = 0.8  # … and to be the sentence the claim copies


def _closest(sentence: Sentence, context: _Context) -> str | None:
    """Return the text of `_closest_sentence`."""
    closest = _closest_sentence(sentence, context)
    return closest.text if closest else None


def _closest_sentence(sentence: Sentence, context: _Context, share: float = CLOSEST) -> Sentence | None:
    """Return the source sentence that says most of the claim (names included), if it says at least
    `share` of it: the sentence the claim restates."""
    if context.best is None:
        weights = _term_weights(sentence, context)
        scored = [(_share(s.sentence.text, weights, context), s.sentence) for s in context.sources]
        context.best = max(scored, key=lambda item: item[0], default=(0.0, None))
    best_share, best = context.best
    return best if best_share >= share else None


def _a_period(quantity: Quantity) -> bool:
    """1년 전, 1주 새: a paraphrase's way to say 작년 동월, 전주 (not a number the articles must give)."""
    return quantity.value == 1 and quantity.unit.startswith(("년", "주", "개월", "달", "분기"))


def _place(span: str) -> float:
    """Return the place of the last digit written: 2687만 → 1만, 52.3조 → 0.1조, 13 → 1."""
    scale = 1.0
    tail = re.search(r"([조억만])\s*$", span)
    if tail:
        scale = _BIG[tail.group(1)]
    digits = re.findall(r"\d[\d,]*(?:\.\d+)?", span)
    last = digits[-1].replace(",", "") if digits else "0"
    if "." in last:
        return scale * 10.0 ** -len(last.split(".")[1])
    stripped = last.rstrip("0")
    return scale * 10.0 ** (len(last) - len(stripped)) if stripped else scale


def _matches(quantity: Quantity, stated: Sequence[Quantity], *, derived: bool = False) -> bool:
    """The claim's number is one of `stated`, rounded as written (약 52.3조 for 52조3428억, 37억 남짓 for
    37억3000만), or the sum or difference of two of the same unit (852억원 − 192억원 → 660억원; products
    are not: 4명씩 두 곳 → 8명 is not derived)."""
    if any(quantity.same(q) for q in stated):
        return True
    # Rounded as written: within half the last written place (2687만 for 2686만8000), or within a whole
    # place when the claim says it is approximate (37억달러 남짓 for 37억3000만달러).
    tolerance = max(quantity.place, 1.0) if quantity.approximate else quantity.place / 2
    if (quantity.place > 1 or quantity.approximate) and any(
        abs(q.value - quantity.value) <= tolerance for q in stated
    ):
        return True
    values = [q.value for q in stated if q.unit[:1] == quantity.unit[:1]] if derived else []
    for i, a in enumerate(values):
        for b in values[i + 1 :]:
            for value in (a + b, abs(a - b)):
                if math.isclose(value, quantity.value, rel_tol=1e-6):
                    return True
    return False


def dates(text: str) -> list[tuple[int | None, int | None, int | None]]:
    """Return the (year, month, day) of each date written in `text` (missing parts None)."""
    found = []
    for match in _DATE.finditer(text):
        if not match.group(0).strip():
            continue
        year, month, day = (int(v) if v else None for v in match.group("year", "month", "day"))
        if (year, month, day) != (None, None, None):
            found.append((year, month, day))
    return found


def _date_in(date: tuple[int | None, ...], stated: Sequence[tuple[int | None, ...]]) -> bool:
    return any(all(a is None or a == b for a, b in zip(date, other, strict=True)) for other in stated)


def _dates(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """Each date of the claim is in the evidence (or the sentence before it), or elsewhere in the
    articles — unless the sentence the claim restates gives another date in its place; a relative date
    is one the articles use."""
    stated = dates(_evidence_text(evidence, before=True))
    everywhere = dates(context.text)
    closest = _closest(sentence, context)
    rivals = dates(closest) if closest else []
    found = []
    for date in dates(claim):
        if _date_in(date, stated):
            continue
        written = " ".join(f"{v}{u}" for v, u in zip(date, "년월일", strict=True) if v is not None)
        shape = tuple(v is None for v in date)
        conflict = [d for d in rivals if tuple(v is None for v in d) == shape and d != date]
        if conflict and not _date_in(date, rivals):
            found.append(Finding("date", 0.0, f"{written}: the articles give another date"))
        elif not _date_in(date, everywhere):
            found.append(Finding("date", 0.0, f"{written} is not a date the articles give"))
    for word, spellings in _RELATIVE_DATES.items():
        if word in claim and not any(s in context.text for s in spellings):
            found.append(Finding("date", 0.0, f"{word}: the articles do not say so"))
    return found


def _entities(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """Each name is in the evidence (a speaker may be named in the sentence before it), or elsewhere
    in the articles — unless the sentence the claim restates names someone else in its place."""
    from prism.nlp.discourse import leans_back

    closest = _closest_sentence(sentence, context)
    rivals = [a for a in _actors(closest) if not _covered(a, context, claim)] if closest else []
    # A claim that copies a sentence but for a name: any name of that sentence it leaves out is a rival.
    near = _closest_sentence(sentence, context, NEAR_COPY)
    near_rivals = [a for a in _actors(near) if not _covered(a, context, claim)] if near else []
    # What the claim reports someone said rests on one sentence, the best aligned: its speaker is named
    # there, or in the sentence before when it leans back ("이 관계자는 …").
    said = ""
    if evidence:
        first = evidence[0]
        said = first.sentence.text
        if first.before is not None and (leans_back(first.sentence) or _GENERIC_SPEAKER.match(said)):
            said += " " + first.before.text
        if _GENERIC_SPEAKER.match(first.sentence.text):  # "회사는 …": the company the article is about
            said += " " + context.text[:200]
    text = _evidence_text(evidence)
    found = []
    subject = next((a for a in actors if _speaks(claim, a)), None)
    for actor in actors:
        speaker = actor == subject
        if _covered(actor, context, said if speaker and said else text):
            continue
        kind = "attribution" if speaker else "entity"
        if speaker and said and _covered(actor, context, context.text):
            found.append(Finding(kind, 0.0, f"{actor} is not who says this in the articles"))
        elif (
            near is not None
            and not _covered(actor, context, near.text)
            and (swapped := [r for r in near_rivals if (_kind(r) == "latin") == (_kind(actor) == "latin")])
        ):  # (a Latin name for a Hangul one may be its transliteration: P2P, 피투피)
            found.append(Finding(kind, 0.0, f"{actor}: the articles say {swapped[0]}"))
        elif (
            closest is not None
            and not _covered(actor, context, closest.text)
            and any(_kind(r) == _kind(actor) for r in rivals)
        ):
            rival = next(r for r in rivals if _kind(r) == _kind(actor))
            found.append(Finding(kind, 0.0, f"{actor}: the articles say {rival}"))
        elif not _covered(actor, context, context.text):
            found.append(Finding(kind, 0.0, f"{actor} is not in the articles"))
    return found


# A speaker named by a common noun: the company, bank or ministry the article is about.
_GENERIC_SPEAKER = re.compile(
    r"(?:회사|회사 측|업체|은행|그룹|당국|기업|부처|정부|공사|공단)(?:은|는|이|가|측은)\s"
)
_SPEECH = re.compile(
    r"(?:말했|밝혔|설명했|강조했|지적했|비판했|주장했|전망했|내다봤|판단했|해석했|덧붙였|전했|꼬집었|우려했|평가했"
    r"|약속했|요구했|언급했|분석했|발표했)"
)


def _speaks(claim: str, actor: str) -> bool:
    return bool(_SPEECH.search(claim)) and re.search(re.escape(actor) + r"\S*\s", claim) is not None


def _roles(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """The claim's subject acts in the evidence too: not "A가 B에 요구했다" for "B가 A에 요구했다"."""
    subject = next((a for a in actors if re.search(re.escape(a) + _SUBJECT + r"\s", claim)), None)
    if subject is None:
        return []
    for source in evidence:
        text = source.sentence.text
        if subject not in text:
            continue
        as_subject = re.search(re.escape(subject) + r"\S{0,6}?" + _SUBJECT + r"\s", text)
        as_object = re.search(re.escape(subject) + _OBJECT + r"\s", text)
        others = [a for a in actors if a != subject and re.search(re.escape(a) + _SUBJECT + r"\s", text)]
        if as_object and not as_subject and others:
            reason = f"in the articles {others[0]} acts, and {subject} is its object"
            return [Finding("attribution", 0.0, reason)]
    return []


_NEGATORS = {("않", "VX"), ("못하", "VX"), ("못", "MAG"), ("안", "MAG")}


def _negated_predicates(sentence: Sentence) -> dict[str, set[bool]]:
    """Return each predicate of the sentence (울리다, 공개하다) and whether it is negated where it
    occurs (…지 않다, …지 못하다, 안 …, 못 …)."""
    lemmas, tags = sentence.lemmas, sentence.tags
    found: dict[str, set[bool]] = {}
    for i, tag in enumerate(tags):
        if tag in ("VV", "VA"):
            predicate = lemmas[i]
        elif tag == "XSV" and i > 0 and tags[i - 1] == "NNG":
            predicate = lemmas[i - 1] + "하다"
        else:
            continue
        if predicate in ("하다", "되다", "있다", "없다", "않다"):
            continue
        after = set(zip(lemmas[i + 1 : i + 5], tags[i + 1 : i + 5], strict=True))
        before = set(zip(lemmas[max(0, i - 2) : i], tags[max(0, i - 2) : i], strict=True))
        negated = bool(after & _NEGATORS) or bool(before & {("못", "MAG"), ("안", "MAG")})
        found.setdefault(predicate, set()).add(negated)
    return found


_CLAUSE_SUBJECT = re.compile(r"([가-힣A-Za-z0-9·]{2,}?)(?:\([^)]*\))?(?:이|가|은|는|도)\s")
_RESPECTIVELY = re.compile(
    r"([가-힣A-Za-z]{2,})·([가-힣A-Za-z]{2,})(?:이|가|은|는|의)?\s?각각\s?"
    r"(\d[\d,.]*\s?[%가-힣]*?)(?:와|과|,)\s?(\d[\d,.]*)"
)
_KEY_WORDS = re.compile(r"적자|흑자|최고|최저|가장|처음|유죄|무죄")


def _subject_of(clause: str) -> str | None:
    """Return the clause's subject: the noun marked 이/가 (its grammatical subject) if there is one,
    else the first marked 은/는/도 (its topic); adverbs such as 주체별로는 are not nouns."""
    found = [m for m in _CLAUSE_SUBJECT.finditer(clause) if not m.group(1).endswith(("로", "에", "서"))]
    marked = [m for m in found if clause[m.end() - 2] in "이가"]
    best = (marked or found)[:1]
    return best[0].group(1) if best else None


def _pairing(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """What the claim says of one subject the evidence says of it too, not of another in the same
    sentence: "개인예금이 24억7000만달러 줄어" where the article's 24억7000만달러 is 기업예금's."""
    for source in evidence:  # "중국·인도가 각각 69%와 52%": 중국 69%, 인도 52%
        for match in _RESPECTIVELY.finditer(source.sentence.text):
            first, second, x, y = match.groups()
            for name, mine, theirs in ((first, y, x), (second, x, y)):
                swapped = re.search(re.escape(name) + r"\S{0,2}\s?" + re.escape(mine.strip()), claim)
                if swapped:
                    return [Finding("entity", 0.0, f"the articles give {name} {theirs.strip()}")]
    for mine in _clauses(claim):
        subject = _subject_of(mine)
        if subject is None:
            continue
        numbers = [q for q in quantities(mine) if not q.is_date]
        words = set(_KEY_WORDS.findall(mine))
        if not numbers and not words:
            continue

        def holds(clause: str, numbers: list[Quantity] = numbers, words: set[str] = words) -> bool:
            return any(_matches(q, quantities(clause)) for q in numbers) or any(w in clause for w in words)

        for source in evidence:
            clauses = _clauses(source.sentence.text)
            own = [c for c in clauses if subject in c]
            holders = [c for c in clauses if holds(c)]
            if not own or not holders or any(c in holders for c in own):
                continue
            others = [_subject_of(c) for c in holders]
            # the other subject is one the claim names too (개인예금 … 기업예금보다): a swap, not a fusion
            other = next(
                (
                    o
                    for o in others
                    if o and o != subject and subject not in o and o in claim and (len(o) > 2 or o in actors)
                ),
                None,
            )
            if other is not None:
                return [Finding("entity", 0.0, f"the articles say this of {other}, not of {subject}")]
    return []


_DIRECTIONS = {  # which way a clause says something went
    "up": re.compile(
        r"증가|늘[었어고며면는다]|늘어|상승|오르|올라|올랐|인상|확대|높아|높았|높은|급등|반등|뛰었|뛴|불어나|불어났"
        r"|커지|커졌|웃돌|개선|호전|회복|흑자|많았|많은|강해|강화|성공|반영했|반영하"
    ),
    "down": re.compile(
        r"감소|줄[었어고며면는다]|줄어|하락|내리|내려|내렸|인하|축소|낮아|낮았|낮은|급락|떨어|둔화|작아|작았|밑돌"
        r"|악화|적자|마이너스|빠져|빠졌|빠지|적었|약해|완화|실패|속수무책|무산|무시|무력화"
    ),
    "flat": re.compile(r"비슷|보합|제자리|변동이 없|변함없"),
}
_THAN = re.compile(r"([가-힣A-Za-z]{2,})(?:\([^)]*\))?보다")


def _direction(text: str) -> str | None:
    found = {name for name, pattern in _DIRECTIONS.items() if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def _best_clause(claim_clause: str, clauses: Sequence[str], context: _Context) -> str | None:
    """Return the evidence clause that shares most with a clause of the claim (terms and numbers)."""
    numbers = quantities(claim_clause)

    def score(clause: str) -> float:
        value = sum(
            _weight(w, context) for w in re.findall(r"[가-힣A-Za-z]{2,}", claim_clause) if w in clause
        )
        return value + 3.0 * sum(1 for q in numbers if _matches(q, quantities(clause)))

    best = max(clauses, key=score, default=None)
    return best if best is not None and score(best) > 0 else None


def _polarity(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """The clause of the evidence a clause of the claim restates goes the same way (증가/감소, 흑자/적자,
    유죄/무죄, 성공/속수무책), compares the same way round (A가 B보다 많다), and negates the same
    predicates (울렸다 / 울리지 않았다)."""
    if not evidence:
        return []
    clauses = [c for source in evidence for c in _clauses(source.sentence.text)]
    for mine in _clauses(claim):
        theirs = _best_clause(mine, clauses, context)
        if theirs is None:
            continue
        numbers = [q for q in quantities(mine) if not q.is_date]
        if numbers and not any(_matches(q, quantities(theirs)) for q in numbers):
            continue  # not the clause this one restates: its numbers are elsewhere
        if _direction(mine) is None and _DIRECTIONS["up"].search(mine) and _DIRECTIONS["down"].search(mine):
            continue  # both ways in one clause (늘다가 감소로 돌아섰다): no single direction to compare
        for a, b in _ANTONYMS:
            for word, opposite in ((a, b), (b, a)):
                if word in mine and opposite not in mine and opposite in theirs and word not in theirs:
                    return [Finding("polarity", 0.0, f"the articles say {opposite}…, not {word}…")]
        # "A는 X%, B는 Y% 감소했다": a clause without a verb of its own goes the way of what follows it
        rest = next((c for source in evidence for c in [source.sentence.text] if theirs in c), theirs)
        after = rest[rest.find(theirs) + len(theirs) :]
        way, their_way = _direction(mine), _direction(theirs) or _direction(after.split(".")[0])
        if way and their_way and way != their_way:
            return [Finding("polarity", 0.0, f"the articles say it went {their_way}, not {way}")]
        than, their_than = _THAN.search(mine), _THAN.search(theirs)
        if than and their_than:
            x, y = than.group(1), their_than.group(1)
            if x != y and y in mine and x in theirs:
                return [Finding("polarity", 0.0, f"the articles compare with {y}, not {x}")]
    theirs_negated: dict[str, set[bool]] = {}
    for predicate, negated in _negated_predicates(evidence[0].sentence).items():
        theirs_negated.setdefault(predicate, set()).update(negated)
    for predicate, negated in _negated_predicates(sentence).items():
        stated = theirs_negated.get(predicate)
        if stated and len(negated) == 1 and len(stated) == 1 and negated != stated:
            verb = predicate.removesuffix("다")
            said = f"{verb}지 않는다" if True in stated else f"{verb}다"
            return [Finding("polarity", 0.0, f"the articles say {said}")]
    return []


def _causal(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """A cause or reason the claim gives (때문, 탓, 덕분, 계기, 에 따라) is stated by one source sentence
    that holds both sides."""
    if not _STRONG_CAUSAL.search(claim):
        return []
    support = _best_share(lambda text: _CAUSAL.search(text) is not None, sentence, context)
    return [Finding("causal", support, "no sentence of the articles states this cause and its effect")]


def _addition(
    claim: str, sentence: Sentence, evidence: list[_Source], context: _Context, actors: list[str]
) -> list[Finding]:
    """The claim's nouns are in the articles; a plan or an outlook only where the evidence gives one."""
    found = []
    ending = next(
        (
            lemma
            for lemma, tag in zip(reversed(sentence.lemmas), reversed(sentence.tags), strict=True)
            if tag == "EF"
        ),
        "",
    )
    if ending.endswith(_NOT_STATEMENTS) or claim.rstrip().endswith("?"):
        found.append(
            Finding("opinion", 0.0, "the claim is a command, a suggestion or a question, not a fact")
        )
    judged = [w for w in _EVALUATIONS.findall(claim) if w not in context.text]
    if judged:
        found.append(Finding("opinion", 0.0, f"the articles do not judge so: {judged[0]}"))
    uncovered = _uncovered(sentence, context)
    if uncovered:
        reason = f"{uncovered:.0%} of what the claim names is not in the articles"
        found.append(Finding("addition", 1.0 - uncovered, reason))
    if _PLAN_END.search(claim):
        # A plan needs a plan in the evidence; an outlook, an outlook or a plan.
        outlook = _OUTLOOK_END.search(claim) is not None
        wanted = _PLAN if outlook else _INTENT
        if not any(wanted.search(s.sentence.text) for s in evidence):
            what = "an outlook" if outlook else "a plan"
            found.append(Finding("addition", 0.0, f"the claim states {what} the articles do not give"))
    return found


def check_text(claim: str, title: str, body: str, settings: Settings = SETTINGS) -> Verdict:
    """Analyse one article and check `claim` against it."""
    from prism.nlp.korean import analyze

    return check(claim, [analyze(title, body)], settings)

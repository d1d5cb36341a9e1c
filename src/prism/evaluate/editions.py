"""Count what a reader trips on in editions: bylines, dangling references, broken quotes, spoken register,
fragments, sentences that start with a particle, "A · B" headings and one story told twice.

The rules here are our own regexes and Kiwi checks, deliberately independent of the code that cleans
articles and builds editions (`nlp.clean`, the summarizer, the writer): this is how we measure what
that code misses, so it must not share its blind spots.

A sentence is one Quote of the edition: each lead paragraph, each ■ section and each pick's 핵심 요약
(summary) is a block, read in order. Whether a sentence's opening word points at text the edition does
not show depends on the sentence shown right before it in its block: the article's own previous
sentence is fine, anything else is not.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from prism.errors import UsageError
from prism.records import Briefing, BriefPick

Kind = Literal["byline", "out_of_context", "quote", "spoken", "fragment", "particle_start"]
KINDS: tuple[Kind, ...] = get_args(Kind)
EXAMPLES = 3  # examples kept per kind (and per heading / story defect)

# ---------------------------------------------------------------------------------------------------
# byline: datelines, bylines, e-mail, source and programme tags, photo captions, copyright lines.

_OUTLETS = (
    "연합뉴스|연합인포맥스|뉴스1|뉴시스|뉴스핌|이데일리|헤럴드경제|머니투데이|아시아경제|파이낸셜뉴스|"
    "한국경제|매일경제|서울경제|조선비즈|비즈니스워치|데일리안|노컷뉴스|아주경제|이투데이|한경닷컴|"
    "전자신문|디지털타임스|블로터|지디넷코리아|머니S|뉴스웨이|더벨|SBS|KBS|MBC|YTN|JTBC|MBN|"
    "TV조선|채널A|연합뉴스TV|AP|AFP|EPA|로이터|게티이미지|게티이미지뱅크|신화"
)
BYLINE: tuple[tuple[str, re.Pattern[str]], ...] = (
    # [이데일리 김유성 기자], [헤럴드경제=김유진 기자], [세종=이데일리 최훈길 기자]
    ("bracketed byline", re.compile(r"[\[(][^\[\]()]{0,30}(기자|특파원|통신원|앵커)[^\[\]()]{0,20}[\])]")),
    # (서울=연합뉴스), [세종=뉴스1], (사진=연합뉴스): a place or 사진 '=' an outlet, in brackets
    ("dateline", re.compile(r"[\[(][가-힣 ]{1,12}=[^\[\]()0-9%]{1,25}[\])]")),
    ("dateline", re.compile(r"【[^】]*】")),
    # 홍길동 기자 =, 구정모 김경윤 기자 =, 금융팀 =
    ("byline", re.compile(r"[가-힣]{2,10}\s?(기자|특파원|통신원|팀|취재단|취재팀)\s?=")),
    ("byline", re.compile(r"[가-힣]{2,4}\s?(기자|특파원)\s*$")),  # a byline after the last sentence
    ("e-mail", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    (
        "tag",
        re.compile(
            r"[\[<〈(]\s*(편집자\s*주|앵커|기자|리포트|인터뷰|녹취|자막|영상|사진|그래픽|단독|속보)\s*[\]>〉)]"
        ),
    ),
    ("tag", re.compile(r"편집자\s*주\s*[:：]|◀\s*(앵커|리포트|기자|인터뷰)\s*▶")),
    ("outlet", re.compile(r"<[^<>\n]{1,30}>|‹[^‹›]{1,30}›|≪[^≪≫]{1,30}≫")),  # <매체>, ‹매체›
    ("photo caption", re.compile(r"(사진|그래픽|이미지|영상|자료)\s*(제공|출처)?\s*=|자료\s?사진|\(사진\)")),
    ("photo credit", re.compile(rf"/\s*({_OUTLETS})[가-힣A-Za-z]*\s*[)\]]?\s*$")),
    ("copyright", re.compile(r"ⓒ|©|무단\s*전재|재배포\s*금지|저작권자")),
)


def byline(text: str) -> str | None:
    """Return what makes `text` carry a dateline, byline, e-mail, tag or caption, else None."""
    for why, pattern in BYLINE:
        found = pattern.search(text)
        if found:
            return f"{why}: {found.group(0).strip()}"
    return None


# ---------------------------------------------------------------------------------------------------
# out_of_context: an opening that points at text before the sentence. Each entry is one decision.

_TITLES = (
    "대표|회장|부회장|사장|부사장|총재|부총재|장관|차관|부총리|총리|대통령|위원장|부위원장|의원|원장|"
    "청장|실장|국장|부장|본부장|센터장|소장|팀장|교수|연구원|연구위원|위원|이사|이사장|전무|상무|행장|"
    "지사|시장|구청장|후보|대변인|수석|비서관|대사|감독|변호사|처장|측"
)
# 성 (surnames) that begin 이 총재는, 김씨는: a list, so that 날씨가 or 솜씨는 are not
# "a person named before".
_SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함"
    "변염여추도소석선설마길연위표명기반왕금옥육인맹제탁국어은편용예경봉"
)
_TIME_UNITS = "주|달|해|분기|반기|시즌|학기|정부|주말"
DANGLING: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Pronouns: whom 그/그녀/그들/이들 stand for was named earlier (그는, 그녀가, 이들은, 그의).
    (
        "pronoun",
        re.compile(
            r"^(그|그녀|그들|이들|이것|그것|이곳|그곳|저들)(은|는|이|가|의|도|을|를|에게|에서|과|와|만)?(?=[\s,])"
        ),
    ),
    # …also in the first clause: "15일 그는 …", "지난해 그녀가 …".
    ("pronoun", re.compile(r"^[^,\s]+(\s[^,\s]+)?\s(그|그녀|그들)(은|는|이|가|의)(?=\s)")),
    # 이는, 이를, 이에 (따라/대해), 이로 인해, 이와 함께, 이같이, 이처럼, 이러한, 이렇게:
    # "this" = what was just said.
    (
        "demonstrative",
        re.compile(
            r"^이(는|를|에|로|로써|로 인해|와|같이|같은|처럼|러한|런|렇게|렇듯|뿐만|밖에|때|후|후에)(?=[\s,])"
        ),
    ),
    (
        "demonstrative",
        re.compile(
            r"^그(러한|런|렇게|래서|리고|러면서|러므로|럼에도|렇지만|렇다면|런데|러나|뿐만|때|동안|중|후|간|밖에)(?=[\s,])"
        ),
    ),
    # 이 회사는, 그 결과, 해당 기업은, 동 기간: a determiner + noun means "the one mentioned"; with a
    # title, 이/김/최 + 대표는 is also "the person named before" (a surname alone), so both count.
    ("determiner", re.compile(r"^(이|그|저|해당|상기|동)\s+[가-힣A-Za-z0-9]+")),
    (
        "surname + title",
        re.compile(rf"^[{_SURNAMES}] ({_TITLES})(은|는|이|가|도|의|에게|과|와|측은)?(?=[\s,(])"),
    ),
    ("surname + title", re.compile(rf"^[{_SURNAMES}](모|아무개)?\s?씨(는|가|의|도|와|등|측)?(?=[\s,(])")),
    # Connectives: the sentence continues, contrasts or adds to one the reader has not seen.
    (
        "connective",
        re.compile(
            r"^(이어|이어서|하지만|그러나|그런데|반면에?|또한?|또다시|아울러|더불어|게다가|더욱이|따라서|그래서|그리고|"
            r"다만|단|즉|오히려|반대로|대신|마찬가지로|덧붙여|나아가|한편|뿐만 아니라)(?=[\s,])"
        ),
    ),
    # Time anchors relative to the article's dateline or event: 이날/전날/같은 날 = "the day of the event
    # the article reported", 당시 = "then", 앞서 = "earlier": the edition shows neither the date nor
    # the event. Decided on real output: 이날 opened sentences about "the debate that day" whose debate
    # the edition had not named, so it counts.
    ("time anchor", re.compile(r"^(이날|전날|당시|앞서|같은\s?날|같은 기간|이튿날|다음날|당일)(?=[\s,])")),
    # 이번 + noun is "this (just-mentioned) one": 이번 조치는, 이번 합의로; 이번 주/달/해 is plain calendar.
    ("time anchor", re.compile(rf"^이번(?!\s?({_TIME_UNITS})(?=[\s에의은는도,]))")),
)
# Not at the start but in the sentence's own words (outside quotations): 이 같은 내용의 …, 이런 조치를 ….
POINTERS = re.compile(
    r"(?<![가-힣])(이\s?같은|이\s?같이|이와 같은|이러한|이런|이처럼|그\s?같은|그러한)(?=\s)"
)
# 김 총재가, 이 대표는 inside the sentence: a person named before. 전/현 (former/current) and 한
# (a certain) are left out.
_SURNAME_TITLE = re.compile(rf"(?<=\s)(?![전현한])[{_SURNAMES}] ({_TITLES})(은|는|이|가|의|도)(?=\s)")
# "…한 것이다" / "…한 것이며," with no topic before it: "석 달 만에 반등한 것이다" says what the sentence
# before meant. The word before 것 ends in ㄴ (반등한, 오른, 컸던, 하는: a 관형형 of the past or present; …할
# 것이다 is an outlook), and no word before that ends in 은/는 (새 제도는 … 위한 것이다 names its topic;
# words such as 많은 or 하는 also stop it, so this undercounts rather than guesses). "…증가한 수치다",
# "…이어가는 이유다", "…오른 셈이다" do the same, unless a word before ends in 이/가 too (a subject: "수출이
# … 가장 높은 수준이다" stands alone; so do 증가 or 물가, another undercount).
_RESTATEMENT = re.compile(
    r"(?:^|(?<=\s))([가-힣]+)\s(것|수치|수준|규모|이유|까닭|배경|결과|모습|셈|상황|양상)"
    r"(?:이다|이며|이고|다|며|고)(?=[\s,.]|$)"
)
_FINAL_N = 4  # ㄴ's place among the 28 final consonants of a composed Hangul syllable (none is 0)


def _restatement(inside: str) -> str | None:
    """Return the "…한 것이다" that restates the sentence before, in `inside` (quotations removed)."""
    found = _RESTATEMENT.search(inside)
    if found is None:
        return None
    word = found.group(1)
    if (ord(word[-1]) - 0xAC00) % 28 != _FINAL_N:
        return None
    stops = ("은", "는") if found.group(2) == "것" else ("은", "는", "이", "가")
    if any(w.rstrip(",")[-1:] in stops for w in inside[: found.start()].split()):
        return None
    return found.group(0).strip()


# Not counted: 특히 ("in particular": the sentence stands on its own), 결국 and 최근 (read as plain
# adverbs), 이달/올해 (calendar, relative to the edition's date, which the reader knows).


def dangling(text: str) -> str | None:
    """Return the opening of `text` that refers to something said before it, else None."""
    for why, pattern in DANGLING:
        found = pattern.search(text)
        if found:
            return f"{why}: {found.group(0).strip()}"
    inside = outside_quotes(text)
    for why, pattern in (("pointer", POINTERS), ("surname + title", _SURNAME_TITLE)):
        found = pattern.search(inside)
        if found:
            return f"{why}: {found.group(0).strip()}"
    restated = _restatement(inside)
    return f"restatement: {restated}" if restated else None


# ---------------------------------------------------------------------------------------------------
# quote: unbalanced marks; a quotation only partly shown; a quotation with no speaker.

_APOSTROPHE = re.compile(r"(?<=[A-Za-z])['’](?=[A-Za-z])|(?<=\s)['’](?=\d0s)")
# (opening, closing, ASCII mark that may stand for either)
_FAMILIES = (("“", "”", '"'), ("‘", "’", "'"), ("「", "」", ""), ("『", "』", ""))
_OPENINGS = "“‘「『\"'"
_QUOTED = re.compile(r"“[^“”]*”|‘[^‘’]*’|「[^「」]*」|『[^『』]*』|\"[^\"]*\"|'[^']*'")


def unbalanced(text: str) -> str | None:
    """Return the quotation mark left open or unopened in `text`, else None."""
    text = _APOSTROPHE.sub("", text)
    for opening, closing, ascii_mark in _FAMILIES:
        opens, closes = text.count(opening), text.count(closing)
        loose = text.count(ascii_mark) if ascii_mark else 0
        if (opens + closes + loose) % 2 or abs(opens - closes) > loose:
            return f"unbalanced {opening}{closing}"
        # A closing mark before any opening one: the quotation began in an earlier sentence.
        if opens and closes and not loose and text.index(closing) < text.index(opening):
            return f"unbalanced {opening}{closing}"
    return None


def outside_quotes(text: str) -> str:
    """Return `text` without its quotations (an unclosed one runs to the end)."""
    text = _QUOTED.sub(" ", _APOSTROPHE.sub("", text))
    cut = min((text.find(mark) for mark in _OPENINGS if mark in text), default=-1)
    return text[:cut] if cut >= 0 else text


_PREDICATE_END = re.compile(r"[가-힣][.?!]?\W*$")


def unattributed(text: str) -> bool:
    """Return True if `text` is only quotations: no speaker and no verb of saying outside them."""
    stripped = text.strip()
    if not stripped or stripped[0] not in _OPENINGS or unbalanced(stripped):
        return False
    rest = _QUOTED.sub(" ", _APOSTROPHE.sub("", stripped))
    # What is left may be particles that join two quotations (“…”며 “…”); a speaker or verb is a word
    # of two or more syllables, or a verb ending (…고 말했다).
    return not re.search(r"[가-힣]{2,}", rest) or not _PREDICATE_END.search(rest)


# ---------------------------------------------------------------------------------------------------
# spoken: the briefing's own voice in broadcast or first-person register; transcripts; Q&A.

_POLITE = re.compile(r"(요|죠|니다|니까|세요|네요|군요|래요|데요|까요|습니까)$")
TRANSCRIPT = re.compile(r"\[[^\[\]:]{1,30}\s?:\s?|^\s*(Q|A|문|답)\s?\d*\s?[.:)]\s|^\s*(질문|답변)\s?:")


# ---------------------------------------------------------------------------------------------------
# fragment: no sentence-final predicate, a list or subhead line, or two sentences glued together.

BULLETS = "◇▶■▲※●○☞△◆□★◎▷►•·-"
_GLUED = re.compile(r"[가-힣][다요죠까][.?!](?=[가-힣A-Za-z])")
_END = re.compile(r"[.?!]['\"”’」』)\]]*\s*$")
_PUNCT = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"})

# particle_start: particles and endings that never begin a sentence, where Kiwi reads them as a noun
# (으로 → 으/NNG + 로; 는 → 늘/VV + ᆫ). 이/가/도/과/고 are left out: 이 회사, 가격, 도 관계자 (province),
# 과 (department), 고 (the late) begin sentences.
_PARTICLE_START = re.compile(
    r"^(으로|로|는|은|을|를|에|에서|에게|의|와|께서|까지|부터|마저|조차|으로서|로서|이라고|라고|라며|이라며|"
    r"이라는|라는|며|면서|지만|는데|다고|다며|다는|했다|한다|된다|됐다|이다|들은|들이|들의|들을|들도)(?=[\s,.])"
)


@dataclass(frozen=True, slots=True)
class Tokens:
    """What the sentence rules need from Kiwi: (form, tag) pairs without punctuation."""

    words: tuple[tuple[str, str], ...]


def tokens(text: str) -> Tokens:
    """Return Kiwi's morphemes of `text` without punctuation."""
    from prism.nlp.korean import kiwi

    return Tokens(tuple((t.form, t.tag) for t in kiwi().tokenize(text) if t.tag not in _PUNCT))


def particle_start(text: str, words: Tokens) -> str | None:
    """Return the particle or ending `text` starts with, else None."""
    found = _PARTICLE_START.search(text.lstrip(" \"'“”‘’"))
    if found:
        return f"starts with {found.group(1)}"
    if words.words:
        form, tag = words.words[0]
        # 조사 (J*, particle), 어미 (E*, ending), 접미사 (XS*, suffix), 이다 (VCP): never a first word.
        if tag.startswith(("J", "E", "XS")) or tag == "VCP":
            return f"starts with {form}/{tag}"
    return None


def fragment(text: str, words: Tokens) -> str | None:
    """Return why `text` is not one whole sentence, else None."""
    stripped = text.strip()
    if stripped[:1] in BULLETS:
        return f"list or subhead line: {stripped[:1]}"
    glued = _GLUED.search(stripped)
    if glued:
        return f"glued sentences: {stripped[max(0, glued.start() - 4) : glued.end() + 4]}"
    if stripped.endswith(("”", '"', "’", "'")) and unattributed(stripped):
        return None  # a bare quotation: counted as a quote defect, its end is the speaker's
    if not _END.search(stripped):
        return f"no final punctuation: …{stripped[-8:]}"
    last = words.words[-1] if words.words else ("", "")
    # 종결 어미 (EF, sentence-final ending) or a question/quote-final ending; a noun before the period
    # (…할 예정., …때문.) is headline style, not a sentence.
    if not last[1].startswith("EF") and last != ("요", "JX"):
        return f"no sentence-final ending: …{stripped[-8:]}"
    return None


def spoken(text: str, words: Tokens) -> str | None:
    """Return the spoken or transcript mark of `text` outside its quotations, else None."""
    transcript = TRANSCRIPT.search(text)
    if transcript:
        return f"transcript or Q&A: {transcript.group(0).strip()}"
    stripped = text.strip()
    if unbalanced(stripped) or stripped.endswith(("”", '"', "’", "'", "」", "』")):
        return None  # the end is inside a quotation: the speaker's register, not the briefing's
    last = words.words[-1] if words.words else ("", "")
    if (last[1] == "EF" and _POLITE.search(last[0])) or last == ("요", "JX"):  # …데요: 데/EC + 요/JX
        return f"polite ending: …{stripped[-8:]}"
    return None


def sentence_defects(text: str) -> dict[Kind, str]:
    """Return the context-free defects of one sentence: {kind: why} (no out_of_context)."""
    words = tokens(text)
    found: dict[Kind, str] = {}
    checks: tuple[tuple[Kind, str | None], ...] = (
        ("byline", byline(text)),
        ("quote", unbalanced(text) or ("quotation with no speaker" if unattributed(text) else None)),
        ("spoken", spoken(text, words)),
        ("fragment", fragment(text, words)),
        ("particle_start", particle_start(text, words)),
    )
    for kind, why in checks:
        if why:
            found[kind] = why
    return found


# ---------------------------------------------------------------------------------------------------
# Editions: blocks, context, headings, stories.

QUOTE_SPAN = 5  # sentences one quotation may run over in an article; a longer "span" is a stray mark
STORY_JACCARD = 0.5  # Jaccard of two picks' title (or summary) nouns for one story told twice
STORY_NOUNS = frozenset({"NNG", "NNP", "SL", "SH"})
KEYWORD_PAIR = re.compile(r"\S\s·\s\S")


@dataclass(frozen=True, slots=True)
class Finding:
    """One edition sentence and the defects found in it."""

    persona: str
    block: str  # "lead 1", "■ heading", "요약 2"
    text: str
    kinds: Mapping[Kind, str]

    def as_dict(self) -> dict[str, Any]:
        return {"persona": self.persona, "block": self.block, "text": self.text, "kinds": dict(self.kinds)}


@dataclass(slots=True)
class Tally:
    """Counts for one reader type (or all of them)."""

    editions: int = 0
    sentences: int = 0
    defects: dict[str, int] = field(default_factory=lambda: dict.fromkeys([*KINDS, "any"], 0))
    headings: int = 0
    keyword_pair_headings: int = 0
    picks: int = 0
    story_twice: int = 0  # editions with two picks about one story
    story_twice_pairs: int = 0
    summary_sentences: int = 0
    summary_chars: int = 0

    def add(self, other: Tally) -> None:
        for name in ("editions", "sentences", "headings", "keyword_pair_headings", "picks", "story_twice"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.story_twice_pairs += other.story_twice_pairs
        self.summary_sentences += other.summary_sentences
        self.summary_chars += other.summary_chars
        for kind, count in other.defects.items():
            self.defects[kind] += count

    def as_dict(self) -> dict[str, Any]:
        return {
            "editions": self.editions,
            "sentences": self.sentences,
            "defects": dict(self.defects),
            "rates": {
                k: round(v / self.sentences, 4) if self.sentences else 0.0 for k, v in self.defects.items()
            },
            "headings": self.headings,
            "keyword_pair_headings": self.keyword_pair_headings,
            "picks": self.picks,
            "story_twice": self.story_twice,
            "story_twice_pairs": self.story_twice_pairs,
            "summary_mean_chars": round(self.summary_chars / self.picks, 1) if self.picks else 0.0,
            "summary_mean_sentences": round(self.summary_sentences / self.picks, 2) if self.picks else 0.0,
        }


@dataclass(slots=True)
class EditionReport:
    """What `prism eval editions` reports: totals, per reader type, and examples of each defect."""

    pool: int
    total: Tally = field(default_factory=Tally)
    personas: dict[str, Tally] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)  # (persona, "A · B" heading)
    stories: list[tuple[str, str, str, str]] = field(default_factory=list)  # (persona, title, title, why)

    def examples(self, kind: str, limit: int = EXAMPLES) -> list[Finding]:
        """Return up to `limit` findings of `kind`, from as many reader types as there are."""
        chosen: list[Finding] = []
        seen: set[str] = set()
        for finding in self.findings:
            if kind in finding.kinds and finding.text not in seen and len(chosen) < limit:
                chosen.append(finding)
                seen.add(finding.text)
        return chosen

    def as_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            **self.total.as_dict(),
            "personas": {key: tally.as_dict() for key, tally in self.personas.items()},
            "examples": {
                **{kind: [f.as_dict() for f in self.examples(kind)] for kind in KINDS},
                "keyword_pair_heading": [{"persona": p, "heading": h} for p, h in self.headings[:EXAMPLES]],
                "story_twice": [
                    {"persona": p, "titles": [a, b], "why": why} for p, a, b, why in self.stories[:EXAMPLES]
                ],
            },
            "findings": [f.as_dict() for f in self.findings],
        }


def quotation_spans(sentences: Sequence[str]) -> dict[int, range]:
    """Map each sentence index of an article that belongs to a quotation over several sentences to that
    quotation's span of indices."""
    spans: dict[int, range] = {}
    start: int | None = None
    for index, text in enumerate(sentences):
        if not unbalanced(text):
            if start is not None and index - start >= QUOTE_SPAN:
                start = None  # no closing mark in reach: the opening one was a stray mark
            continue
        if start is None:
            start = index
            continue
        span = range(start, index + 1)
        spans.update(dict.fromkeys(span, span))
        start = None
    return spans


def _quote_in_context(
    key: tuple[int, int],
    block: Sequence[tuple[int, int]],
    where: Mapping[tuple[int, int], int],
    here: int,
    span: range,
) -> str | None:
    """Return why a sentence of a quotation over `span` is broken as the edition shows it, else None."""
    article = key[0]
    shown = [(article, i) for i in span]
    position = block.index(key)
    if block[position - (key[1] - span.start) : position - (key[1] - span.start) + len(span)] == shown:
        return None  # the whole quotation, in order, in one block
    elsewhere = [i for i in span if i != key[1] and where.get((article, i), here) != here]
    if elsewhere:
        return f"quotation split across blocks (sentences {span.start}–{span.stop - 1})"
    return f"part of a quotation over sentences {span.start}–{span.stop - 1}"


def _nouns(text: str) -> set[str]:
    return {form for form, tag in tokens(text).words if tag in STORY_NOUNS and len(form) > 1}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


_FIGURE = re.compile(
    r"(?<![\d.,])\d[\d,.]*(?:\s?[만억조]\s?\d[\d,.]*)*\s?[만억조]?(?:명|원|달러|개|건|호|척|대|톤|곳|가구|세대|%)"
)


def figures(text: str) -> set[str]:
    """Return the specific figures of `text` (four digits or more with a unit, not a year): the
    numbers two reports of one event share (9308명, 663억5000만달러, 42.46%)."""
    found = set()
    for match in _FIGURE.finditer(text):
        figure = re.sub(r"[\s,]", "", match.group(0))
        if sum(c.isdigit() for c in figure) >= 4:
            found.add(figure)
    return found


def same_story(a: BriefPick, b: BriefPick) -> str | None:
    """Return why two picks of an edition tell one story, else None: the recommender's own story
    label; titles that share half their nouns; summaries that share half their nouns; or a specific
    figure both report. One ongoing issue told as two events (a ruling, then a reaction) is two stories."""
    if a.story == b.story:
        return "same story label"
    first, second = _nouns(a.title), _nouns(b.title)
    if len(first & second) >= 2 and jaccard(first, second) >= STORY_JACCARD:
        return f"titles share {', '.join(sorted(first & second))}"
    summaries = jaccard(_nouns(a.summary_text), _nouns(b.summary_text))
    if summaries >= STORY_JACCARD:
        return f"summary nouns Jaccard {summaries:.2f}"
    numbers = figures(f"{a.title} {a.summary_text}") & figures(f"{b.title} {b.summary_text}")
    if numbers:
        return f"both report {', '.join(sorted(numbers))}"
    return None


def _blocks(briefing: Briefing) -> list[tuple[str, list[tuple[int, int]], list[str]]]:
    blocks = [
        (f"lead {n}", [(q.article_id, q.index) for q in p], [q.text for q in p])
        for n, p in enumerate(briefing.lead, start=1)
    ]
    blocks += [
        (f"■ {s.heading}", [(q.article_id, q.index) for q in s.sentences], [q.text for q in s.sentences])
        for s in briefing.sections
    ]
    blocks += [
        (f"요약 {n}", [(q.article_id, q.index) for q in p.summary], [q.text for q in p.summary])
        for n, p in enumerate(briefing.picks, start=1)
    ]
    return blocks


def evaluate_edition(
    briefing: Briefing, articles: Mapping[int, Sequence[str]] | None = None
) -> tuple[Tally, list[Finding], list[str], list[tuple[str, str, str]]]:
    """Count the defects of one edition; `articles` (article id → its sentences) lets quotations over
    several sentences be followed. Return the tally, the findings, the "A · B" headings and the
    (title, title, why) of picks that tell one story."""
    spans = {article: quotation_spans(sentences) for article, sentences in (articles or {}).items()}
    tally = Tally(editions=1)
    findings: list[Finding] = []
    blocks = _blocks(briefing)
    where = {key: n for n, (_, keys, _) in enumerate(blocks) for key in keys}
    for n, (name, keys, texts) in enumerate(blocks):
        for position, (key, text) in enumerate(zip(keys, texts, strict=True)):
            kinds = sentence_defects(text)
            follows = position > 0 and keys[position - 1] == (key[0], key[1] - 1)
            opening = dangling(text)
            if opening and not follows:
                kinds["out_of_context"] = opening
            span = spans.get(key[0], {}).get(key[1])
            if span is not None:
                kinds.pop("spoken", None)  # inside a quotation: the speaker's register
                broken = _quote_in_context(key, keys, where, n, span)
                if broken:
                    kinds["quote"] = broken
                elif kinds.get("quote", "").startswith("unbalanced"):
                    del kinds["quote"]
            tally.sentences += 1
            for kind in kinds:
                tally.defects[kind] += 1
            if kinds:
                tally.defects["any"] += 1
                findings.append(Finding(briefing.persona, name, text, dict(sorted(kinds.items()))))
    pairs = [s.heading for s in briefing.sections if KEYWORD_PAIR.search(s.heading)]
    tally.headings = len(briefing.sections)
    tally.keyword_pair_headings = len(pairs)
    twice = []
    for i, a in enumerate(briefing.picks):
        for b in briefing.picks[i + 1 :]:
            why = same_story(a, b)
            if why:
                twice.append((a.title, b.title, why))
    tally.story_twice = 1 if twice else 0
    tally.story_twice_pairs = len(twice)
    tally.picks = len(briefing.picks)
    tally.summary_sentences = sum(len(p.summary) for p in briefing.picks)
    tally.summary_chars = sum(len(p.summary_text) for p in briefing.picks)
    return tally, findings, pairs, twice


def evaluate_briefings(
    briefings: Iterable[Briefing], articles: Mapping[int, Sequence[str]] | None = None, *, pool: int = 0
) -> EditionReport:
    """Count the defects of every edition, per reader type and in all."""
    report = EditionReport(pool=pool)
    for briefing in briefings:
        tally, findings, pairs, twice = evaluate_edition(briefing, articles)
        report.total.add(tally)
        report.personas.setdefault(briefing.persona, Tally()).add(tally)
        report.findings += findings
        report.headings += [(briefing.persona, h) for h in pairs]
        report.stories += [(briefing.persona, a, b, why) for a, b, why in twice]
    return report


def evaluate_editions(pool_path: Path) -> EditionReport:
    """Ingest the pool into a temporary home, build every reader type's edition over the whole pool (as
    `prism brief --window all` would) and count what a reader trips on."""
    from prism.config import get_settings
    from prism.ingest import ingest
    from prism.nlp.korean import from_json
    from prism.pipeline import build_editions
    from prism.recommend.personas import load_personas
    from prism.recommend.pool import load_pool
    from prism.store import analyses as stored_analyses
    from prism.store import articles as queries
    from prism.store import open_engine

    if not pool_path.exists():
        raise UsageError(f"{pool_path}: no such file")
    with tempfile.TemporaryDirectory(prefix="prism-eval-") as folder:
        home = Path(folder)
        settings = get_settings(home=home)
        engine = open_engine(settings.resolved_database_url)
        try:
            ingest([str(pool_path)], engine=engine, settings=settings)
            with engine.connect() as conn:
                stored = queries.list_articles(conn, limit=1_000_000)
            if not stored:
                raise UsageError(f"{pool_path}: no articles to build editions from")
            from prism.pipeline import parse_date

            days = [a.published_at for a in stored if a.published_at]
            day = max(days).date() if days else parse_date(None, settings)
            briefings = build_editions(
                engine, settings, list(load_personas(home).values()), day=day, window="all", store=False
            )
            pool = load_pool(engine)
            hashes = {pool.article_id(i): pool.content_hash(i) for i in range(len(pool))}
            shown = {p.article_id for b in briefings for p in b.picks}
            with engine.connect() as conn:
                rows = stored_analyses.load(conn, content_hashes={hashes[a] for a in shown})
            articles = {
                a: [
                    s.text
                    for s in from_json(rows[hashes[a]].title_terms, rows[hashes[a]].sentences).sentences
                ]
                for a in shown
            }
        finally:
            engine.dispose()
    return evaluate_briefings(briefings, articles, pool=len(pool))

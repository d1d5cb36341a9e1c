"""Strip news boilerplate (datelines, bylines, e-mails, captions, broadcast and interview tags, editor's
notes, related-article and copyright lines, URLs) before analysis, keeping a map from every cleaned
character back to the original body.

Rules work line by line, because bodies repeat their boilerplate at the start of any paragraph: a deck
(subtitle) line or two, then the dateline; a broadcast script's `[앵커]` … `[기자]` turns. Whole lines go
when they are never article text; spans go at a line's start (tags, datelines, markers) and inside it
(bylines in brackets, e-mails, URLs, photo credits). Decks stay: they carry no sentence-final ending, so
they are never statements, and the summarizer reads them as a second title.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# A reporter name: two to four Hangul syllables, maybe several joined by a middle dot, comma or slash.
_NAME = r"[가-힣]{2,4}(?:\s*[·ㆍ,/]\s*[가-힣]{2,4})*"
# After a dateline, names may also be apart by a space (백나리 정빛나 기자 =): "기자 =" is unambiguous.
_NAMES = r"[가-힣]{2,4}(?:\s*[·ㆍ,/\s]\s*[가-힣]{2,4}){0,3}"
_ROLE = r"(?:기자|특파원|선임기자|객원기자|인턴기자|수습기자|논설위원|전문기자|통신원)"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"')\]]+"
_CREDIT = r"(?:사진|그래픽|자료|출처|이미지|이미지\s*출처|영상|표)"
# Tags a broadcast script or an interview puts at a line's start: 앵커 (anchor), 기자 (reporter),
# 리포트 (report), 인터뷰 (interview), 현장음 (live sound), 녹취 (recording), 질문 (question).
_SCRIPT_TAG = r"(?:앵커(?:\s*멘트)?|기자|리포트|인터뷰|현장음|녹취|캐스터|질문\s*\d*|답변\s*\d*|단독|속보)"

# Whole lines that are never article text: patterns from the line's start (tried with `match`, which
# gives up at the first character on most lines) and phrases anywhere in it.
_DROP_LINE_START = re.compile(
    "|".join(
        [
            rf"\s*(?:{_NAME}\s*)?(?:{_ROLE}\s*)?{_EMAIL}\s*$",  # 홍길동 기자 hong@example.com
            rf"\s*(?:글|사진|영상|그래픽|취재|정리)?\s*=?\s*{_NAME}\s*{_ROLE}\s*$",  # 홍길동 기자
            r"\s*[▶☞▷►]",  # ▶ 관련기사 …
            r"\s*\[?(?:관련\s*기사|관련기사|추천\s*기사)\]?",
            r"\s*[▲△]",  # photo caption lines
            rf"\s*[\[(<]\s*{_CREDIT}\s*=[^\])>]*[\])>]\s*$",  # [사진=프리즘경제 DB] alone on its line
            r"\s*<\s*(?:사진|그래픽|표)[^>]*>\s*$",
            r"\s*[\[<(]?\s*편집자\s*주",  # [편집자주] … : the source's note to its readers
            r"\s*※",  # ※ 이 기사는 … : a note, not the story
            # A speaker's turn in a broadcast script, [이름/직함 : "…"] or <이름 / 직함> "…": first-person
            # speech that must never read as the briefing's own voice.
            r"\s*\[[^\]\n:]{1,40}/[^\]\n:]{0,40}:",
            r"\s*\[[^\]\n:]{1,30}\s:",  # [대한항공 전 직원 : …]
            r"\s*<[^>\n]{1,20}/[^>\n]{1,30}>",
            r"\s*[\[<]\s*(?:현장음|녹취)\s*[\]>]\s*[\"“']",
            # The anchor handing over: 홍길동 기자입니다 / 기자가 보도합니다 / 기자의 보도입니다.
            rf"[^\n]{{0,30}}?{_NAME}\s*기자(?:입니다|의\s*보도입니다|가\s*[가-힣]{{1,12}}니다)\.?\s*$",
        ]
    )
)
_DROP_LINE_ANYWHERE = re.compile(
    r"무단\s*(?:전재|복제)|재배포\s*금지|[ⓒ©]|저작권자|(?i:copyright|all rights reserved)"
    r"|/\s*사진\s*=\s*[^\n]{0,40}$"  # … /사진=한빛일보
)
# What a line must hold for _DROP_LINE_ANYWHERE to match in it ("copyright" and "all rights reserved", in
# any case, start with a c or an a): most lines hold none, and these substring tests cost a fraction of
# the search they spare.
_ANYWHERE_NEEDS = ("무단", "재배포", "ⓒ", "©", "저작권자", "사진", "c", "C", "a", "A")

# One tag at a line's start; the line loses tags one after another (【서울=뉴시스】 then 홍길동 기자 =).
_LINE_START_TAG = re.compile(
    "|".join(
        [
            # (세종=연합뉴스) 【서울=뉴시스】 [헤럴드경제=김유진 기자] [KUSF = 오승혜 기자]: "=" inside,
            # no digit before it (so "(1달러=1,100원)" stays).
            r"\s*\(\s*[^)\n=\d]{1,25}=[^)\n]{0,40}\)",
            r"\s*\[\s*[^\]\n=\d]{1,30}=[^\]\n]{0,60}\]",  # [머니투데이 마닐라(필리핀)=권혜민 기자]
            r"\s*【[^】\n]{1,40}】",  # 【파호아(하와이)=AP/뉴시스】: 【】 hold nothing but datelines
            # [이데일리 김유성 기자] [ 고재연/노경목 기자 ] <매체 이름 기자>; a bracket the source lost
            # its opening of (디지털데일리 최민지기자] …)
            rf"\s*\[[^\[\]\n]{{0,40}}?{_ROLE}\s*\]",  # [매경닷컴 MK스포츠(목동) 한이정 기자]
            rf"\s*[\[(<‹]?[^\[\]()<>‹›\n]{{0,40}}?{_ROLE}\s*[\])>›]",
            # 이세원 기자 = / 박기호 기자,전형민 기자 = (after a dateline, or alone)
            rf"\s*(?:{_NAMES}\s*{_ROLE}\s*[,·ㆍ]\s*)*{_NAMES}\s*{_ROLE}\s*=",
            # 금융팀 = / 경제부 = / 정책팀 = : a desk signing for its reporters (after a dateline, or alone)
            r"\s*[가-힣]{1,6}(?:팀|부|취재팀|특별취재팀|데스크)\s*=",
            # [앵커] <기자> [리포트] [질문1] ◀ 앵커 ▶ ‹매체›
            rf"\s*[\[<]\s*{_SCRIPT_TAG}\s*[\]>]",
            r"\s*◀[^▶\n]{0,20}▶",
            r"\s*‹[^›\n]{1,20}›",
            # [한겨레] <아이뉴스24> [뉴스데스크]: a short tag followed by a space, a quote or the line's end
            # (not "<다다익선>은", a title the sentence goes on with).
            r"\s*[\[<][^\]>\n]{1,12}[\]>](?=[\s\"“‘'\[<◀]|$)",
            # Q&A markers: Q. A. 문 : 답 : (the text stays; a question is not a statement)
            r"\s*(?:Q|A|문|답)\s*[.:：)]\s*",
            # ◇코스피, 엿새만의 상승=코스피 지수는 …: a subhead marker and its "…=" lead-in; the sentence
            # stays.
            r"\s*[◇■●◆□◎]\s*(?:[^=\n.]{1,40}=)?",
        ]
    )
)
# Spans inside a line, each with a substring a line must hold for the pattern to be worth trying: most
# lines hold none, and trying these patterns at every character of every line was the bulk of cleaning.
#
# A span marked hard ends a sentence where it was: text on either side of a dateline or a caption credit does
# not run on (a photo's title, then the dateline, then its caption). An e-mail or URL inside a sentence is
# part of it: the sentence goes on across the cut.
_DROP_INLINE = (
    ("=", True, re.compile(rf"[\[(<]\s*{_CREDIT}\s*=[^\])>\n]{{0,60}}[\])>]")),  # [사진=…] (사진=…) <사진=…>
    (
        "=",
        True,
        re.compile(rf"[(【\[][^)】\]\n=\d]{{1,15}}=[^)】\]\n\d]{{1,20}}[)】\]]\s*{_NAMES}\s*{_ROLE}\s*="),
    ),
    ("=", True, re.compile(r"\[[^\]\n=]{1,20}=[^\]\n]{1,20}\]\s*$")),  # … 유발[게티이미지=연합뉴스]
    ("【", True, re.compile(r"【[^】\n]{1,30}】")),
    # [매체 이름 기자] anywhere, unless glued to a word: 김철수(전 한빛일보 기자)는 …
    ("기자", True, re.compile(r"[ \t]*(?<![가-힣A-Za-z0-9])[\[(【<]\s*[^\])】>\n]{0,40}?기자\s*[\])】>]")),
    ("/", True, re.compile(rf"[ \t]*/\s*{_NAME}\s*{_ROLE}\s*$")),  # … 했다. /홍길동 기자
    (
        "@",
        True,
        re.compile(rf"[ \t]*{_NAME}[ \t]*{_ROLE}[ \t]*{_EMAIL}[ \t]*$"),
    ),  # a byline ending a paragraph
    ("@", False, re.compile(rf"[ \t]*{_EMAIL}")),
    ("://", False, re.compile(rf"[ \t]*{_URL}")),
    ("www.", False, re.compile(rf"[ \t]*{_URL}")),
    ("기자", True, re.compile(rf"(?<=[.!?\"”’'])[ \t]+{_NAME}\s*기자\s*$")),  # …했다. 홍길동 기자
)
# A dateline opening the article: (서울=연합뉴스) 홍길동 기자 = / [서울경제] / 【서울=뉴시스】
# A parenthesised one needs "=" (so "(주)삼성…" survives); a bracketed one is a short tag ([단독] too).
_DATELINE = re.compile(
    rf"^\s*(?:[(【]\s*[^)】\n=]{{1,15}}=[^)】\n]{{1,20}}[)】]\s*|\[[^\]\n]{{1,20}}\]\s*)?"
    rf"(?:{_NAME}\s*{_ROLE}\s*=\s*)?"
)
# How many lines after its first a speaker's turn whose bracket is still open may take.
_TURN_LINES = 3
# What a line's first character must be for _LINE_START_TAG to have a chance (Hangul starts a byline
# "홍길동 기자 ="; the rest are the tags' openers and the Q&A letters): most lines start otherwise.
_TAG_OPENERS = frozenset("([【<‹◀◇■●◆□◎QA문답 \t\xa0")


def _signed(line: str) -> bool:
    """Return True when a line may open with a byline: "홍길동 기자 =" or a desk's "금융팀 =" ."""
    head = line[:30]
    return "기자" in head or ("=" in head and ("팀" in head or "부" in head))


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text plus the runs it was cut from, so offsets map back to the original body."""

    text: str
    clean_starts: tuple[int, ...]  # where each kept run starts in `text`
    original_starts: tuple[int, ...]  # where the same run starts in the original body
    breaks: tuple[int, ...] = ()  # where in `text` a sentence ends because a dateline or credit was cut

    def original_offset(self, offset: int) -> int:
        """Return the offset in the original body of the character at `offset` in the cleaned text."""
        run = bisect.bisect_right(self.clean_starts, offset) - 1
        if run < 0:
            return offset
        return self.original_starts[run] + offset - self.clean_starts[run]


def clean_for_analysis(body: str) -> Cleaned:
    """Return `body` without boilerplate; removed lines leave their line break so paragraphs stay apart."""
    removed: list[tuple[int, int]] = []
    hard: list[int] = []  # where (in the body) the hard spans among them end
    position = 0
    turn_open = 0  # lines a speaker's turn may still run on: it ends at its closing bracket
    for line in body.split("\n"):
        end = position + len(line)
        if turn_open:
            removed.append((position, end))
            turn_open = 0 if "]" in line or ">" in line else turn_open - 1
        elif line.strip() and (_DROP_LINE_START.match(line) or _holds_notice(line)):
            removed.append((position, end))
            if line.lstrip().startswith("[") and "]" not in line and ":" in line:
                turn_open = _TURN_LINES
        else:
            start = _tags_end(line) if line[:1] in _TAG_OPENERS or _signed(line) else 0
            if start:
                removed.append((position, position + start))
            for marker, ends_sentence, pattern in _DROP_INLINE:
                if marker in line:
                    for match in pattern.finditer(line, start):
                        if match.group(0).strip():
                            removed.append((position + match.start(), position + match.end()))
                            if ends_sentence and match.start() > 0:
                                hard.append(position + match.end())
        position = end + 1
    dateline = _DATELINE.match(body)
    if dateline and dateline.group(0).strip():
        removed.append(dateline.span())
    return _cut(body, removed, hard)


def _tags_end(line: str) -> int:
    """Return where the tags opening `line` (datelines, bylines, script tags, markers) end."""
    end = 0
    while (match := _LINE_START_TAG.match(line, end)) and match.end() > end:
        end = match.end()
    if end:  # and the spaces after them
        end = len(line) - len(line[end:].lstrip(" \t\xa0"))
    return end


def _holds_notice(line: str) -> bool:
    """Return True when `line` holds a copyright notice or ends in a photo credit."""
    for needed in _ANYWHERE_NEEDS:
        if needed in line:
            return _DROP_LINE_ANYWHERE.search(line) is not None
    return False


def _cut(text: str, spans: list[tuple[int, int]], hard: list[int]) -> Cleaned:
    pieces: list[str] = []
    clean_starts: list[int] = []
    original_starts: list[int] = []
    kept = 0
    cursor = 0
    for start, end in sorted(spans):
        if start > cursor:
            clean_starts.append(kept)
            original_starts.append(cursor)
            pieces.append(text[cursor:start])
            kept += start - cursor
        cursor = max(cursor, end)
    if cursor < len(text):
        clean_starts.append(kept)
        original_starts.append(cursor)
        pieces.append(text[cursor:])
    cleaned = Cleaned("".join(pieces), tuple(clean_starts), tuple(original_starts))
    if not hard:
        return cleaned
    breaks = sorted({_clean_offset(cleaned, at) for at in hard})
    return Cleaned(cleaned.text, cleaned.clean_starts, cleaned.original_starts, tuple(breaks))


def _clean_offset(cleaned: Cleaned, original: int) -> int:
    """Return where the first kept character at or after `original` (in the body) is in the cleaned text."""
    run = bisect.bisect_right(cleaned.original_starts, original) - 1
    if run < 0:
        return 0
    start = cleaned.original_starts[run]
    end = start + (
        cleaned.clean_starts[run + 1] if run + 1 < len(cleaned.clean_starts) else len(cleaned.text)
    )
    end -= cleaned.clean_starts[run]
    if original < end:
        return cleaned.clean_starts[run] + original - start
    return cleaned.clean_starts[run + 1] if run + 1 < len(cleaned.clean_starts) else len(cleaned.text)

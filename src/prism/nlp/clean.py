"""Strip news boilerplate (datelines, bylines, e-mails, captions, related-article and copyright lines, URLs)
before analysis, keeping a map from every cleaned character back to the original body."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# A reporter name: two to four Hangul syllables, maybe several joined by a middle dot.
_NAME = r"[가-힣]{2,4}(?:\s*[·ㆍ,]\s*[가-힣]{2,4})*"
_ROLE = r"(?:기자|특파원|선임기자|객원기자|인턴기자|수습기자|논설위원|전문기자|통신원)"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"')\]]+"

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
            r"\s*[\[(<]\s*사진\s*=[^\])>]*[\])>]\s*$",  # [사진=프리즘경제 DB] alone on its line
            r"\s*<\s*(?:사진|그래픽|표)[^>]*>\s*$",
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
# Spans inside a line, each with a substring a line must hold for the pattern to be worth trying: most
# lines hold none, and trying these patterns at every character of every line was the bulk of cleaning.
_DROP_INLINE = (
    ("=", re.compile(r"[\[(]\s*(?:사진|그래픽|자료|출처)\s*=[^\])\n]{0,60}[\])]")),  # [사진=…] (사진=…)
    ("@", re.compile(rf"[ \t]*{_NAME}[ \t]*{_ROLE}[ \t]*{_EMAIL}[ \t]*$")),  # a byline ending a paragraph
    ("@", re.compile(rf"[ \t]*{_EMAIL}")),
    ("://", re.compile(rf"[ \t]*{_URL}")),
    ("www.", re.compile(rf"[ \t]*{_URL}")),
)
# A dateline opening the article: (서울=연합뉴스) 홍길동 기자 = / [서울경제] / 【서울=뉴시스】
# A parenthesised one needs "=" (so "(주)삼성…" survives); a bracketed one is a short tag ([단독] too).
_DATELINE = re.compile(
    rf"^\s*(?:[(【]\s*[^)】\n=]{{1,15}}=[^)】\n]{{1,20}}[)】]\s*|\[[^\]\n]{{1,20}}\]\s*)?"
    rf"(?:{_NAME}\s*{_ROLE}\s*=\s*)?"
)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text plus the runs it was cut from, so offsets map back to the original body."""

    text: str
    clean_starts: tuple[int, ...]  # where each kept run starts in `text`
    original_starts: tuple[int, ...]  # where the same run starts in the original body

    def original_offset(self, offset: int) -> int:
        """Return the offset in the original body of the character at `offset` in the cleaned text."""
        run = bisect.bisect_right(self.clean_starts, offset) - 1
        if run < 0:
            return offset
        return self.original_starts[run] + offset - self.clean_starts[run]


def clean_for_analysis(body: str) -> Cleaned:
    """Return `body` without boilerplate; removed lines leave their line break so paragraphs stay apart."""
    removed: list[tuple[int, int]] = []
    position = 0
    for line in body.split("\n"):
        end = position + len(line)
        if line.strip() and (_DROP_LINE_START.match(line) or _holds_notice(line)):
            removed.append((position, end))
        else:
            for marker, pattern in _DROP_INLINE:
                if marker in line:
                    removed.extend(
                        (position + match.start(), position + match.end())
                        for match in pattern.finditer(line)
                        if match.group(0).strip()
                    )
        position = end + 1
    dateline = _DATELINE.match(body)
    if dateline and dateline.group(0).strip():
        removed.append(dateline.span())
    return _cut(body, removed)


def _holds_notice(line: str) -> bool:
    """Return True when `line` holds a copyright notice or ends in a photo credit."""
    for needed in _ANYWHERE_NEEDS:
        if needed in line:
            return _DROP_LINE_ANYWHERE.search(line) is not None
    return False


def _cut(text: str, spans: list[tuple[int, int]]) -> Cleaned:
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
    return Cleaned("".join(pieces), tuple(clean_starts), tuple(original_starts))

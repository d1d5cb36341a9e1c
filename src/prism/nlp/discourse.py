"""What a sentence needs around it to be read right: references back, speakers, spoken register.

An edition shows a few sentences of each article, out of their order and next to other articles' sentences.
A sentence that points back ("이는 …", "그는 …", "이 영향으로 …", "반면 …", "“…”고 덧붙였다") means
something else, or nothing, without the sentence before it; a sentence in spoken or first-person register
("…많은데요.", "저는 …") is someone's speech that the briefing would otherwise say in its own voice. These
checks read the tokens Kiwi already gave each sentence (`Sentence.lemmas` and `Sentence.tags`), so they
cost nothing at analysis time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from prism.nlp.keywords import ROLES
from prism.records import Sentence

# 대명사 (pronouns, NP) that stand for someone or something named before: 그는, 이는, 이에, 이를, 이들은.
# 우리, 저, 나 (first person) are spoken voice instead; 무엇, 누구 ask questions.
_BACK_PRONOUNS = frozenset(
    {
        "이",
        "그",
        "그녀",
        "이것",
        "그것",
        "이곳",
        "그곳",
        "여기",
        "거기",
        "이거",
        "그거",
    }
)
_FIRST_PERSON = frozenset({"저", "나", "우리", "저희", "내", "제"})
# 관형사 (determiners, MM) that point at a noun named before: 이 회사, 그 결과, 이런 상황, 양사 (양+사),
# 두 회사 (the two already named). 한 관계자 ("an official") or 첫 (first) do not.
_BACK_DETERMINERS = frozenset(
    {
        "이",
        "그",
        "저",
        "이런",
        "그런",
        "이러한",
        "그러한",
        "양",
        "두",
        "세",
        "해당",
    }
)
# Adverbs (MAG) and nouns that open a sentence by linking it to the one before. 한편 ("meanwhile") turns
# from what was said before: read after another article's sentence it jars; 현재, 최근, 우선 set a time or
# order, not a link.
_BACK_OPENERS = frozenset(
    {
        "또",
        "또한",
        "한편",
        "이어",
        "이어서",
        "특히",
        "앞서",
        "다만",
        "아울러",
        "게다가",
        "결국",
        "물론",
        "즉",
        "그만큼",
        "더욱이",
        "심지어",
        "이에",
        "그나마",
        "역시",
        "이처럼",
        "이렇게",
        "그렇게",
        "그러면서",
        "오히려",
        "반면",  # NNG in Kiwi
        "반면에",
        "당시",  # NNG: "at the time" of something told before
        "이후",  # NNG
        "해당",  # NNG: 해당 기업은
        "양사",
        "양측",
        "동사",  # 同社, "the same company"
        "이밖에",
        "이외",
        "그밖에",
        "그럼에도",
        "그런데도",
        "이날",  # "that day": the day of an event told before
        "전날",
        "다음날",
    }
)
# Anywhere in a sentence: said "like this" or "as such", of words given before it (…이같이 말했다).
_BACK_ANYWHERE = re.compile(
    r"이같이|이와 같이|이렇게 말|이같은|이 같은|이와 같은|이와 관련|이에 대해|이에 앞서|이처럼|이런 내용"
)
# A single-syllable surname with a title (김 대표는, 이 총재는): the full name was given before. 한 관계자
# ("an official") is not one: 관계자 is no title.
_TITLES = (
    *sorted(ROLES),
    "부회장",
    "대통령",
    "총리",
    "청장",
    "지사",
    "후보",
    "감독",
    "씨",
    "전 대표",
    "전 장관",
)
_SURNAME_TITLE = re.compile(
    rf"(?:^|\s)[가-힣] (?:{'|'.join(_TITLES)})(?:은|는|이|가|도|의|에게|측은|측)\s"
    r"|^[가-힣]씨(?:는|가|도|의|\s)"
)
# A sentence that restates or reports the one before it: "…다는 것이다" (what the speaker named before
# said), "…라는 설명이다", "…는 얘기다" (that is to say). Impersonal judgements (…라는 분석이다, …는 전망이다)
# stand alone.
_RESTATES = re.compile(
    r"(?:는|은|라는|다는|이라는|란|단)\s?(?:것|얘기|이야기|뜻|의미|설명|입장|주장|말|셈)(?:이다|다)[.!]?\s*$"
)
# The same by its morphemes, where the text pattern cannot see an ending inside a syllable (오른 것이다 is
# 오르 + ㄴ + 것 + 이 + 다): a past or present 관형형 ending (ETM ㄴ/은/는/던) before 것 and the copula,
# closing the sentence (…것이다) or its first clause (…것이며, …것이고), with no topic (은/는) before it.
# "3주째 오른 것이다" says what the sentence before meant; "새 제도는 … 위한 것이다" names its topic and
# stands alone; "…될 것이다" (ㄹ) is an outlook, and "…한 것이라고 말했다" a report.
_RESTATING_ETM = frozenset({"ᆫ", "은", "는", "던"})
_RESTATING_END = frozenset({("EF", "다"), ("EC", "며"), ("EC", "고")})
# Nouns that do the same with no subject before them: "…증가한 수치다", "…가장 낮은 수준이다", "…이어가는
# 이유다", "…오른 셈이다", "…반등한 모습이다", and "…증가한 수치로, …" (수치, 수준, 규모 only).
_RESTATING_NOUNS = frozenset(
    {"수치", "수준", "규모", "이유", "까닭", "배경", "결과", "모습", "셈", "상황", "양상"}
)
_MEASURES = frozenset({"수치", "수준", "규모"})
# A first phrase with 도 ("also") before any predicate: "수출도 늘었다", "김 본부장도 …고 강조했다" add to
# something told before. Time words with 도 (지금도, 올해도) say "still", "again": they stand alone.
_ALSO_AFTER = frozenset({"NNG", "NNP", "NNB", "NR", "SL", "SN", "XSN"})
_STILL = frozenset(
    {"지금", "오늘", "내일", "올해", "내년", "현재", "앞으로", "당분간", "이번", "요즘", "아직"}
)
# 역시, 또한, 또 ("too", "also") before the first predicate, after the subject: "박 실장은 역시 …",
# "정부는 또 …".
_ALSO_ADVERBS = frozenset({"역시", "또한", "또"})
# "…때문이다" gives the reason for the sentence before, unless it names what it explains (…한 것은, 이유는).
_BECAUSE = re.compile(r"때문이다[.!]?\s*$")
_BECAUSE_TOPIC = re.compile(r"(?:것은|것도|이유는|까닭은|배경은|원인은|탓은|데는|건)\s")
_OPEN_QUOTES = "“\"‘'「『"
_CLOSE_QUOTES = "”\"’'」』"
# After a closing quote, a speaker named in the sentence: "…”고 김 대표는 말했다",
# "…”라고 업계 관계자가 전했다".
_SPEAKER_AFTER = re.compile(r"[가-힣A-Za-z0-9)]\s*(?:은|는|이|가|측은|측이)\s")
# Spoken register at the end, outside quotes: …요. …죠. …데요. …까요? (해요체: polite speech), and the
# broadcast's …습니다. …합니다. (하십시오체): a newscaster's voice, not the briefing's written one.
_SPOKEN_END = re.compile(r"(?:요|죠|죵|니다)\s*[.?!…~]*$")
_BROADCAST_END = re.compile(r"니다\s*[.?!…~]*$")
# A newscaster addressing viewers (보신 것처럼, 아시다시피, 시청자 여러분): it needs the broadcast's pictures.
_ADDRESSES_VIEWER = re.compile(r"(?:^|\s)(?:보신|보시는|보시다시피|아시다시피|아시는|여러분)")
# Endings of 하십시오체 (습니다/ㅂ니다) as Kiwi spells them, and what precedes the plain 다 rather than
# ㄴ다/는다: a tense or mood (었, 겠), the copula (이다), adjectives, and 있다/없다.
_FORMAL_ENDINGS = frozenset({"습니다", "ᆸ니다"})
_PLAIN_DA_AFTER = frozenset({"EP", "VCP", "VA", "VA-I", "VA-R"})
_PLAIN_DA_STEMS = frozenset({"있", "없", "계시"})


def leans_back(sentence: Sentence) -> bool:
    """Return True when the sentence refers to what a sentence before it said (a pronoun, a determiner,
    a linking adverb or conjunction, a surname standing for a full name, a quote without its speaker)."""
    text = sentence.text
    tags, lemmas = sentence.tags, sentence.lemmas
    if not tags:
        return False
    first, tag = lemmas[0], tags[0]
    if tag == "MAJ":  # 접속부사 (conjunctive adverb): 하지만, 그러나, 따라서, 그리고
        return True
    if _first_quote_closes(text):  # the end of a quotation opened in the sentence before
        return True
    if tag == "NP" and first in _BACK_PRONOUNS:
        return True
    if tag == "MM" and first in _BACK_DETERMINERS:
        return True
    if text.split(maxsplit=1)[0].rstrip(",") in _BACK_OPENERS:
        return True
    if tag == "VA" and first == "같다" and len(tags) > 1 and tags[1] == "ETM":  # 같은 기간, 같은 날
        return True
    if _RESTATES.search(text) or _restates_by_form(sentence) or _adds_to_before(sentence):
        return True
    if _BECAUSE.search(text) and not _BECAUSE_TOPIC.search(
        text
    ):  # …기 때문이다: the cause of what came before
        return True
    if _SURNAME_TITLE.search(_unquoted(text)) or _BACK_ANYWHERE.search(_unquoted(text)):
        return True
    return _quote_without_speaker(text)


def is_spoken(sentence: Sentence) -> bool:
    """Return True for speech in the speaker's own register: polite endings (…요, …죠) or a first-person
    subject (저는, 우리는) outside quotation marks."""
    text = sentence.text.rstrip()
    if text[-1:] in _CLOSE_QUOTES:
        return False  # the spoken part is quoted: the sentence itself reports it
    if _SPOKEN_END.search(text) or _ADDRESSES_VIEWER.search(_unquoted(text)):
        return True
    tags = sentence.tags
    # 저는, 우리가: the pronoun with a particle (우리나라 is 우리 + 나라, a noun follows).
    return (
        len(tags) > 1 and tags[0] == "NP" and sentence.lemmas[0] in _FIRST_PERSON and tags[1].startswith("J")
    )


def in_broadcast_register(sentence: Sentence) -> bool:
    """Return True for a newscaster's …습니다 ending: spoken, but formal (the fallback of an article told
    wholly in it)."""
    return _BROADCAST_END.search(sentence.text.rstrip()) is not None


def written(sentence: Sentence) -> str:
    """Return the sentence in the briefing's written register: a broadcast's final …습니다/…ㅂ니다 becomes
    …다/…ㄴ다 (속출하고 있습니다 → 속출하고 있다, 발생합니다 → 발생한다, 계획입니다 → 계획이다). Only the
    closing ending changes, never words, and never inside a quotation; other sentences come back as they are.
    """
    text = sentence.text
    if not in_broadcast_register(sentence) or _ADDRESSES_VIEWER.search(_unquoted(text)):
        return text
    return _plain(text)


@lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    from prism.nlp.korean import kiwi  # Kiwi tokenizes only the few broadcast sentences an edition shows

    tokens = kiwi().tokenize(text)
    last = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].tag == "EF"), None)
    if last is None or last == 0 or tokens[last].form not in _FORMAL_ENDINGS:
        return text
    end = tokens[last].start + tokens[last].len
    if text[end:].strip(" .!…~"):
        return text  # something follows the ending (a closing quote, a clause): not the sentence's own
    word_start = text.rfind(" ", 0, tokens[last].start) + 1
    first = last
    while first > 0 and tokens[first - 1].start >= word_start:
        first -= 1
    before = tokens[last - 1]
    plain = "다" if before.tag in _PLAIN_DA_AFTER or before.form in _PLAIN_DA_STEMS else "ᆫ다"
    # 겁니다 is 거 + 이 + ㅂ니다: its written form is 것이다 (거다 is speech).
    morphs = [("것" if (t.form, t.tag) == ("거", "NNB") else t.form, t.tag) for t in tokens[first:last]]
    word: str = kiwi().join([*morphs, (plain, "EF")])
    return text[:word_start] + word + text[end:]


def stands_alone(sentence: Sentence) -> bool:
    """Return True when the sentence can be shown without the sentence before it."""
    return not leans_back(sentence) and not is_spoken(sentence)


def _restates_by_form(sentence: Sentence) -> bool:
    """Return True when the sentence closes itself, or its first clause, as "…한 것이다" with no topic
    before it, or as "…한 수치다" (`_RESTATING_NOUNS`) with no subject or topic before it, outside any
    quotation (`_RESTATING_ETM`)."""
    tags, lemmas = sentence.tags, sentence.lemmas
    subject = False
    for k in range(1, len(tags) - 2):
        tag, lemma = tags[k], lemmas[k]
        if tag == "JX" and lemma in ("은", "는"):
            return False
        subject = subject or tag == "JKS"
        relative = tags[k - 1] == "ETM" and lemmas[k - 1] in _RESTATING_ETM
        closes = tags[k + 1] == "VCP" and (tags[k + 2], lemmas[k + 2]) in _RESTATING_END
        if tag == "NNB" and lemma == "것":  # the first 것 decides
            return relative and closes and _outside_quotes(sentence.text, "것이")
        if relative and lemma in _RESTATING_NOUNS and not subject:
            measured = lemma in _MEASURES and (tags[k + 1], lemmas[k + 1], tags[k + 2]) == ("JKB", "로", "SP")
            if (closes or measured) and _outside_quotes(sentence.text, lemma):
                return True
    return False


def _outside_quotes(text: str, word: str) -> bool:
    """Return True when `word` is in `text` outside its “…” quotations (it is not a speaker's)."""
    return word in _unquoted(text)


def _adds_to_before(sentence: Sentence) -> bool:
    """Return True when the sentence adds to one before it: 역시, 또한 or 또 before its first predicate, or
    a first particle 도 ("also") after a noun (`_ALSO_AFTER`) other than a time word (`_STILL`)."""
    tags, lemmas = sentence.tags, sentence.lemmas
    for k, tag in enumerate(tags):
        if tag[0] in "VE":  # the first predicate or ending: what follows is the sentence's own
            break
        if tag == "MAG" and lemmas[k] in _ALSO_ADVERBS:
            return True
    for k in range(1, len(tags)):
        tag = tags[k]
        if tag == "JX" and lemmas[k] == "도":
            return tags[k - 1] in _ALSO_AFTER and lemmas[k - 1] not in _STILL
        if tag[0] in "VEJ":  # a predicate, an ending or another particle came first
            return False
    return False


def _first_quote_closes(text: str) -> bool:
    """Return True when the first curly quotation mark in `text` closes one (…있다”고 말했다.)."""
    for char in text:
        if char in "“‘":
            return False
        if char in "”’":
            return True
    return False


def opens_unclosed_quote(sentence: Sentence) -> bool:
    """Return True when the sentence opens a quotation it does not close: the quotation runs on into
    the next sentence, and this sentence alone would show half of it."""
    text = sentence.text
    return text.count("“") > text.count("”")


def _unquoted(text: str) -> str:
    """Return `text` without what is inside “…” quotation marks (a speaker's "이 총재가" is theirs)."""
    return _QUOTED.sub("“”", text)


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def _quote_without_speaker(text: str) -> bool:
    """Return True for "“…”고 말했다."-style sentences: a quote whose speaker is in the sentence before."""
    if text[:1] not in _OPEN_QUOTES:
        return False
    close = max(text.rfind(mark) for mark in _CLOSE_QUOTES)
    if close <= 0:
        return False
    return _SPEAKER_AFTER.search(text[close + 1 :]) is None


def readable_runs(chosen: Sequence[Sentence]) -> bool:
    """Return True when every chosen sentence that leans back directly follows the sentence it leans on
    (chosen in reading order, the one before it is the article's previous sentence)."""
    previous = -2
    for sentence in chosen:
        if (leans_back(sentence) and sentence.index != previous + 1) or is_spoken(sentence):
            return False
        previous = sentence.index
    return True

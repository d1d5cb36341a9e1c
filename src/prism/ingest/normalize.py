"""Normalize raw text, URLs, encodings and dates into the forms the store keeps."""

from __future__ import annotations

import codecs
import hashlib
import html
import re
import unicodedata
from datetime import UTC, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from prism.errors import RecordError

# Characters that render as nothing; news CMSs leave them everywhere. (Odd spaces such as U+00A0
# and U+3000 need no table: str.split() treats them as whitespace.)
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")
_TAG = re.compile(r"<\s*br\s*/?\s*>|<\s*/?\s*p(\s[^>]*)?>", re.IGNORECASE)


_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters that are not whitespace (NUL, ESC, DEL, C1): PostgreSQL refuses NUL in text and
# terminals obey ESC, so no stored text keeps them. Whitespace controls (tab, newline, form feed…) stay
# for the whitespace tidying to turn into spaces and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def plain_chars(value: str) -> str:
    """Return `value` with lone surrogates replaced by U+FFFD and non-whitespace control characters
    removed: what any text must be for both stores to keep it and a terminal to show it as text."""
    if not value.isascii():
        # A lone surrogate (JSON's "\ud800") is no character, and no encoding can hold it.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = _SURROGATE.sub("\ufffd", value)
    if not value.isprintable() and _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value


def _canonical_chars(value: str) -> str:
    value = plain_chars(value)
    if "&" in value and _ENTITY.search(value):
        # Twice: feeds often double-escape ("&amp;quot;").
        value = html.unescape(html.unescape(value))
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    # Six substring scans beat one regex character-class scan by about 3x on Korean text.
    if not value.isascii() and any(char in value for char in _INVISIBLE_CHARS):
        value = _INVISIBLE.sub("", value)
    return value


def clean_text(value: str) -> str:
    """Return `value` as NFC text with entities unescaped and whitespace tidied; paragraphs are kept.

    Runs of whitespace in a line become one space, lines are stripped, and blank lines between
    paragraphs become one.
    """
    value = _canonical_chars(value)
    if "<" in value:
        value = _TAG.sub("\n", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for raw in value.split("\n"):
        if raw.isprintable() and "  " not in raw:
            # Printable text has no whitespace but the ASCII space: only its ends can need tidying.
            line = raw.strip(" ")
        else:
            line = " ".join(raw.split())  # str.split() also takes U+00A0, U+3000 and tabs for spaces
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def clean_line(value: str) -> str:
    """Return `value` cleaned like `clean_text`, on one line (titles, names)."""
    value = _canonical_chars(value)
    if value.isprintable() and "  " not in value:
        return value.strip(" ")  # only ASCII spaces in printable text, and no runs of them
    return " ".join(value.split())


def content_hash(title: str, body: str) -> str:
    """Return the `sha256:`-prefixed hash of an article's text: UTF-8 title, a newline, UTF-8 body."""
    digest = hashlib.sha256(title.encode())
    digest.update(b"\n")
    digest.update(body.encode())
    return f"sha256:{digest.hexdigest()}"


# --- URLs -------------------------------------------------------------------------------------------

# Query parameters that only track the reader; removing them never changes the page.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
        "ttclid", "li_fat_id", "_ga", "_gl", "mkt_tok", "spm", "ncid", "cmpid", "ref_src",
        "rss", "rssfeed", "from_rss", "share", "sns", "_branch_match_id",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_CHARS = 2000
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"
_PERCENT = re.compile(r"%[0-9a-f]{2}")


# user:password@ in a URL (up to the last @ before the path), anywhere in a message.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


def redact_credentials(text: str) -> str:
    """Return `text` with the user name and password of every URL in it replaced by `***`."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


def is_tracking_param(name: str) -> bool:
    """Return True if a query parameter only tracks the reader."""
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL; raise RecordError if it is not one.

    Lower-cases scheme and host, drops default ports, fragments and tracking parameters, keeps the rest
    of the query in its order.
    """
    raw = clean_line(url)
    shown = redact_credentials(raw)  # what messages quote
    if len(raw) > MAX_URL_CHARS:
        raise RecordError(f"url is {len(raw):,} characters; the limit is {MAX_URL_CHARS:,}")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise RecordError(f"url {shown!r} is not valid: {exc}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        raise RecordError(f"url {shown!r} is not an http(s) URL")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        raise RecordError(f"url {shown!r} carries credentials; refusing to store it")
    # A second "?" is a CMS appending "?utm_…" to a URL that already had a query: read it as "&".
    pairs = parse_qsl(parts.query.replace("?", "&"), keep_blank_values=True)
    query = [(k, v) for k, v in pairs if not is_tracking_param(k)]
    # Percent-encode what a browser would (Korean paths, spaces) so both spellings of a URL agree.
    path = _PERCENT.sub(lambda m: m.group(0).upper(), quote(parts.path or "/", safe=_PATH_SAFE))
    canonical = urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))
    if len(canonical) > MAX_URL_CHARS:  # percent-encoding makes a Korean character nine
        raise RecordError(
            f"url is {len(canonical):,} characters once percent-encoded; the limit is {MAX_URL_CHARS:,}"
        )
    return canonical


# --- Encodings --------------------------------------------------------------------------------------

# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Compressed files are refused by name, never unpacked (a small file can unpack to gigabytes).
_COMPRESSED = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
# What an undecodable byte sequence decodes to under the "prism-mark" error handler: a lone surrogate,
# which no strict decoder yields, so a reader can name the line or row that held it and keep the rest.
UNDECODABLE = "\udcff"


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):  # registered for decoding only
        raise error
    return UNDECODABLE, error.end


codecs.register_error("prism-mark", _mark)


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we accept."""


def byte_order_mark(data: bytes) -> tuple[str, int] | None:
    """Return (encoding, length of the mark) when `data` starts with a byte-order mark."""
    return next(((encoding, len(bom)) for bom, encoding in _BOMS if data.startswith(bom)), None)


def binary_reason(data: bytes, *, noun: str = "file") -> str | None:
    """Return why `data` is clearly not text (compressed, or binary), else None.

    Binary means many control characters in the first 8 KB *and* bytes that are not UTF-8 there: a text
    file with a stray NUL byte is still text, and the reader rejects only the line or row that holds it.
    """
    head = data[:8192]
    marked = byte_order_mark(head)
    if marked and marked[0] != "utf-8":
        encoding, skip = marked
        text = head[skip:].decode(encoding, "prism-mark")
        controls = sum(1 for char in text if char < "\t" or "\r" < char < " " or char == UNDECODABLE)
        return f"binary {noun}, not text" if controls > len(text) * 0.05 else None
    for magic, kind in _COMPRESSED:
        if head.startswith(magic):
            return f"{kind}-compressed {noun}, not text (decompress it first)"
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if controls > len(head) * 0.05 and not _is_utf8(head):
        return f"binary {noun}, not text"
    return None


def _is_utf8(head: bytes) -> bool:
    """Return True if `head` is UTF-8, allowing a character cut in two at its end."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) for UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, or EUC-KR/CP949
    bytes; raise DecodeError for anything else."""
    reason = binary_reason(data, noun="data")
    if reason:
        raise DecodeError(reason)
    text, encoding = decode_text(data)
    if UNDECODABLE in text:
        raise DecodeError(undecodable(encoding, "content"))
    return text, encoding


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) like `decode_bytes`, but with each undecodable sequence as UNDECODABLE.

    Binary data is not refused here (`binary_reason` says what is). Without a byte-order mark the text is
    UTF-8, else CP949 (a superset of EUC-KR, which older Korean sites still serve), else whichever of the
    two leaves fewer undecodable sequences.
    """
    marked = byte_order_mark(data)
    if marked:
        encoding, skip = marked
        return data[skip:].decode(encoding, "prism-mark"), encoding
    candidates = []
    for encoding in ("utf-8", "cp949"):
        text = data.decode(encoding, "prism-mark")
        if UNDECODABLE not in text:
            return text, encoding
        candidates.append((text.count(UNDECODABLE), text, encoding))
    _, text, encoding = min(candidates)
    return text, encoding


def undecodable(encoding: str, what: str) -> str:
    """Return the reason a line, row or text holding UNDECODABLE is rejected."""
    if encoding in ("utf-8", "cp949"):
        return f"{what} is neither UTF-8 nor EUC-KR/CP949 text"
    return f"{what} is not valid {encoding.upper().removesuffix('-LE').removesuffix('-BE')} text"


# --- Dates ------------------------------------------------------------------------------------------

_KOREAN_DATE = re.compile(
    r"(?P<y>\d{4})\s*(?:년|[.\-/])\s*(?P<m>\d{1,2})\s*(?:월|[.\-/])\s*(?P<d>\d{1,2})\s*(?:일)?\.?"
    r"(?:\s*\([월화수목금토일]\))?"
    r"(?:\s*(?P<ampm>오전|오후|AM|PM|am|pm)?\s*(?P<H>\d{1,2})\s*(?:시|:)\s*(?:(?P<M>\d{1,2})\s*(?:분|:)?\s*)?"
    r"(?:(?P<S>\d{1,2})\s*초?)?)?"
)
_LABELS = re.compile(r"^(?:입력|수정|등록|게재|발행|기사입력|최종수정|승인)\s*[:：]?\s*")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{2})(\d{2})(\d{2})?)?$")


def parse_published(value: object, tz: tzinfo) -> datetime | None:
    """Return `value` as an aware UTC datetime; None when empty; raise RecordError when unparseable.

    Accepts datetimes, Unix timestamps, ISO 8601, RFC 2822 and Korean forms such as
    ``2025.03.04 10:21``, ``2025년 3월 4일 오후 3시 20분`` and ``입력 2025-03-04 10:21:00``.
    Times without a zone are read in `tz` (Korea by default).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 < value < 10**10:
            raise RecordError(f"published timestamp {value!r} is out of range")
        return datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        parsed = _parse_date_text(value.strip(), tz)
    else:
        raise RecordError(f"published must be a date string, got {type(value).__name__}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    if not 1900 <= parsed.year <= 2200:
        raise RecordError(f"published date {value!r} is out of range")
    return parsed.astimezone(UTC)


def _parse_date_text(text: str, tz: tzinfo) -> datetime:
    text = _LABELS.sub("", clean_line(text))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        pass
    compact = _COMPACT.match(text)
    if compact:
        y, mo, d, hh, mm, ss = compact.groups()
        try:
            return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            raise RecordError(f"unparseable published date {text!r}: no such date") from None
    match = _KOREAN_DATE.fullmatch(text)
    if match:
        return _from_korean(match, text)
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    raise RecordError(
        f"unparseable published date {text!r} (expected ISO 8601, RFC 2822 or a form like 2025.03.04 10:21)"
    )


def _from_korean(match: re.Match[str], text: str) -> datetime:
    hour = int(match["H"] or 0)
    if match["ampm"] in ("오후", "PM", "pm") and hour < 12:
        hour += 12
    elif match["ampm"] in ("오전", "AM", "am") and hour == 12:
        hour = 0
    try:
        day = datetime(int(match["y"]), int(match["m"]), int(match["d"]))
        clock = time(hour, int(match["M"] or 0), int(match["S"] or 0))
    except ValueError:
        raise RecordError(f"unparseable published date {text!r}: no such date or time") from None
    return datetime.combine(day, clock)

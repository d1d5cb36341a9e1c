"""E-mail an edition: an HTML part with inline CSS, a plain-text alternative, and a one-click unsubscribe
link (List-Unsubscribe, RFC 8058) signed with the app's secret. Each (edition, recipient) is sent once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from prism.addresses import email_address
from prism.brief.render import date_label, safe_url, templates, text
from prism.config import Settings, require_real_secret
from prism.errors import PrismError, RecordError
from prism.records import Briefing
from prism.store import editions, write_transaction


class SendError(PrismError):
    """The SMTP server refused or could not be reached; the message names it."""


# Headers mail providers read as written: an RFC 2047 encoded word (=?utf-8?q?=3Chttps…) is not a URL to
# them, so they would offer no one-click unsubscribe.
_VERBATIM = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
_MAX_HEADER_LINE = 998  # RFC 5322, 2.1.1: a line, CRLF excluded


class _MailPolicy(EmailPolicy):
    """The SMTP policy (CRLF line ends, 78-character folding, encoded words for non-ASCII text), except
    that the List-Unsubscribe headers go out on one line as written while they fit in 998 characters.

    The standard policy folds a header whose one token is longer than 78 characters by turning it into
    encoded words, which is fine for a subject and wrong for a URL."""

    def _verbatim(self, name: str, value: str) -> str | None:
        line = f"{name}: {value}"
        if (
            name.lower() in _VERBATIM
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and len(line) <= _MAX_HEADER_LINE
        ):
            return line + self.linesep
        return None

    def fold(self, name: str, value: str) -> str:
        return self._verbatim(name, str(value)) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        line = self._verbatim(name, str(value))
        return line.encode("ascii") if line else super().fold_binary(name, value)


SMTP_POLICY = _MailPolicy(linesep="\r\n")


@dataclass(slots=True)
class SendReport:
    """Who got the edition now, who had it before, and which addresses were refused (with the reason)."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unsubscribe_token(settings: Settings, email: str) -> str:
    """A token that unsubscribes `email` and nothing else: the address and its HMAC under the app secret."""
    signature = hmac.new(
        settings.secret_key.encode(), f"unsubscribe:{email}".encode(), hashlib.sha256
    ).digest()
    return f"{_b64(email.encode())}.{_b64(signature)}"


def verify_unsubscribe(settings: Settings, token: str) -> str | None:
    """Return the address a token unsubscribes, or None when it was not made with our secret."""
    head, _, _ = token.partition(".")
    try:
        email = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return email if hmac.compare_digest(unsubscribe_token(settings, email), token) else None


def mail_domain(settings: Settings) -> str:
    """The domain of Message-IDs: the host readers reach the web app at (PRISM_PUBLIC_URL)."""
    return urlsplit(settings.public_url).hostname or "localhost"


def message(briefing: Briefing, *, to: str, settings: Settings) -> EmailMessage:
    """Build the e-mail of an edition for one recipient."""
    base = settings.public_url.rstrip("/")
    unsubscribe = f"{base}/unsubscribe?token={unsubscribe_token(settings, to)}"
    edition_url = f"{base}/briefings/{briefing.persona}/{briefing.date}"
    mail = EmailMessage(policy=SMTP_POLICY)
    mail["Subject"] = (
        f"[{settings.brand}] {briefing.persona_name} 맞춤형 경제 브리핑 · {date_label(briefing.date)}"
    )
    mail["From"] = settings.mail_from
    mail["To"] = formataddr(("", to))
    mail["Date"] = format_datetime(datetime.now(ZoneInfo(settings.timezone)))
    mail["Message-ID"] = make_msgid(domain=mail_domain(settings))
    mail["List-Unsubscribe"] = f"<{unsubscribe}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    plain = text(briefing, why=True) + f"\n웹에서 보기: {edition_url}\n수신 거부: {unsubscribe}\n"
    mail.set_content(plain)
    html = (
        templates()
        .get_template("email.html")
        .render(
            b=briefing,
            date_label=date_label(briefing.date),
            safe_url=safe_url,
            edition_url=edition_url,
            unsubscribe=unsubscribe,
        )
    )
    mail.add_alternative(html, subtype="html")
    return mail


def recipients_of(addresses: Sequence[str], report: SendReport) -> list[str]:
    """Return each valid address once, in the form it is sent; refused ones go to `report` with the reason."""
    found: dict[str, None] = {}
    for address in addresses:
        try:
            found[email_address(address)] = None
        except RecordError as exc:
            report.refused.append(str(exc))
    return list(found)


def send_edition(
    engine: Engine, settings: Settings, *, edition_id: int, briefing: Briefing, recipients: Sequence[str]
) -> SendReport:
    """Send an edition to each recipient not sent it before. An address email-validator refuses is
    reported, not sent to; outside development the public development secret is refused first, since it
    would sign the unsubscribe links."""
    require_real_secret(settings)
    report = SendReport()
    pending = []
    with engine.connect() as conn:
        for recipient in recipients_of(recipients, report):
            if editions.was_sent(conn, edition_id=edition_id, recipient=recipient):
                report.already.append(recipient)
            else:
                pending.append(recipient)
    if not pending:
        return report
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for recipient in pending:
                smtp.send_message(message(briefing, to=recipient, settings=settings))
                # Recorded once the server took it: a crash in between may send twice, never lose one.
                with write_transaction(engine) as conn:
                    editions.mark_sent(conn, edition_id=edition_id, recipient=recipient, at=datetime.now(UTC))
                report.sent.append(recipient)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {exc}") from None
    return report

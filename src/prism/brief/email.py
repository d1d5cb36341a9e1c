"""E-mail an edition: an HTML part with inline CSS, a plain-text alternative, and a one-click unsubscribe
link (List-Unsubscribe, RFC 8058) signed with the app's secret. Each (edition, recipient) is sent once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import Engine

from prism.brief.render import date_label, safe_url, templates, text
from prism.config import Settings
from prism.errors import PrismError
from prism.records import Briefing
from prism.store import editions, write_transaction


class SendError(PrismError):
    """The SMTP server refused or could not be reached; the message names it."""


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


def message(briefing: Briefing, *, to: str, settings: Settings) -> EmailMessage:
    """Build the e-mail of an edition for one recipient."""
    base = settings.public_url.rstrip("/")
    unsubscribe = f"{base}/unsubscribe?token={unsubscribe_token(settings, to)}"
    edition_url = f"{base}/briefings/{briefing.persona}/{briefing.date}"
    mail = EmailMessage()
    mail["Subject"] = (
        f"[{settings.brand}] {briefing.persona_name} 맞춤형 경제 브리핑 · {date_label(briefing.date)}"
    )
    mail["From"] = settings.mail_from
    mail["To"] = formataddr(("", to))
    mail["Message-ID"] = make_msgid(domain="prism.local")
    mail["List-Unsubscribe"] = f"<{unsubscribe}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    plain = text(briefing) + f"\n웹에서 보기: {edition_url}\n수신 거부: {unsubscribe}\n"
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


def send_edition(
    engine: Engine, settings: Settings, *, edition_id: int, briefing: Briefing, recipients: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Send an edition to each recipient not sent it before; return (sent, skipped as already sent)."""
    sent: list[str] = []
    skipped: list[str] = []
    pending = []
    with engine.connect() as conn:
        for recipient in dict.fromkeys(r.strip().lower() for r in recipients if r.strip()):
            if editions.was_sent(conn, edition_id=edition_id, recipient=recipient):
                skipped.append(recipient)
            else:
                pending.append(recipient)
    if not pending:
        return sent, skipped
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
                sent.append(recipient)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {exc}") from None
    return sent, skipped

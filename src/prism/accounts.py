"""Reader accounts: sign-up, log-in with a limit on failed attempts, sessions and profiles.

Passwords are hashed with argon2id; a session is a random token in an HttpOnly cookie whose SHA-256 is
all the store keeps. Messages are Korean: they are shown to readers as they are.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from prism.addresses import email_address
from prism.config import Settings
from prism.errors import PrismError, RecordError
from prism.records import ROLES, Account, ApiToken, Reader, Role
from prism.store import readers as stored
from prism.store import write_transaction

MIN_PASSWORD = 10
_hasher = PasswordHasher()


class AccountError(PrismError):
    """A sign-up or log-in that cannot go ahead; the message is for the reader."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def _reader(account: Account) -> Reader:
    profile = account.profile
    return Reader(
        id=account.id,
        email=account.email,
        role=account.role,
        persona=account.persona,
        interests=tuple(profile.get("interests", ())),
        muted=tuple(profile.get("muted", ())),
        subscribed=bool(profile.get("subscribed", False)),
        topics=tuple((str(k), str(v)) for k, v in (profile.get("topics") or {}).items()),
        companies=tuple(profile.get("companies", ())),
        muted_companies=tuple(profile.get("muted_companies", ())),
    )


def normalize_email(email: str) -> str:
    """Return the address as sign-up stores it (so log-in finds it), or the text trimmed when it is none."""
    try:
        return email_address(email)
    except RecordError:
        return email.strip().lower()


def sign_up(
    engine: Engine, *, email: str, password: str, persona: str | None = None, role: Role = "reader"
) -> Reader:
    """Create an account; errors say what is wrong with the email or password."""
    try:
        email = email_address(email)  # email-validator's rules, no DNS lookup
    except RecordError:
        raise AccountError("이메일 주소 형식이 올바르지 않습니다.") from None
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다.")
    if role not in ROLES:
        raise AccountError(f"알 수 없는 역할입니다: {role}")
    try:
        with write_transaction(engine) as conn:
            reader_id = stored.insert_reader(
                conn,
                email=email,
                password_hash=_hasher.hash(password),
                role=role,
                persona=persona,
                created_at=datetime.now(UTC),
            )
    except IntegrityError:
        raise AccountError("이미 가입된 이메일입니다.") from None
    return Reader(id=reader_id, email=email, role=role, persona=persona)


def log_in(engine: Engine, settings: Settings, *, email: str, password: str) -> tuple[Reader, str]:
    """Check a password and open a session; return the reader and the session's cookie token.

    After `settings.max_failed_logins` wrong passwords in a row the account is locked for
    `settings.lockout_minutes`; the message does not tell whether the email exists.
    """
    now = datetime.now(UTC)
    wrong = AccountError("이메일 또는 비밀번호가 맞지 않습니다.")
    refusal: AccountError | None = None
    # The failure is recorded in the same transaction that reads the account, and the error raised
    # only after it commits: raising inside would roll the count back.
    with write_transaction(engine) as conn:
        row = stored.reader_by_email(conn, email=normalize_email(email))
        if row is None:
            _hasher.hash(password)  # the same work as a real check, so timing tells nothing
            refusal = wrong
        elif row.locked_until is not None and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
            refusal = AccountError(
                f"로그인 시도가 너무 많습니다. {minutes}분 뒤에 다시 시도해 주세요.", locked=True
            )
        elif not _verified(row.password_hash, password):
            failed = int(row.failed_logins) + 1
            locked = (
                now + timedelta(minutes=settings.lockout_minutes)
                if failed >= settings.max_failed_logins
                else None
            )
            stored.set_login_state(
                conn, reader_id=row.id, failed_logins=0 if locked else failed, locked_until=locked
            )
            refusal = (
                AccountError(
                    f"로그인 시도가 너무 많습니다. {settings.lockout_minutes}분 뒤에 다시 시도해 주세요.",
                    locked=True,
                )
                if locked
                else wrong
            )
        else:
            stored.set_login_state(conn, reader_id=row.id, failed_logins=0, locked_until=None)
            token = secrets.token_urlsafe(32)
            stored.insert_session(
                conn,
                token_hash=token_hash(token),
                reader_id=row.id,
                created_at=now,
                expires_at=now + timedelta(days=settings.session_days),
            )
    if refusal is not None or row is None:
        raise refusal or wrong
    return _reader(row), token


def _verified(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_reader(engine: Engine, token: str | None) -> Reader | None:
    """Return the reader of a live session token, or None."""
    if not token:
        return None
    with engine.connect() as conn:
        reader_id = stored.session_reader_id(conn, token_hash=token_hash(token), now=datetime.now(UTC))
        row = stored.reader_by_id(conn, reader_id=reader_id) if reader_id is not None else None
    return _reader(row) if row else None


def log_out(engine: Engine, token: str | None) -> None:
    """End a session (a missing or unknown token is fine)."""
    if token:
        with write_transaction(engine) as conn:
            stored.delete_session(conn, token_hash=token_hash(token))


def update_profile(
    engine: Engine,
    reader: Reader,
    *,
    persona: str | None,
    interests: list[str],
    muted: list[str],
    subscribed: bool | None = None,
    topics: dict[str, str] | None = None,
    companies: list[str] | None = None,
    muted_companies: list[str] | None = None,
) -> Reader:
    """Save a reader's reader type and their own interest and muted keywords."""

    def clean(terms: list[str]) -> list[str]:
        return list(dict.fromkeys(" ".join(t.split()) for t in terms if t.strip()))[:50]

    keep = reader.subscribed if subscribed is None else subscribed
    wanted, unwanted = clean(interests), clean(muted)
    chosen = (
        dict(reader.topics)
        if topics is None
        else {k: v for k, v in topics.items() if v in ("follow", "mute")}
    )
    followed = clean(companies) if companies is not None else list(reader.companies)
    hidden = clean(muted_companies) if muted_companies is not None else list(reader.muted_companies)
    profile = {
        "interests": wanted,
        "muted": unwanted,
        "subscribed": keep,
        "topics": chosen,
        "companies": followed,
        "muted_companies": hidden,
    }
    with write_transaction(engine) as conn:
        stored.update_reader(conn, reader_id=reader.id, persona=persona, profile=profile)
    return Reader(
        id=reader.id,
        email=reader.email,
        role=reader.role,
        persona=persona,
        interests=tuple(wanted),
        muted=tuple(unwanted),
        subscribed=keep,
        topics=tuple(chosen.items()),
        companies=tuple(followed),
        muted_companies=tuple(hidden),
    )


def create_token(engine: Engine, reader: Reader, *, name: str) -> str:
    """Create a personal access token for the API; the token is shown once and only its hash is kept."""
    name = " ".join(name.split())[:100] or "API"
    token = "prism_" + secrets.token_urlsafe(32)
    with write_transaction(engine) as conn:
        stored.insert_token(
            conn, reader_id=reader.id, name=name, token_hash=token_hash(token), created_at=datetime.now(UTC)
        )
    return token


def token_reader(engine: Engine, token: str | None) -> Reader | None:
    """Return the reader a personal access token belongs to, or None."""
    if not token:
        return None
    with engine.connect() as conn:
        reader_id = stored.token_reader_id(conn, token_hash=token_hash(token))
        row = stored.reader_by_id(conn, reader_id=reader_id) if reader_id is not None else None
    return _reader(row) if row else None


def revoke_token(engine: Engine, reader: Reader, token_id: int) -> bool:
    """Revoke one of the reader's own tokens (another reader's token id is simply not found)."""
    with write_transaction(engine) as conn:
        return stored.delete_token(conn, reader_id=reader.id, token_id=token_id)


def tokens(engine: Engine, reader: Reader) -> list[ApiToken]:
    with engine.connect() as conn:
        return stored.tokens_of(conn, reader_id=reader.id)

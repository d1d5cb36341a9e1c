"""Reader accounts: sign-up, log-in throttled per client and account, sessions and profiles.

Passwords are hashed with argon2id, and checked outside any write transaction (a check takes tens of
milliseconds, and a SQLite writer excludes every other writer); a session is a random token in an HttpOnly
cookie whose SHA-256 is all the store keeps. Messages are Korean: they are shown to readers as they are.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.exc import IntegrityError

from prism.addresses import email_address
from prism.config import Settings
from prism.errors import PrismError, RecordError
from prism.records import ROLES, Account, ApiToken, Reader, Role
from prism.store import Bind, reading, write_transaction
from prism.store import readers as stored

MIN_PASSWORD = 10
_hasher = PasswordHasher()


class AccountError(PrismError):
    """A sign-up or log-in that cannot go ahead; the message is for the reader."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


class LoginThrottle:
    """Wrong passwords allowed from one client for one email address: `settings.max_failed_logins` in any
    `settings.lockout_minutes`, then that client waits. Counting per (client, email) means a stranger's
    failures never stop the owner, who logs in from another address; and the email is counted whether an
    account has it or not, so the answer tells nothing about which accounts exist.

    The counts live in this process (one per `prism serve` worker).
    """

    def __init__(self, settings: Settings) -> None:
        self._limit = RateLimitItemPerMinute(settings.max_failed_logins, settings.lockout_minutes)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def wait_minutes(self, client: str, email: str) -> int:
        """Minutes this client must wait before trying this email again (0: it may try now)."""
        if self._limiter.test(self._limit, client, email):
            return 0
        reset = self._limiter.get_window_stats(self._limit, client, email).reset_time
        return max(1, int((reset - datetime.now(UTC).timestamp()) // 60) + 1)

    def failed(self, client: str, email: str) -> None:
        self._limiter.hit(self._limit, client, email)

    def succeeded(self, client: str, email: str) -> None:
        self._limiter.clear(self._limit, client, email)


def as_reader(account: Account) -> Reader:
    """Return a stored account as the app sees the reader (their profile read, never their password)."""
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
    engine: Bind, *, email: str, password: str, persona: str | None = None, role: Role = "reader"
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


def log_in(
    engine: Bind,
    settings: Settings,
    *,
    email: str,
    password: str,
    client: str = "local",
    throttle: LoginThrottle | None = None,
) -> tuple[Reader, str]:
    """Check a password and open a session; return the reader and the session's cookie token.

    A client past its `throttle` for this email is refused before anything is checked; a wrong password
    and an unknown email get the same answer after the same work.
    """
    email = normalize_email(email)
    if throttle is not None and (minutes := throttle.wait_minutes(client, email)):
        raise AccountError(
            f"로그인 시도가 너무 많습니다. {minutes}분 뒤에 다시 시도해 주세요.", throttled=True
        )
    with reading(engine) as conn:
        row = stored.reader_by_email(conn, email=email)
    # Checked outside any transaction: an argon2 check is slow on purpose, and writers must not wait on it.
    if not _verified(row.password_hash if row else _dummy_hash(), password) or row is None:
        if throttle is not None:
            throttle.failed(client, email)
        raise AccountError("이메일 또는 비밀번호가 맞지 않습니다.")
    if throttle is not None:
        throttle.succeeded(client, email)
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with write_transaction(engine) as conn:
        stored.insert_session(
            conn,
            token_hash=token_hash(token),
            reader_id=row.id,
            created_at=now,
            expires_at=now + timedelta(days=settings.session_days),
        )
    return as_reader(row), token


@cache
def _dummy_hash() -> str:
    """A hash to check unknown emails against, so they cost what a wrong password does."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _verified(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_reader(engine: Bind, token: str | None) -> Reader | None:
    """Return the reader of a live session token, or None."""
    if not token:
        return None
    with reading(engine) as conn:
        reader_id = stored.session_reader_id(conn, token_hash=token_hash(token), now=datetime.now(UTC))
        row = stored.reader_by_id(conn, reader_id=reader_id) if reader_id is not None else None
    return as_reader(row) if row else None


def log_out(engine: Bind, token: str | None) -> None:
    """End a session (a missing or unknown token is fine)."""
    if token:
        with write_transaction(engine) as conn:
            stored.delete_session(conn, token_hash=token_hash(token))


def update_profile(
    engine: Bind,
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


def create_token(engine: Bind, reader: Reader, *, name: str) -> str:
    """Create a personal access token for the API; the token is shown once and only its hash is kept."""
    name = " ".join(name.split())[:100] or "API"
    token = "prism_" + secrets.token_urlsafe(32)
    with write_transaction(engine) as conn:
        stored.insert_token(
            conn, reader_id=reader.id, name=name, token_hash=token_hash(token), created_at=datetime.now(UTC)
        )
    return token


def token_reader(engine: Bind, token: str | None) -> Reader | None:
    """Return the reader a personal access token belongs to, or None."""
    if not token:
        return None
    with reading(engine) as conn:
        reader_id = stored.token_reader_id(conn, token_hash=token_hash(token))
        row = stored.reader_by_id(conn, reader_id=reader_id) if reader_id is not None else None
    return as_reader(row) if row else None


def revoke_token(engine: Bind, reader: Reader, token_id: int) -> bool:
    """Revoke one of the reader's own tokens (another reader's token id is simply not found)."""
    with write_transaction(engine) as conn:
        return stored.delete_token(conn, reader_id=reader.id, token_id=token_id)


def tokens(engine: Bind, reader: Reader) -> list[ApiToken]:
    with reading(engine) as conn:
        return stored.tokens_of(conn, reader_id=reader.id)

"""Reader accounts over a real server: sign-up, log-in limits, sessions, CSRF, profiles, secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, select

from prism.accounts import AccountError, log_in, sign_up
from prism.config import Settings, get_settings
from prism.errors import ConfigError
from prism.store.schema import readers, sessions
from prism.web.app import create_app
from tests.helpers import serving

PASSWORD = "correct horse battery"


@pytest.fixture
def site(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    with serving(create_app(settings, engine)) as client:
        yield client


def csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "the form has no CSRF token"
    return found.group(1)


def sign_up_via_form(client: httpx.Client, email: str = "reader@example.com") -> httpx.Response:
    token = csrf(client, "/signup")
    return client.post(
        "/signup", data={"csrf": token, "email": email, "password": PASSWORD, "persona": "retiree"}
    )


def test_sign_up_signs_in_with_a_safe_cookie(site: httpx.Client, engine: Engine) -> None:
    response = sign_up_via_form(site)
    assert response.status_code == 303 and response.headers["location"] == "/me"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("prism_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain http here
    me = site.get("/me")
    assert me.status_code == 200 and "reader@example.com" in me.text
    assert 'value="retiree" selected' in me.text
    with engine.connect() as conn:
        stored = conn.execute(select(readers.c.password_hash)).scalar_one()
        token_hashes = conn.execute(select(sessions.c.token_hash)).scalars().all()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert site.cookies["prism_session"] not in token_hashes  # only a hash of the token is kept


def test_profile_changes_are_saved(site: httpx.Client) -> None:
    sign_up_via_form(site)
    token = csrf(site, "/me")
    saved = site.post(
        "/me",
        data={
            "csrf": token,
            "persona": "retail-investor",
            "interests": "반도체, 배당 ,, 반도체",
            "muted": "코인",
        },
    )
    assert saved.status_code == 200 and "저장했습니다" in saved.text
    page = site.get("/me").text
    assert 'value="retail-investor" selected' in page
    assert 'value="반도체, 배당"' in page and 'value="코인"' in page


def test_me_needs_a_session(site: httpx.Client) -> None:
    response = site.get("/me")
    assert response.status_code == 303 and response.headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/signup", "/login", "/logout", "/me"])
def test_a_post_without_the_csrf_token_is_refused(site: httpx.Client, path: str) -> None:
    site.get("/login")  # the visitor has a CSRF cookie, but the form below does not carry it
    response = site.post(path, data={"email": "x@example.com", "password": PASSWORD})
    assert response.status_code == 403
    forged = site.post(path, data={"csrf": "forged", "email": "x@example.com", "password": PASSWORD})
    assert forged.status_code == 403


def log_in_from(client: httpx.Client, address: str, email: str, password: str) -> httpx.Response:
    """Post the log-in form as a client at `address` (uvicorn trusts X-Forwarded-For from 127.0.0.1)."""
    token = csrf(client, "/login")
    return client.post(
        "/login",
        data={"csrf": token, "email": email, "password": password},
        headers={"X-Forwarded-For": address},
    )


def test_wrong_passwords_throttle_that_client_for_that_account_only(
    site: httpx.Client, settings: Settings
) -> None:
    sign_up_via_form(site)
    site.post("/logout", data={"csrf": site.cookies["prism_csrf"]})
    attacker, owner = "203.0.113.5", "198.51.100.7"
    for _ in range(settings.max_failed_logins):
        wrong = log_in_from(site, attacker, "reader@example.com", "not it at all")
        assert wrong.status_code == 400 and "이메일 또는 비밀번호가 맞지 않습니다" in wrong.text
    throttled = log_in_from(site, attacker, "reader@example.com", PASSWORD)
    assert throttled.status_code == 429 and "로그인 시도가 너무 많습니다" in throttled.text
    assert "prism_session" not in throttled.cookies  # the right password does not get through either
    # The owner, from their own address, is not locked out.
    assert log_in_from(site, owner, "reader@example.com", PASSWORD).status_code == 303


def test_throttling_does_not_tell_which_accounts_exist(site: httpx.Client, settings: Settings) -> None:
    sign_up_via_form(site)
    site.post("/logout", data={"csrf": site.cookies["prism_csrf"]})
    answers: dict[str, list[tuple[int, str]]] = {}
    for email in ("reader@example.com", "nobody@example.com"):
        answers[email] = []
        for _ in range(settings.max_failed_logins + 1):
            response = log_in_from(site, "203.0.113.9", email, "not it at all")
            error = re.search(r'role="alert"[^>]*>([^<]*)<', response.text)
            answers[email].append((response.status_code, error.group(1) if error else ""))
    assert answers["reader@example.com"] == answers["nobody@example.com"]
    assert [code for code, _ in answers["nobody@example.com"]] == [400] * settings.max_failed_logins + [429]


def test_the_password_is_checked_outside_the_write_lock(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log-in holds no write transaction while argon2 checks the password: a writer meanwhile goes on."""
    import threading

    from prism import accounts
    from prism.store import write_transaction

    sign_up(engine, email="reader@example.com", password=PASSWORD)
    checking, release = threading.Event(), threading.Event()
    real_verify = accounts._verified

    def slow_verify(hashed: str, password: str) -> bool:
        checking.set()
        release.wait(30)
        return real_verify(hashed, password)

    monkeypatch.setattr(accounts, "_verified", slow_verify)
    opened: list[object] = []
    login = threading.Thread(
        target=lambda: opened.append(log_in(engine, settings, email="reader@example.com", password=PASSWORD))
    )
    safety = threading.Timer(20, release.set)  # if the log-in held the lock, the write below waits for this
    safety.start()
    login.start()
    try:
        assert checking.wait(10)
        with write_transaction(engine) as conn:
            conn.execute(readers.update().values(persona="retiree"))
        wrote_while_checking = not release.is_set()
    finally:
        release.set()
        safety.cancel()
        login.join(30)
    assert wrote_while_checking and len(opened) == 1


def test_logout_ends_the_session(site: httpx.Client) -> None:
    sign_up_via_form(site)
    session = site.cookies["prism_session"]
    out = site.post("/logout", data={"csrf": site.cookies["prism_csrf"]})
    assert out.status_code == 303
    site.cookies.set("prism_session", session)  # replaying the old cookie opens nothing
    assert site.get("/me").status_code == 303


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", PASSWORD, "이메일 주소 형식"),
        ("a@example.com\r\nBcc: b@example.com", PASSWORD, "이메일 주소 형식"),  # a header smuggled in
        ("a@no-dot", PASSWORD, "이메일 주소 형식"),
        ("a@example.com", "short", "10자 이상"),
    ],
)
def test_bad_sign_ups_say_why(engine: Engine, email: str, password: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        sign_up(engine, email=email, password=password)


def test_one_email_one_account(engine: Engine) -> None:
    sign_up(engine, email="Twin@Example.com", password=PASSWORD)
    with pytest.raises(AccountError, match="이미 가입된 이메일"):
        sign_up(engine, email="twin@example.com ", password=PASSWORD)


def test_unknown_email_and_wrong_password_read_the_same(engine: Engine, settings: Settings) -> None:
    sign_up(engine, email="known@example.com", password=PASSWORD)
    with pytest.raises(AccountError) as unknown:
        log_in(engine, settings, email="nobody@example.com", password=PASSWORD)
    with pytest.raises(AccountError) as wrong:
        log_in(engine, settings, email="known@example.com", password="wrong password!")
    assert str(unknown.value) == str(wrong.value)


def test_production_refuses_the_placeholder_secret(engine: Engine, settings: Settings) -> None:
    production = get_settings(home=settings.home, environment="production")
    with pytest.raises(ConfigError, match="PRISM_SECRET_KEY"):
        create_app(production, engine)
    create_app(get_settings(home=settings.home, environment="production", secret_key="x" * 40), engine)


def test_topics_can_be_followed_and_muted(site: httpx.Client, engine: Engine) -> None:
    from prism.accounts import session_reader
    from prism.recommend.personas import load_personas
    from prism.recommend.profile import reader_persona

    sign_up_via_form(site)
    token = csrf(site, "/me")
    saved = site.post(
        "/me",
        data={
            "csrf": token,
            "persona": "retiree",
            "topic-IT과학": "follow",
            "topic-스포츠": "mute",
            "topic-정치": "odd",
        },
    )
    assert saved.status_code == 200
    assert 'name="topic-IT과학" value="follow" checked' in saved.text
    reader = session_reader(engine, site.cookies["prism_session"])
    assert reader is not None and dict(reader.topics) == {"IT과학": "follow", "스포츠": "mute"}
    persona = reader_persona(load_personas()["retiree"], reader)
    assert persona.topic_weight("IT과학") == 1.0 and persona.topic_weight("스포츠") == 0.0
    assert persona.topic_weight("경제") == load_personas()["retiree"].topic_weight("경제")


def test_companies_can_be_followed_and_muted(site: httpx.Client, engine: Engine) -> None:
    from prism.accounts import session_reader
    from prism.recommend.personas import load_personas
    from prism.recommend.profile import reader_persona

    sign_up_via_form(site)
    saved = site.post(
        "/me",
        data={
            "csrf": csrf(site, "/me"),
            "persona": "retiree",
            "companies": "삼성전자, 카카오",
            "muted_companies": "쿠팡",
        },
    )
    assert saved.status_code == 200 and 'value="삼성전자, 카카오"' in saved.text
    reader = session_reader(engine, site.cookies["prism_session"])
    assert (
        reader is not None
        and reader.companies == ("삼성전자", "카카오")
        and reader.muted_companies == ("쿠팡",)
    )
    persona = reader_persona(load_personas()["retiree"], reader)
    assert persona.interests["카카오"] == 3.0 and persona.negative["쿠팡"] == 5.0

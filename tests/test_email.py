"""E-mail editions through a real SMTP server (aiosmtpd on 127.0.0.1): both parts, unsubscribe, once each."""

from __future__ import annotations

import email
from collections.abc import Iterator
from datetime import date
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism.accounts import sign_up, update_profile
from prism.brief.email import unsubscribe_token, verify_unsubscribe
from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store import readers
from prism.web.app import create_app
from tests.helpers import free_port, serving


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        parsed = email.message_from_bytes(content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mailing(
    engine: Engine, settings: Settings, smtp: tuple[Inbox, int], home: Path, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    inbox, port = smtp
    monkeypatch.setenv("PRISM_SMTP_PORT", str(port))
    monkeypatch.setenv("PRISM_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PRISM_PUBLIC_URL", "https://briefing.example.com")
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    publishing = get_settings(auto_publish=True)
    build_editions(engine, publishing, [load_personas()["retiree"]], day=date(2026, 11, 27), window="7d")
    return inbox


def test_send_has_both_parts_and_one_click_unsubscribe(mailing: Inbox) -> None:
    result = CliRunner().invoke(
        app, ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "a@example.com"]
    )
    assert result.exit_code == 0, result.output
    [(to, mail)] = mailing.messages
    assert to == ["a@example.com"]
    assert "은퇴 준비자·시니어 맞춤형 경제 브리핑" in mail["Subject"]
    plain = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "[은퇴 준비자·시니어 관심 뉴스]" in plain.get_content()
    assert 'style="' in html.get_content() and "<style" not in html.get_content()  # inline CSS only
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://briefing.example.com/unsubscribe?token=")
    assert verify_unsubscribe(get_settings(), link.split("token=")[1]) == "a@example.com"


def test_sending_twice_sends_once(mailing: Inbox) -> None:
    args = ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "a@example.com", "--to", "b@example.com"]
    assert CliRunner().invoke(app, args).exit_code == 0
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "sent 0, already sent before 2" in again.stdout
    assert sorted(to[0] for to, _ in mailing.messages) == ["a@example.com", "b@example.com"]


def test_subscribers_and_unsubscribing(mailing: Inbox, engine: Engine, settings: Settings) -> None:
    fan = sign_up(engine, email="fan@example.com", password="correct horse battery", persona="retiree")
    update_profile(engine, fan, persona="retiree", interests=[], muted=[], subscribed=True)
    sign_up(engine, email="quiet@example.com", password="correct horse battery", persona="retiree")
    result = CliRunner().invoke(app, ["send", "-p", "retiree", "--date", "2026-11-27", "--subscribers"])
    assert result.exit_code == 0 and [to for to, _ in mailing.messages] == [["fan@example.com"]]
    token = unsubscribe_token(get_settings(), "fan@example.com")
    with serving(create_app(get_settings(), engine)) as client:
        assert "수신 거부" in client.get(f"/unsubscribe?token={token}").text  # GET only asks
        with engine.connect() as conn:
            assert readers.subscribers(conn, persona="retiree") == ["fan@example.com"]
        done = client.post(f"/unsubscribe?token={token}")  # one click, no session, no CSRF form
        assert done.status_code == 200
        assert client.post("/unsubscribe?token=forged.token").status_code == 400
    with engine.connect() as conn:
        assert readers.subscribers(conn, persona="retiree") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "a@example.com", "--subscribers"], "give either --to ADDRESS"),
        ([], "give either --to ADDRESS"),
    ],
)
def test_send_usage_errors(mailing: Inbox, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["send", "-p", "retiree", "--date", "2026-11-27", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_no_published_edition_and_no_server(mailing: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = CliRunner().invoke(
        app, ["send", "-p", "executive", "--date", "2026-11-27", "--to", "a@example.com"]
    )
    assert missing.exit_code == 2 and "no published edition for persona 'executive'" in missing.stderr
    closed = free_port()
    monkeypatch.setenv("PRISM_SMTP_PORT", str(closed))
    down = CliRunner().invoke(app, ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "a@example.com"])
    assert (
        down.exit_code == 1 and f"SMTP 127.0.0.1:{closed}" in down.stderr and "Traceback" not in down.output
    )

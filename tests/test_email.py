"""E-mail editions through a real SMTP server (aiosmtpd on 127.0.0.1): both parts, unsubscribe, once each."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import Message
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from markupsafe import escape
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism.accounts import sign_up, update_profile
from prism.brief.email import send_edition, unsubscribe_token, verify_unsubscribe
from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.store import editions, readers
from prism.web.app import create_app
from tests.helpers import free_port, serving


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.raw: list[bytes] = []  # the DATA exactly as it came over the wire

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.raw.append(content)
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


def _header_lines(raw: bytes) -> dict[str, bytes]:
    """The header block as sent, one entry per header (folded lines joined), keyed by lower-case name."""
    block = raw.split(b"\r\n\r\n", 1)[0]
    unfolded = block.replace(b"\r\n ", b" ").replace(b"\r\n\t", b"\t")
    lines = unfolded.split(b"\r\n")
    return {line.split(b":", 1)[0].decode().lower(): line for line in lines}


def test_raw_smtp_bytes_carry_one_click_unsubscribe_unencoded(mailing: Inbox) -> None:
    address = "someone.with.a.rather.long.address@example.com"
    result = CliRunner().invoke(app, ["send", "-p", "retiree", "--date", "2026-11-27", "--to", address])
    assert result.exit_code == 0, result.output
    [raw] = mailing.raw
    headers = _header_lines(raw)
    block = raw.split(b"\r\n\r\n", 1)[0]
    # One line each, exactly as a provider's parser wants them (RFC 8058), though longer than 78 characters.
    unsubscribe = headers["list-unsubscribe"]
    assert unsubscribe.startswith(b"List-Unsubscribe: <https://briefing.example.com/unsubscribe?token=")
    assert unsubscribe.endswith(b">") and len(unsubscribe) > 78 and unsubscribe in block.split(b"\r\n")
    assert b"=?" not in unsubscribe
    token = unsubscribe.decode("ascii").split("token=")[1].rstrip(">")
    assert verify_unsubscribe(get_settings(), token) == address
    assert headers["list-unsubscribe-post"] == b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    sent_at = parsedate_to_datetime(headers["date"].split(b":", 1)[1].decode().strip())
    assert sent_at.utcoffset() == timedelta(hours=9)  # PRISM_TIMEZONE, Asia/Seoul
    assert headers["message-id"].endswith(b"@briefing.example.com>")  # PRISM_PUBLIC_URL's host
    assert b" =?utf-8?b?" in headers["subject"]  # non-ASCII text is still encoded
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_each_pick_names_its_outlet_and_why(mailing: Inbox, engine: Engine) -> None:
    result = CliRunner().invoke(
        app, ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "a@example.com"]
    )
    assert result.exit_code == 0, result.output
    [(_, mail)] = mailing.messages
    # MIME's canonical line end inside the part is CRLF
    plain = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    with engine.connect() as conn:
        edition = editions.published_edition(conn, persona="retiree", edition_date="2026-11-27")
    assert edition is not None and len(edition.briefing.picks) == 6
    for pick in edition.briefing.picks:
        assert pick.source and pick.reasons
        why = " · ".join(pick.reasons)
        assert f"- 언론사: {pick.source}\n- 핵심 요약: {pick.summary_text}\n- 왜 추천됐나요: {why}" in plain
        assert str(escape(pick.source)) in html and f"왜 추천됐나요: {escape(why)}" in html


@pytest.mark.parametrize(
    "address",
    [
        "a@example.com\r\nBcc: victim@example.com",
        "a@example.com\n",
        "no-at-sign",
        "a@localhost",
        "홍@example.com",
    ],
)
def test_bad_to_is_one_line_and_sends_nothing(mailing: Inbox, address: str) -> None:
    result = CliRunner().invoke(
        app, ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "ok@example.com", "--to", address]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: --to {address!r} is not an e-mail address: ")
    assert mailing.raw == []


def test_refused_stored_addresses_are_reported_not_sent(mailing: Inbox, engine: Engine) -> None:
    with engine.connect() as conn:
        edition = editions.published_edition(conn, persona="retiree", edition_date="2026-11-27")
    assert edition is not None
    report = send_edition(
        engine,
        get_settings(),
        edition_id=edition.id,
        briefing=edition.briefing,
        recipients=["Fan@Example.com", "fan@example.com ", "broken\r\n@example.com"],
    )
    assert report.sent == ["fan@example.com"] and report.already == []
    [refused] = report.refused
    assert refused.startswith("'broken\\r\\n@example.com' is not an e-mail address")
    assert [to for to, _ in mailing.messages] == [["fan@example.com"]]


def test_send_json_report(mailing: Inbox) -> None:
    args = ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "a@example.com", "--json"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["sent"] == ["a@example.com"] and report["already"] == [] and report["refused"] == []
    again = json.loads(CliRunner().invoke(app, args).stdout)
    assert again["sent"] == [] and again["already"] == ["a@example.com"]
    assert again["edition_id"] == report["edition_id"]


def test_production_refuses_the_development_secret(mailing: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRISM_ENVIRONMENT", "production")
    args = ["send", "-p", "retiree", "--date", "2026-11-27", "--to", "a@example.com"]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    [line] = refused.stderr.splitlines()
    assert "PRISM_SECRET_KEY" in line and "'production'" in line
    assert mailing.raw == []
    monkeypatch.setenv("PRISM_SECRET_KEY", "k" * 40)
    assert CliRunner().invoke(app, args).exit_code == 0 and len(mailing.raw) == 1


def test_the_daily_run_sends_what_failed_before(
    mailing: Inbox, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prism.schedule import ScheduleError, run_day

    fan = sign_up(engine, email="fan@example.com", password="correct horse battery", persona="retiree")
    update_profile(engine, fan, persona="retiree", interests=[], muted=[], subscribed=True)
    monkeypatch.setenv("PRISM_AUTO_PUBLISH", "true")
    port = get_settings().smtp_port
    monkeypatch.setenv("PRISM_SMTP_PORT", str(free_port()))  # the mail server is down for the first run
    with pytest.raises(ScheduleError, match="send retiree failed 3 times"):
        run_day(engine, get_settings(), date(2026, 11, 27), backoff_s=0)
    assert mailing.raw == []
    monkeypatch.setenv("PRISM_SMTP_PORT", str(port))
    rerun = CliRunner().invoke(app, ["schedule", "--once", "--date", "2026-11-27", "--json"])
    assert rerun.exit_code == 0, rerun.output
    report = json.loads(rerun.stdout)
    assert report["skipped"] and report["built"] == 0 and report["emailed"] == 1  # built before, sent now
    assert [to for to, _ in mailing.messages] == [["fan@example.com"]]
    again = json.loads(
        CliRunner().invoke(app, ["schedule", "--once", "--date", "2026-11-27", "--json"]).stdout
    )
    assert again["emailed"] == 0 and len(mailing.raw) == 1


def test_schedule_refuses_the_development_secret_in_production(
    mailing: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRISM_ENVIRONMENT", "production")
    result = CliRunner().invoke(app, ["schedule", "--once", "--date", "2026-11-27"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: PRISM_SECRET_KEY must be set")

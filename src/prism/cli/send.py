"""`prism send`: e-mail an edition to addresses or to the reader type's subscribers, once each."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from prism.addresses import email_address
from prism.brief.email import send_edition
from prism.cli.common import (
    DatabaseOption,
    HomeOption,
    JsonOption,
    complete_persona,
    console,
    settings_and_engine,
)
from prism.config import require_real_secret
from prism.errors import NotFoundError, RecordError, UsageError
from prism.store import editions
from prism.store import readers as stored_readers


def send_cli(
    persona: Annotated[
        str, typer.Option("--persona", "-p", help="Reader type key.", autocompletion=complete_persona)
    ],
    day: Annotated[str, typer.Option("--date", help="Edition date, YYYY-MM-DD.")],
    to: Annotated[list[str] | None, typer.Option("--to", help="A recipient (repeatable).")] = None,
    subscribers: Annotated[
        bool, typer.Option("--subscribers", help="Every subscribed reader of the type.")
    ] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Send the published edition (HTML + plain text, one-click unsubscribe); resending skips who has it."""
    if bool(to) == subscribers:
        raise UsageError("give either --to ADDRESS (one or more) or --subscribers")
    for address in to or []:  # every address is checked before anything is sent
        try:
            email_address(address)
        except RecordError as exc:
            raise UsageError(f"--to {exc}") from None
    settings, engine = settings_and_engine(database, home)
    try:
        require_real_secret(settings)
        with engine.connect() as conn:
            row = editions.published_edition(conn, persona=persona, edition_date=day)
            if row is None:
                raise NotFoundError(f"no published edition for persona {persona!r} on {day}")
            recipients = list(to or []) or stored_readers.subscribers(conn, persona=persona)
        report = send_edition(
            engine,
            settings,
            edition_id=row.id,
            briefing=row.briefing,
            recipients=recipients,
        )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"edition_id": row.id, **asdict(report)}, ensure_ascii=False))
        return
    console.print(f"sent {len(report.sent)}, already sent before {len(report.already)}", markup=False)
    for problem in report.refused:
        console.print(f"refused {problem}", markup=False)

"""`prism send`: e-mail an edition to addresses or to the reader type's subscribers, once each."""

from __future__ import annotations

from typing import Annotated

import typer

from prism.brief.email import send_edition
from prism.cli.common import DatabaseOption, HomeOption, console, settings_and_engine
from prism.errors import NotFoundError, UsageError
from prism.store import editions
from prism.store import readers as stored_readers


def send_cli(
    persona: Annotated[str, typer.Option("--persona", "-p", help="Reader type key.")],
    day: Annotated[str, typer.Option("--date", help="Edition date, YYYY-MM-DD.")],
    to: Annotated[list[str] | None, typer.Option("--to", help="A recipient (repeatable).")] = None,
    subscribers: Annotated[
        bool, typer.Option("--subscribers", help="Every subscribed reader of the type.")
    ] = False,
    database: DatabaseOption = None,
    home: HomeOption = None,
) -> None:
    """Send the published edition (HTML + plain text, one-click unsubscribe); resending skips who has it."""
    if bool(to) == subscribers:
        raise UsageError("give either --to ADDRESS (one or more) or --subscribers")
    settings, engine = settings_and_engine(database, home)
    try:
        with engine.connect() as conn:
            row = editions.published_edition(conn, persona=persona, edition_date=day)
            if row is None:
                raise NotFoundError(f"no published edition for persona {persona!r} on {day}")
            recipients = list(to or []) or stored_readers.subscribers(conn, persona=persona)
        sent, skipped = send_edition(
            engine,
            settings,
            edition_id=row.id,
            briefing=row.briefing,
            recipients=recipients,
        )
    finally:
        engine.dispose()
    console.print(f"sent {len(sent)}, already sent before {len(skipped)}", markup=False)

"""Keyword-only queries over the language-model call cache."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, select

from prism.store.schema import llm_calls


def cached(conn: Connection, *, keys: Collection[str]) -> dict[str, str]:
    """Return the stored answers (message content) of the calls in `keys` that have one."""
    if not keys:
        return {}
    rows = conn.execute(select(llm_calls.c.key, llm_calls.c.content).where(llm_calls.c.key.in_(keys)))
    return {row.key: row.content for row in rows}


def remember(
    conn: Connection, *, key: str, model: str, prompt_version: str, content: str, at: datetime
) -> None:
    """Store one call's answer; a key already stored (another process made the same call) is kept."""
    if conn.execute(select(llm_calls.c.key).where(llm_calls.c.key == key)).first() is None:
        conn.execute(
            llm_calls.insert().values(
                key=key, model=model, prompt_version=prompt_version, content=content, created_at=at
            )
        )

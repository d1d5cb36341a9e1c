"""The store: tables, migrations and keyword-only query functions (the only place that speaks SQL)."""

from prism.store.db import Bind, open_engine, reading, redact, upgrade, write_transaction

__all__ = ["Bind", "open_engine", "reading", "redact", "upgrade", "write_transaction"]

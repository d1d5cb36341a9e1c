"""The store: tables, migrations and keyword-only query functions (the only place that speaks SQL)."""

from prism.store.db import open_engine, redact, upgrade, write_transaction

__all__ = ["open_engine", "redact", "upgrade", "write_transaction"]

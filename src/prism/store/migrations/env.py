"""Alembic environment: migrations run on the connection prism.store.db.upgrade hands us."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from prism.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # run by the `alembic` command itself, e.g. to autogenerate a revision
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as own:
        context.configure(connection=own, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

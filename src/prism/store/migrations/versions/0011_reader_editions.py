"""Readers' own editions, stored compactly: the picks of one reader and date, rendered on demand.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import Id, UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reader_editions",
        sa.Column("reader_id", Id, nullable=False),
        sa.Column("edition_date", sa.String(10), nullable=False),
        sa.Column("edition_window", sa.String(8), nullable=False),
        sa.Column("picks", sa.JSON, nullable=False),
        sa.Column("settings_digest", sa.String(71), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("reader_id", "edition_date", name="pk_reader_editions"),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["readers.id"], name="fk_reader_editions_reader_id_readers", ondelete="CASCADE"
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("reader_editions")

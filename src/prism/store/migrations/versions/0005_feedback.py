"""Readers' feedback on picks: 👍, 👎 and click-throughs.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import Id, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("reader_id", Id, sa.ForeignKey("readers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", Id, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_feedback_reader_id", "feedback", ["reader_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_reader_id", table_name="feedback")
    op.drop_table("feedback")

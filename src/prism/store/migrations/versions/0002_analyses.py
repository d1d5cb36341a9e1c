"""Analyses of article texts (sentences, terms, keyphrases, topic), keyed by content hash.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analyses",
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.Column("analyzer", sa.String(40), nullable=False),
        sa.Column("title_terms", sa.JSON, nullable=False),
        sa.Column("sentences", sa.JSON, nullable=False),
        sa.Column("keyphrases", sa.JSON, nullable=False),
        sa.Column("terms", sa.JSON, nullable=False),
        sa.Column("topic", sa.String(20), nullable=True),
        sa.Column("topic_score", sa.Float, nullable=True),
        sa.Column("analyzed_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name="pk_analyses"),
    )


def downgrade() -> None:
    op.drop_table("analyses")

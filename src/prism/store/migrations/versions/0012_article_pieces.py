"""Articles' shared 핵심 요약, written once per text and settings and composed into every edition.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_pieces",
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.Column("digest", sa.String(71), nullable=False),
        sa.Column("piece", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("content_hash", "digest", name="pk_article_pieces"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("article_pieces")

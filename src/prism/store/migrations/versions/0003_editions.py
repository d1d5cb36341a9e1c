"""Term counts of each analysis (for BM25), and stored editions with their inputs.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import Id, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(sa.Column("counts", sa.JSON, nullable=True))
    op.create_table(
        "editions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("persona", sa.String(64), nullable=False),
        sa.Column("edition_date", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("settings_digest", sa.String(71), nullable=False),
        sa.Column("article_ids", sa.JSON, nullable=False),
        sa.Column("briefing", sa.JSON, nullable=False),
    )
    op.create_index("ix_editions_persona_date", "editions", ["persona", "edition_date"])


def downgrade() -> None:
    op.drop_index("ix_editions_persona_date", table_name="editions")
    op.drop_table("editions")
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("counts")

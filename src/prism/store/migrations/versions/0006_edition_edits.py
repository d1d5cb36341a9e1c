"""Editors' changes to editions: who, when, what, and the diff.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import Id, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edition_edits",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("edition_id", Id, sa.ForeignKey("editions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("editor_id", Id, sa.ForeignKey("readers.id", ondelete="SET NULL"), nullable=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("field", sa.String(100), nullable=False),
        sa.Column("diff", sa.Text, nullable=False),
    )
    op.create_index("ix_edition_edits_edition_id", "edition_edits", ["edition_id"])


def downgrade() -> None:
    op.drop_index("ix_edition_edits_edition_id", table_name="edition_edits")
    op.drop_table("edition_edits")

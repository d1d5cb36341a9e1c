"""Which edition was e-mailed to whom: sending twice is a no-op.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import Id, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sent_emails",
        sa.Column("edition_id", Id, sa.ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("recipient", sa.String(254), primary_key=True),
        sa.Column("sent_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sent_emails")

"""Articles and their near-duplicate LSH bands.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from prism.store.schema import Id, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("category", sa.String(100), nullable=True),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.Column("ingested_at", UTCDateTime, nullable=False),
        sa.Column("canonical_of", Id, nullable=True),
        sa.Column("origin", sa.Text, nullable=True),
        sa.Column("extra", sa.JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("external_id", name="uq_articles_external_id"),
        sa.UniqueConstraint("url", name="uq_articles_url"),
        sa.ForeignKeyConstraint(
            ["canonical_of"], ["articles.id"], name="fk_articles_canonical_of_articles", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index("ix_articles_canonical_of", "articles", ["canonical_of"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_table(
        "minhash_bands",
        sa.Column("band_key", sa.BigInteger, nullable=False),
        sa.Column("article_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("band_key", "article_id", name="pk_minhash_bands"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_minhash_bands_article_id_articles", ondelete="CASCADE"
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("minhash_bands")
    op.drop_table("articles")

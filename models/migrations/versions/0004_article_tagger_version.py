"""tagger and taxonomy version on every article (relevant or not)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("tagger_version", sa.String(100), nullable=True))
        batch.add_column(sa.Column("taxonomy_version", sa.String(32), nullable=True))
        batch.create_index("ix_articles_tagger_version", ["tagger_version"])
    # Articles tagged before this revision: their tags name the taxonomy; the tagger was v1.
    op.execute(
        "UPDATE articles SET taxonomy_version = (SELECT MIN(t.taxonomy_version) FROM narrative_tags t"
        " WHERE t.article_id = articles.id), tagger_version = 'rules-1'"
    )


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_tagger_version")
        batch.drop_column("taxonomy_version")
        batch.drop_column("tagger_version")

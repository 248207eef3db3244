"""feed health indexes: articles by fetch time and each source's newest article

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The health window counts articles fetched since a time (a week out of the archive).
    op.create_index("ix_articles_fetched_at", "articles", ["fetched_at"], unique=False)
    # Each source's newest article: max(coalesce(published_at, fetched_at)) per source is
    # one backward index step per source instead of a scan of every article.
    op.create_index(
        "ix_articles_source_newest",
        "articles",
        ["source_id", sa.text("coalesce(published_at, fetched_at)")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_articles_source_newest", table_name="articles")
    op.drop_index("ix_articles_fetched_at", table_name="articles")

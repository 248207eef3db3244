"""near-duplicate SimHash bands and the fetched page URL on articles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("simhash", sa.BigInteger(), nullable=True))
        for i in range(4):
            batch_op.add_column(sa.Column(f"sim_band{i}", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("page_url", sa.String(length=2000), nullable=True))
        for i in range(4):
            batch_op.create_index(f"ix_articles_simband{i}", [f"sim_band{i}"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        for i in range(4):
            batch_op.drop_index(f"ix_articles_simband{i}")
        batch_op.drop_column("page_url")
        for i in range(4):
            batch_op.drop_column(f"sim_band{i}")
        batch_op.drop_column("simhash")

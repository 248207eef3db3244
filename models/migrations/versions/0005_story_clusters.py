"""MinHash LSH keys of articles for the indexed story lookup (issue 14)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Existing articles get their keys from ``narrmon restory`` (the migration does not read
article texts); until then new copies of them are matched by exact content hash only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_keys",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "band"),
    )
    with op.batch_alter_table("story_keys", schema=None) as batch_op:
        batch_op.create_index("ix_story_keys_key_day", ["key", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("story_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_story_keys_key_day")
    op.drop_table("story_keys")

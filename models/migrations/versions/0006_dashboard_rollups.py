"""stance split and co-occurrence rollups (dashboards: stance filter, split and matrix)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_stance_rollups",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("narrative_id", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("unique_stories", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "narrative_id", "source_id", "language", "stance"),
    )
    with op.batch_alter_table("daily_stance_rollups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stance_rollups_narrative_day", ["narrative_id", "day"], unique=False
        )
    op.create_table(
        "daily_cooccurrence",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("narrative_a", sa.String(length=64), nullable=False),
        sa.Column("narrative_b", sa.String(length=64), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "source_id", "language", "narrative_a", "narrative_b"),
    )
    # Backfill from the stored tags with the rebuild's own aggregation (one statement).
    from models.rollups import cooccurrence_select, stance_rollup_select

    stance_columns = ["day", "narrative_id", "source_id", "language", "stance"]
    stance_columns += ["articles", "unique_stories"]
    pair_columns = ["day", "source_id", "language", "narrative_a", "narrative_b", "articles"]
    for name, columns, select_rows in (
        ("daily_stance_rollups", stance_columns, stance_rollup_select),
        ("daily_cooccurrence", pair_columns, cooccurrence_select),
    ):
        table = sa.table(name, *(sa.column(c) for c in columns))
        op.execute(table.insert().from_select(columns, select_rows(date.min, date.max)))

def downgrade() -> None:
    op.drop_table("daily_cooccurrence")
    with op.batch_alter_table("daily_stance_rollups", schema=None) as batch_op:
        batch_op.drop_index("ix_stance_rollups_narrative_day")
    op.drop_table("daily_stance_rollups")

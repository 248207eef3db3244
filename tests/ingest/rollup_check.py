"""Rollup comparison shared by the ingest tests: stored rollups must equal a rebuild."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import DailyRollup, DailyTotal


def rollup_rows(session: Session) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every rollup and daily-total row, sorted."""
    rollups = sorted(
        tuple(r)
        for r in session.execute(
            select(
                DailyRollup.day,
                DailyRollup.narrative_id,
                DailyRollup.source_id,
                DailyRollup.language,
                DailyRollup.articles,
                DailyRollup.unique_stories,
            )
        )
    )
    totals = sorted(
        tuple(r)
        for r in session.execute(
            select(
                DailyTotal.day,
                DailyTotal.source_id,
                DailyTotal.language,
                DailyTotal.articles,
                DailyTotal.relevant,
                DailyTotal.unique_stories,
            )
        )
    )
    return rollups, totals

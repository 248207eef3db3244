"""Rollup comparison shared by the ingest tests: stored rollups must equal a rebuild."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import DailyRollup, DailyTotal

Rows = list[tuple[object, ...]]


def _sorted_rows(session: Session, *columns: Any) -> Rows:
    return sorted(tuple(r) for r in session.execute(select(*columns)))


def rollup_rows(session: Session) -> tuple[Rows, Rows]:
    """Every rollup and daily-total row, sorted."""
    rollups = _sorted_rows(
        session,
        DailyRollup.day,
        DailyRollup.narrative_id,
        DailyRollup.source_id,
        DailyRollup.language,
        DailyRollup.articles,
        DailyRollup.unique_stories,
    )
    totals = _sorted_rows(
        session,
        DailyTotal.day,
        DailyTotal.source_id,
        DailyTotal.language,
        DailyTotal.articles,
        DailyTotal.relevant,
        DailyTotal.unique_stories,
    )
    return rollups, totals

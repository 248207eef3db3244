"""The Trends page's rows: daily narrative counts, totals and stance counts from the rollups.

Week and month buckets, shares, baselines and spikes are computed from these rows by the
pure functions of ``dashboards/stats/``; the SQL stays portable between SQLite and
PostgreSQL.

Unique stories: the rollups count distinct ``story_id`` per day x source x language, so a
sum over outlets or days counts a story once per outlet and day it appeared in. Charts
call that figure "unique stories (per outlet-day)": copies *within* one outlet on one day
are collapsed, syndication *across* outlets is not.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.dashboard.filters import DashboardFilter, narrative_scope, narrative_table, scope
from models.schema import DailyStanceRollup, DailyTotal


class TrendRows(NamedTuple):
    """The daily rows a trend is built from (each a list of plain tuples)."""

    counts: list[tuple[date, str, int, int]]  # day, narrative_id, articles, unique stories
    totals: list[tuple[date, int, int, int]]  # day, articles, relevant, unique stories
    stances: list[tuple[date, str, str, int]]  # day, narrative_id, stance, articles


def daily_narrative_rows(
    session: Session, flt: DashboardFilter
) -> list[tuple[date, str, int, int]]:
    """(day, narrative_id, articles, unique_stories) under the filter."""
    table = narrative_table(flt)
    stmt = select(
        table.day,
        table.narrative_id,
        func.sum(table.articles),
        func.sum(table.unique_stories),
    ).group_by(table.day, table.narrative_id)
    stmt = narrative_scope(stmt, table, flt)
    if flt.narratives:
        stmt = stmt.where(table.narrative_id.in_(flt.narratives))
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in session.execute(stmt)]


def daily_stance_rows(session: Session, flt: DashboardFilter) -> list[tuple[date, str, str, int]]:
    """(day, narrative_id, stance, articles) under the filter, from the stance rollup."""
    table = DailyStanceRollup
    stmt = select(table.day, table.narrative_id, table.stance, func.sum(table.articles)).group_by(
        table.day, table.narrative_id, table.stance
    )
    stmt = narrative_scope(stmt, table, flt)
    if flt.narratives:
        stmt = stmt.where(table.narrative_id.in_(flt.narratives))
    return [(r[0], r[1], r[2], int(r[3])) for r in session.execute(stmt)]


def daily_total_rows(session: Session, flt: DashboardFilter) -> list[tuple[date, int, int, int]]:
    """(day, articles, relevant, unique_stories) of all monitored coverage under the filter
    (the narrative and stance selections do not narrow it)."""
    stmt = select(
        DailyTotal.day,
        func.sum(DailyTotal.articles),
        func.sum(DailyTotal.relevant),
        func.sum(DailyTotal.unique_stories),
    ).group_by(DailyTotal.day)
    return [
        (r[0], int(r[1]), int(r[2]), int(r[3]))
        for r in session.execute(scope(stmt, DailyTotal, flt))
    ]


def trend_rows(session: Session, flt: DashboardFilter) -> TrendRows:
    """The three daily row sets of a trend under ``flt``."""
    return TrendRows(
        daily_narrative_rows(session, flt),
        daily_total_rows(session, flt),
        daily_stance_rows(session, flt),
    )


def daily_narrative_counts(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """Articles and unique stories per day x narrative, from ``daily_rollups``."""
    return pd.DataFrame(
        daily_narrative_rows(session, flt),
        columns=["day", "narrative_id", "articles", "unique_stories"],
    ).astype({"articles": "int64", "unique_stories": "int64"})


def daily_totals(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """All monitored articles (the share denominator) per day, from ``daily_totals``.

    The narrative selection does not narrow it: shares are of *all* monitored coverage.
    """
    return pd.DataFrame(
        daily_total_rows(session, flt),
        columns=["day", "total_articles", "relevant", "total_unique"],
    ).astype({"total_articles": "int64", "relevant": "int64", "total_unique": "int64"})

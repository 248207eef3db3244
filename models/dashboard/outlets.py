"""The Outlets page's volume rows: articles per outlet per day.

The page's feed-health table is not here: it is the one feed-health rule
(``models.feed_health`` rows judged by ``quality.health``) that ``narrmon health`` and the
DAG use.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.dashboard.filters import DashboardFilter, scope
from models.schema import DailyTotal, Source


def outlet_daily(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """Articles and relevant articles per outlet per day, from ``daily_totals``."""
    stmt = (
        select(
            DailyTotal.day,
            Source.name.label("outlet"),
            func.sum(DailyTotal.articles).label("articles"),
            func.sum(DailyTotal.relevant).label("relevant"),
        )
        .join(Source, Source.id == DailyTotal.source_id)
        .group_by(DailyTotal.day, Source.name)
    )
    rows = session.execute(scope(stmt, DailyTotal, flt)).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["day", "outlet", "articles", "relevant"]
    )
    if not frame.empty:
        frame["day"] = pd.to_datetime(frame["day"])
    return frame.astype({"articles": "int64", "relevant": "int64"})

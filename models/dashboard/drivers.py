"""The rows behind "which outlets drove the change": per outlet, a narrative's articles in
one period and in the baseline periods before it (the ranking is
``dashboards.stats.now_vs_usual.rank_drivers``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.dashboard.filters import DashboardFilter, narrative_scope, narrative_table
from models.schema import Source


def outlet_period_counts(
    session: Session,
    flt: DashboardFilter,
    narrative_ids: tuple[str, ...],
    first: date,
    period: date,
    last: date,
) -> pd.DataFrame:
    """Per narrative x outlet: articles from ``period`` to ``last`` (``current``) and from
    ``first`` to the day before ``period`` (``before``), under the filter otherwise.

    Columns ``narrative_id, outlet, current, before``.
    """
    table = narrative_table(flt)
    stmt = (
        select(
            table.narrative_id,
            Source.name,
            func.sum(case((table.day >= period, table.articles), else_=0)),
            func.sum(case((table.day < period, table.articles), else_=0)),
        )
        .join(Source, Source.id == table.source_id)
        .where(table.narrative_id.in_(narrative_ids))
        .group_by(table.narrative_id, Source.name)
    )
    rows = session.execute(narrative_scope(stmt, table, replace(flt, since=first, until=last)))
    return pd.DataFrame(
        [tuple(r) for r in rows], columns=["narrative_id", "outlet", "current", "before"]
    )

"""Compare mode's rows: one narrative's daily articles per group (media type, outlet,
country, language) and each group's monitored articles, so every group can be normalised
by its own volume (``dashboards.stats.compare``)."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.dashboard.filters import DashboardFilter, narrative_scope, narrative_table, scope
from models.schema import DailyTotal, Source

CompareBy = Literal["media_type", "source", "country", "language"]


def _group_key(by: CompareBy, table: Any) -> Any:
    if by == "media_type":
        return Source.media_type
    if by == "source":
        return Source.name
    if by == "country":
        return Source.country
    if by == "language":
        return table.language
    raise ValueError(f"unknown comparison {by!r}")


def compare_rows(
    session: Session, narrative_id: str, flt: DashboardFilter, by: CompareBy
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per day x group: the narrative's articles (under the stance filter) and all the
    group's monitored articles. Frames ``day, group, articles`` and
    ``day, group, total_articles``."""
    table = narrative_table(flt)
    key = _group_key(by, table)
    counted = (
        select(table.day, key.label("group"), func.sum(table.articles))
        .join(Source, Source.id == table.source_id)
        .where(table.narrative_id == narrative_id)
        .group_by(table.day, key)
    )
    rows = session.execute(narrative_scope(counted, table, flt)).all()
    total_key = _group_key(by, DailyTotal)
    totals = (
        select(DailyTotal.day, total_key.label("group"), func.sum(DailyTotal.articles))
        .join(Source, Source.id == DailyTotal.source_id)
        .group_by(DailyTotal.day, total_key)
    )
    total_rows = session.execute(scope(totals, DailyTotal, flt)).all()
    num = pd.DataFrame([tuple(r) for r in rows], columns=["day", "group", "articles"])
    den = pd.DataFrame([tuple(r) for r in total_rows], columns=["day", "group", "total_articles"])
    return num, den

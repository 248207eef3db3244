"""Compare mode: one narrative's share per group (media type, outlet, country, language),
each group normalised by its own monitored volume, so groups of different size share one
axis.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.queries import (
    DashboardFilter,
    Grain,
    _narrative_scope,
    _narrative_table,
    _scope,
    bucket,
)
from models.schema import DailyTotal, Source

CompareBy = Literal["media_type", "source", "country", "language"]
COMPARE_COLUMNS = ("period", "group", "articles", "total_articles", "share")


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


def compare_frame(
    session: Session, narrative_id: str, flt: DashboardFilter, by: CompareBy, grain: Grain
) -> pd.DataFrame:
    """Per period x group: the narrative's articles, the group's monitored articles, share.

    ``share`` = the group's articles carrying the narrative (under the stance filter) /
    all the group's monitored articles in the period, so it lies in [0, 1] and a small
    outlet group is not drowned by a large one. Columns COMPARE_COLUMNS.
    """
    table = _narrative_table(flt)
    key = _group_key(by, table)
    counted = (
        select(table.day, key.label("group"), func.sum(table.articles))
        .join(Source, Source.id == table.source_id)
        .where(table.narrative_id == narrative_id)
        .group_by(table.day, key)
    )
    rows = session.execute(_narrative_scope(counted, table, flt)).all()
    total_key = _group_key(by, DailyTotal)
    totals = (
        select(DailyTotal.day, total_key.label("group"), func.sum(DailyTotal.articles))
        .join(Source, Source.id == DailyTotal.source_id)
        .group_by(DailyTotal.day, total_key)
    )
    total_rows = session.execute(_scope(totals, DailyTotal, flt)).all()
    if not total_rows:
        return pd.DataFrame(columns=list(COMPARE_COLUMNS))
    num = pd.DataFrame([tuple(r) for r in rows], columns=["day", "group", "articles"])
    den = pd.DataFrame([tuple(r) for r in total_rows], columns=["day", "group", "total_articles"])
    num["period"] = (
        bucket(num["day"], grain) if not num.empty else pd.Series(dtype="datetime64[ns]")
    )
    den["period"] = bucket(den["day"], grain)
    den_sum = den.groupby(["period", "group"], as_index=False)[["total_articles"]].sum()
    num_sum = num.groupby(["period", "group"], as_index=False)[["articles"]].sum()
    out = den_sum.merge(num_sum, on=["period", "group"], how="left").fillna({"articles": 0})
    out = out.astype({"articles": "int64", "total_articles": "int64"})
    out["share"] = (
        out["articles"] / out["total_articles"].where(out["total_articles"] > 0)
    ).fillna(0.0)
    return out[list(COMPARE_COLUMNS)].sort_values(["group", "period"], ignore_index=True)

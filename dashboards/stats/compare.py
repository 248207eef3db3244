"""Compare mode: each group's share of its own monitored volume per period, so groups of
different size share one axis. Pure functions over ``models.dashboard.compare`` rows."""

from __future__ import annotations

import pandas as pd

from dashboards.stats.periods import bucket
from models.dashboard.filters import Grain

COMPARE_COLUMNS = ("period", "group", "articles", "total_articles", "share")


def compare_shares(num: pd.DataFrame, den: pd.DataFrame, grain: Grain) -> pd.DataFrame:
    """Per period x group: the narrative's articles, the group's monitored articles, share.

    ``num`` is ``day, group, articles``; ``den`` is ``day, group, total_articles``.
    ``share`` = the group's articles carrying the narrative / all the group's monitored
    articles in the period, so it lies in [0, 1] and a small outlet group is not drowned by
    a large one. Columns COMPARE_COLUMNS, sorted by group and period.
    """
    if den.empty:
        return pd.DataFrame(columns=list(COMPARE_COLUMNS))
    num = num.assign(
        period=bucket(num["day"], grain) if not num.empty else pd.Series(dtype="datetime64[ns]")
    )
    den = den.assign(period=bucket(den["day"], grain))
    den_sum = den.groupby(["period", "group"], as_index=False)[["total_articles"]].sum()
    num_sum = num.groupby(["period", "group"], as_index=False)[["articles"]].sum()
    out = den_sum.merge(num_sum, on=["period", "group"], how="left").fillna({"articles": 0})
    out = out.astype({"articles": "int64", "total_articles": "int64"})
    out["share"] = (
        out["articles"] / out["total_articles"].where(out["total_articles"] > 0)
    ).fillna(0.0)
    return out[list(COMPARE_COLUMNS)].sort_values(["group", "period"], ignore_index=True)

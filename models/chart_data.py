"""The data behind a chart, in one layout for every chart: a CSV an analyst can rebuild
the chart from (period, group, numerator, denominator, share, baseline)."""

from __future__ import annotations

import pandas as pd

CHART_COLUMNS = ("period", "group", "numerator", "denominator", "share", "baseline")


def chart_table(
    frame: pd.DataFrame,
    *,
    group: str,
    numerator: str = "articles",
    denominator: str | None = "total_articles",
    share: str | None = "share",
    baseline: str | None = None,
    period: str = "period",
) -> pd.DataFrame:
    """``frame``'s columns renamed to CHART_COLUMNS (None or absent ones left empty)."""
    out = pd.DataFrame(
        {
            "period": frame.get(period, pd.NA),
            "group": frame[group],
            "numerator": frame[numerator],
            "denominator": frame[denominator] if denominator else pd.NA,
            "share": frame[share] if share else pd.NA,
            "baseline": frame[baseline] if baseline else pd.NA,
        }
    )
    if pd.api.types.is_datetime64_any_dtype(out["period"]):
        out["period"] = out["period"].dt.strftime("%Y-%m-%d")
    return out.reset_index(drop=True)


def to_csv(table: pd.DataFrame) -> bytes:
    """The chart table as UTF-8 CSV bytes (shares as fractions, periods as ISO dates)."""
    return table.to_csv(index=False).encode("utf-8")

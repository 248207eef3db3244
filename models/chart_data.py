"""The data behind a chart, in one layout for every chart: a CSV an analyst can rebuild
the chart from (period, group, numerator, denominator, share, baseline)."""

from __future__ import annotations

from typing import Any

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


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: text starting with = + - @ (a title
    from the web, an outlet name) would otherwise run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(table: pd.DataFrame) -> bytes:
    """The chart table as UTF-8 CSV bytes (shares as fractions, periods as ISO dates; text
    cells formula-safe)."""
    text_columns = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    safe = table.assign(**{c: table[c].map(safe_cell) for c in text_columns})
    return safe.to_csv(index=False).encode("utf-8")

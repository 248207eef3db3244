"""The data behind a chart, in one layout for every chart: a CSV an analyst can rebuild
the chart from (period, group, numerator, denominator, share, baseline); the period lines'
frames map onto it directly, the copies bars and the co-occurrence matrix through their
own table builders."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from models.csv_cells import safe_cell

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
    """The chart table as UTF-8 CSV bytes (shares as fractions, periods as ISO dates; text
    cells formula-safe)."""
    text_columns = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    safe = table.assign(**{c: table[c].map(safe_cell) for c in text_columns})
    return safe.to_csv(index=False).encode("utf-8")


def copies_table(copies: pd.DataFrame) -> pd.DataFrame:
    """The copies chart's data: per narrative, unique stories (numerator) of all copies
    (denominator); ``copies`` has ``label, articles, unique_stories``."""
    share = copies["unique_stories"] / copies["articles"].where(copies["articles"] > 0)
    return chart_table(
        copies.assign(share=share),
        group="label",
        numerator="unique_stories",
        denominator="articles",
    )


def matrix_table(matrix: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The co-occurrence matrix's data: per ordered pair "A + B", articles carrying both
    (numerator) of those carrying A (denominator); ``matrix`` has ``narrative_a,
    narrative_b, both, articles_a, share``."""
    pair = (
        matrix["narrative_a"].map(lambda n: labels.get(n, n))
        + " + "
        + matrix["narrative_b"].map(lambda n: labels.get(n, n))
    )
    return chart_table(
        matrix.assign(pair=pair),
        group="pair",
        numerator="both",
        denominator="articles_a",
        share="share",
    )

"""The data behind the charts that are not period lines (copies bars, co-occurrence
matrix), in the one chart layout of ``models.chart_data`` (period, group, numerator,
denominator, share, baseline)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from models import chart_data


def copies_table(copies: pd.DataFrame) -> pd.DataFrame:
    """The copies chart's data: per narrative, unique stories (numerator) of all copies
    (denominator); ``copies`` has ``label, articles, unique_stories``."""
    share = copies["unique_stories"] / copies["articles"].where(copies["articles"] > 0)
    return chart_data.chart_table(
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
    return chart_data.chart_table(
        matrix.assign(pair=pair),
        group="pair",
        numerator="both",
        denominator="articles_a",
        share="share",
    )

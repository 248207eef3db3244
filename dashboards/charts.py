"""Drawing a chart on a page: the figure with readable text, and the data behind it as a
CSV download in the one chart layout (``dashboards.stats.chart_data``)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import palette
from dashboards.stats import chart_data


def csv_button(table: pd.DataFrame, name: str, key: str) -> None:
    """A download of the data behind a chart, in the one chart layout
    (``dashboards.stats.chart_data.CHART_COLUMNS``: period, group, numerator, denominator, share,
    baseline), text cells formula-safe."""
    st.download_button(
        "Data behind this chart (CSV)",
        data=chart_data.to_csv(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
    )


def show_chart(fig: Any, key: str) -> None:
    """Draw a Plotly figure with every text readable (``palette.readable``)."""
    st.plotly_chart(palette.readable(fig), key=key)

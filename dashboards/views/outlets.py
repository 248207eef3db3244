"""Outlets and feed health: articles per outlet per day, last success, quarantine share."""

from __future__ import annotations

import shlex

import plotly.express as px
import streamlit as st

from dashboards import charts, common
from dashboards.stats import chart_data


def main() -> None:
    """Draw the Outlets and feed health page."""
    st.title("Outlets and feed health")
    url = common.database_url()
    docs = common.data_dir() / "quality" / "docs"
    if (docs / "index.html").is_file():
        st.markdown(
            "Quality checks: the Data Docs are a static site; serve them over HTTP with "
            "the command below and open http://localhost:8502/ (browsers do not open local "
            "files from a web page)."
        )
        st.code(f"python -m http.server 8502 -d {shlex.quote(str(docs.resolve()))}", "bash")
    else:
        st.caption("Quality Data Docs appear here after the first `narrmon run`.")
    if not common.ready(url):
        return
    flt = common.current_filter()

    st.subheader("Articles per outlet per day")
    daily = common.outlet_daily(url, flt)
    if daily.empty:
        common.nothing_matches()
    else:
        fig = px.density_heatmap(
            daily,
            x="day",
            y="outlet",
            z="articles",
            histfunc="sum",
            nbinsx=max(1, daily["day"].nunique()),
            color_continuous_scale="Blues",
            labels={"day": "", "outlet": "", "articles": "articles"},
        )
        fig.update_layout(height=max(300, 22 * daily["outlet"].nunique() + 120), margin={"t": 10})
        charts.show_chart(fig, "outlet_heatmap")
        charts.csv_button(
            chart_data.chart_table(
                daily, period="day", group="outlet", denominator=None, share=None
            ),
            "articles-per-outlet-per-day",
            "outlet_heatmap_csv",
        )

    st.subheader("Feed health")
    health = common.feed_health(url, flt)
    if health.empty:
        st.info("No outlets match the current filters.")
        return
    st.dataframe(
        health.drop(columns=["quarantined"], errors="ignore"),
        hide_index=True,
        column_config={
            "last_success": st.column_config.DatetimeColumn("last success (UTC)"),
            "quarantine_share": st.column_config.ProgressColumn(
                "quarantine share (narrmon health)",
                format="percent",
                min_value=0.0,
                max_value=1.0,
            ),
            "last_error": st.column_config.TextColumn("last error", width="medium"),
            "problems": st.column_config.TextColumn("problems (narrmon health)", width="large"),
        },
        key="feed_health",
    )
    st.caption(
        "Every column follows `narrmon health` exactly (last successful crawl, failing "
        "feeds, stale feeds, yield against the source's own baseline, items quarantined and "
        "still pending / (those + stored articles) over its window), as of now (UTC). "
        "Articles: stored articles for days in the date range."
    )


main()

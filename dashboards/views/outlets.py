"""Outlets and feed health: articles per outlet per day, last success, quarantine share."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboards import common, safe


def main() -> None:
    """Draw the Outlets and feed health page."""
    st.title("Outlets and feed health")
    url = common.database_url()
    docs = common.data_dir() / "quality" / "docs" / "index.html"
    if docs.is_file():
        st.markdown(
            f"Quality checks: [open the Data Docs]({docs.resolve().as_uri()}) "
            f"(a local file: {safe.md_text(docs.resolve())})"
        )
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
        st.plotly_chart(fig, key="outlet_heatmap")

    st.subheader("Feed health")
    health = common.feed_health(url, flt)
    if health.empty:
        st.info("No outlets match the current filters.")
        return
    st.dataframe(
        health,
        hide_index=True,
        column_config={
            "last_success": st.column_config.DatetimeColumn("last success (UTC)"),
            "quarantine_share": st.column_config.ProgressColumn(
                "quarantine share", format="percent", min_value=0.0, max_value=1.0
            ),
            "last_error": st.column_config.TextColumn("last error", width="medium"),
        },
        key="feed_health",
    )
    st.caption(
        "Last success: the latest crawl run that finished ok, or the latest feed fetched ok. "
        "Quarantine share: items quarantined in the date range / (quarantined + stored "
        "articles); without a date range, the last 30 days."
    )


main()

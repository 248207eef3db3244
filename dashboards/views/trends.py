"""Trends: each narrative's frequency over time, as counts and as share of all coverage."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboards import common
from models import queries

MEASURES = {
    "share": "Share of all monitored articles",
    "articles": "Articles (all copies)",
    "unique_stories": "Unique stories (per outlet-day)",
}
AXIS = {
    "share": "share of monitored articles",
    "articles": "articles",
    "unique_stories": "unique stories",
}


# Warm hues for Kremlin-side narratives, cool hues for counter-narratives, so the two
# camps read apart at a glance (five of each: the taxonomy has five and four).
KREMLIN_COLOURS = ("#c0392b", "#e67e22", "#a04000", "#d35400", "#884ea0")
COUNTER_COLOURS = ("#2471a3", "#17a589", "#1f618d", "#48c9b0", "#5d6d7e")


def side_colours(frame: pd.DataFrame) -> dict[str, str]:
    """A colour per narrative label: warm for Kremlin-side, cool for counter-narratives."""
    pairs = frame[["label", "side"]].drop_duplicates().sort_values("label")
    colours: dict[str, str] = {}
    warm = cool = 0
    for label, side in pairs.itertuples(index=False):
        if side == "kremlin":
            colours[label] = KREMLIN_COLOURS[warm % len(KREMLIN_COLOURS)]
            warm += 1
        else:
            colours[label] = COUNTER_COLOURS[cool % len(COUNTER_COLOURS)]
            cool += 1
    return colours


def trend_chart(frame: pd.DataFrame, measure: str) -> go.Figure:
    """Lines per narrative, spikes marked with red diamonds."""
    fig = px.line(
        frame,
        x="period",
        y=measure,
        color="label",
        color_discrete_map=side_colours(frame),
        labels={"period": "", measure: AXIS[measure], "label": "Narrative"},
        hover_data={"articles": True, "total_articles": True, "share": ":.2%"},
    )
    spikes = frame[frame["spike"]]
    if not spikes.empty:
        fig.add_trace(
            go.Scatter(
                x=spikes["period"],
                y=spikes[measure],
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": "crimson"},
                name="spike vs rolling baseline",
                hovertext=spikes["label"],
            )
        )
    if measure == "share":
        fig.update_yaxes(tickformat=".0%")
    fig.update_layout(
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.12},
        height=520,
        margin={"t": 10},
    )
    return fig


def main() -> None:
    """Draw the Trends page."""
    st.title("Narrative trends")
    url = common.database_url()
    if not common.ready(url):
        return
    flt = common.current_filter()
    left, right = st.columns([1, 2])
    grain = left.radio(
        "Period",
        queries.GRAINS,
        index=1,  # weeks: daily lines of nine narratives are hard to read
        horizontal=True,
        key="trend_grain",
        format_func=str.title,
    )
    measure = right.radio(
        "Measure",
        list(MEASURES),
        format_func=MEASURES.__getitem__,
        horizontal=True,
        key="trend_measure",
    )
    frame = common.trend(url, flt, grain)
    if frame.empty or int(frame["total_articles"].sum()) == 0:
        common.nothing_matches()
        return

    st.plotly_chart(trend_chart(frame, measure), key="trend_chart")
    window = queries.BASELINE_WINDOW[grain]
    st.caption(
        "Share = the narrative's articles / all monitored articles in the same period and "
        "filter, so a busy news week does not look like a surge. Red diamonds: the share "
        f"is more than {queries.SPIKE_Z:g} standard deviations and "
        f"{queries.SPIKE_MIN_RATIO:g}x above its mean over the previous {window} "
        f"{grain}s (and at least {queries.SPIKE_MIN_ARTICLES} articles). Unique stories are "
        "counted per outlet and day: copies within one outlet on one day count once, a story "
        "syndicated by several outlets counts once per outlet."
    )

    totals = frame.groupby("label", as_index=False)[["articles", "unique_stories"]].sum()
    cols = st.columns(3)
    cols[0].metric(
        "Monitored articles", f"{int(frame.groupby('period')['total_articles'].first().sum()):,}"
    )
    cols[1].metric("Narrative mentions", f"{int(totals['articles'].sum()):,}")
    cols[2].metric("Spikes marked", f"{int(frame['spike'].sum()):,}")

    st.subheader("Kremlin-side vs counter-narratives")
    sides = queries.side_frame(frame)
    side_measure = "share" if measure == "share" else "articles"
    fig = px.line(
        sides,
        x="period",
        y=side_measure,
        color="side",
        color_discrete_map={"Kremlin-side": "#c0392b", "Counter-narrative": "#2471a3"},
        labels={
            "period": "",
            side_measure: "mentions"
            if side_measure == "articles"
            else "mentions per monitored article",
            "side": "",
        },
    )
    if side_measure == "share":
        fig.update_yaxes(tickformat=".0%")
    fig.update_layout(
        height=340,
        margin={"t": 10},
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.15},
    )
    st.plotly_chart(fig, key="side_chart")
    st.caption(
        "Mentions: an article carrying two Kremlin-side narratives counts twice on that side."
    )

    st.subheader("Unique stories vs all copies")
    copies = queries.copies_vs_stories(frame)
    bars = copies.melt(
        id_vars=["label"], value_vars=["articles", "unique_stories"], var_name="count"
    ).replace({"articles": "all copies", "unique_stories": "unique stories (per outlet-day)"})
    fig = px.bar(
        bars,
        x="label",
        y="value",
        color="count",
        barmode="group",
        labels={"label": "", "value": "", "count": ""},
    )
    fig.update_layout(height=340, margin={"t": 10})
    st.plotly_chart(fig, key="copies_chart")
    st.dataframe(
        copies.rename(
            columns={
                "narrative_id": "id",
                "label": "narrative",
                "articles": "all copies",
                "unique_stories": "unique stories",
                "copies_per_story": "copies per story",
            }
        ),
        hide_index=True,
        key="copies_table",
    )

    spikes = frame[frame["spike"]]
    if not spikes.empty:
        st.subheader("Spikes")
        st.dataframe(
            spikes[["period", "label", "articles", "share", "baseline"]]
            .sort_values("period", ascending=False)
            .rename(columns={"label": "narrative", "baseline": "baseline share"}),
            hide_index=True,
            column_config={
                "share": st.column_config.NumberColumn(format="percent"),
                "baseline share": st.column_config.NumberColumn(format="percent"),
            },
            key="spike_table",
        )


main()

"""Trends: each narrative's frequency over time, now vs usual, stance split and sides."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboards import charts, common, palette, safe
from dashboards.stats import chart_data, now_vs_usual
from dashboards.stats.chart_data import copies_table
from dashboards.stats.spikes import BASELINE_WINDOW, SPIKE_MIN_ARTICLES, SPIKE_MIN_RATIO, SPIKE_Z
from dashboards.stats.trend import (
    SIDE_LABELS,
    STANCE_LABELS,
    copies_vs_stories,
    side_frame,
    stance_split,
)
from models.dashboard import compare
from models.dashboard.filters import STANCES, DashboardFilter, Grain

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
LAYOUTS = {"multiples": "Small multiples", "overlay": "One chart"}
PERIOD_AXIS = {"day": "Day (UTC)", "week": "Week starting Monday (UTC)", "month": "Month (UTC)"}
HOVER_DATE = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y"}
# Small multiples: three across keeps each panel wide enough to read a year of weeks.
MULTIPLES_PER_ROW = 3


def _value_format(measure: str) -> str:
    return "%{y:.1%}" if measure == "share" else "%{y:,}"


def trend_chart(frame: pd.DataFrame, measure: str, grain: str, layout: str) -> go.Figure:
    """A line per narrative in its fixed colour and dash; spikes as diamonds.

    ``layout`` "multiples" gives one small panel per narrative on a shared y-axis, so
    nine lines never tangle; "overlay" draws them on one chart.
    """
    ids = list(dict.fromkeys(frame["narrative_id"]))
    rows = -(-len(ids) // MULTIPLES_PER_ROW) if layout == "multiples" else 1
    cols = min(MULTIPLES_PER_ROW, len(ids)) if layout == "multiples" else 1
    labels = [str(frame.loc[frame["narrative_id"] == i, "label"].iloc[0]) for i in ids]
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=labels if layout == "multiples" else None,
        vertical_spacing=0.08 if rows > 1 else 0.0,
    )
    hover = (
        f"%{{fullData.name}}<br>%{{x|{HOVER_DATE[grain]}}}: {_value_format(measure)}"
        "<br>%{customdata[0]:,} of %{customdata[1]:,} monitored articles<extra></extra>"
    )
    for k, (narrative_id, label) in enumerate(zip(ids, labels, strict=True)):
        part = frame[frame["narrative_id"] == narrative_id]
        colour, dash = palette.narrative_style(narrative_id, k)
        row, col = (k // cols + 1, k % cols + 1) if layout == "multiples" else (1, 1)
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part[measure],
                name=label,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 2},
                customdata=part[["articles", "total_articles"]].to_numpy(),
                hovertemplate=hover,
                showlegend=True,  # the legend maps colours and dashes in both layouts
            ),
            row=row,
            col=col,
        )
        spikes = part[part["spike"]]
        if not spikes.empty:
            fig.add_trace(
                go.Scatter(
                    x=spikes["period"],
                    y=spikes[measure],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 10, "color": "#000000"},
                    name="spike vs rolling baseline",
                    legendgroup="spike",
                    showlegend=False,
                    hovertemplate=f"{label}: spike<extra></extra>",
                ),
                row=row,
                col=col,
            )
    fig.update_yaxes(rangemode="tozero", tickformat=".0%" if measure == "share" else ",")
    fig.update_xaxes(tickformat="%d %b %Y" if grain != "month" else "%b %Y")
    fig.update_layout(
        height=260 * rows if layout == "multiples" else 520,
        margin={"t": 30},
        font={"color": palette.TEXT_COLOUR},
        yaxis_title=AXIS[measure],
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.12},
    )
    return fig


def side_chart(sides: pd.DataFrame, measure: str, grain: str) -> go.Figure:
    """Kremlin-side vs counter: what articles advance (promote), per period."""
    fig = go.Figure()
    for side, part in sides.groupby("side"):
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part[measure],
                name=str(side),
                mode="lines",
                line={
                    "color": palette.SIDE_COLOURS.get(str(side), "#333333"),
                    "dash": palette.SIDE_DASHES.get(str(side), "solid"),
                },
                hovertemplate=f"%{{fullData.name}}<br>%{{x|{HOVER_DATE[grain]}}}: "
                f"{_value_format(measure)}<extra></extra>",
            )
        )
    fig.update_yaxes(
        rangemode="tozero",
        tickformat=".0%" if measure == "share" else ",",
        title="promoting mentions per monitored article"
        if measure == "share"
        else "promoting mentions",
    )
    fig.update_layout(
        height=340,
        margin={"t": 10},
        font={"color": palette.TEXT_COLOUR},
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.15},
    )
    return fig


def stance_chart(split: pd.DataFrame) -> go.Figure:
    """Per narrative, a 100 % bar of promotes / reports / disputes."""
    fig = px.bar(
        split.assign(stance_label=split["stance"].map(STANCE_LABELS)),
        y="label",
        x="share",
        color="stance_label",
        orientation="h",
        color_discrete_map={STANCE_LABELS[s]: c for s, c in palette.STANCE_COLOURS.items()},
        category_orders={"stance_label": [STANCE_LABELS[s] for s in STANCES]},
        custom_data=["articles"],
        labels={"label": "", "share": "share of the narrative's articles", "stance_label": ""},
    )
    fig.update_traces(hovertemplate="%{y}: %{x:.0%} (%{customdata[0]:,} articles)<extra></extra>")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(
        height=60 + 34 * split["label"].nunique(),
        margin={"t": 10},
        font={"color": palette.TEXT_COLOUR},
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.2},
    )
    return fig


def now_table(url: str, frame: pd.DataFrame, flt: DashboardFilter, grain: Grain) -> None:
    """The now-vs-usual table: latest complete period, its band, change and drivers."""
    now = now_vs_usual.now_vs_usual(frame)
    if now.empty:
        st.info("No complete period in the selected range yet.")
        return
    period = pd.Timestamp(now["period"].iloc[0]).date()
    drivers = common.change_drivers(url, flt, period, grain, tuple(now["narrative_id"]))
    shown = now.assign(
        drivers=now["narrative_id"].map(drivers),
        band=[
            f"{lo:.1%} to {hi:.1%}" if pd.notna(lo) else "-"
            for lo, hi in zip(now["band_low"], now["band_high"], strict=True)
        ],
    )
    st.dataframe(
        shown[
            [
                "label",
                "status",
                "share",
                "baseline",
                "band",
                "change",
                "articles",
                "drivers",
                "in_progress_share",
            ]
        ].rename(
            columns={
                "label": "narrative",
                "share": f"share ({grain} of {period:%d %b %Y})",
                "baseline": "usual (mean)",
                "band": "usual band",
                "change": "change vs usual",
                "drivers": "outlets driving it",
                "in_progress_share": "current period so far (incomplete)",
            }
        ),
        hide_index=True,
        column_config={
            f"share ({grain} of {period:%d %b %Y})": st.column_config.NumberColumn(
                format="percent"
            ),
            "usual (mean)": st.column_config.NumberColumn(format="percent"),
            "change vs usual": st.column_config.NumberColumn(format="percent"),
            "current period so far (incomplete)": st.column_config.NumberColumn(format="percent"),
        },
        key="now_table",
    )
    window = BASELINE_WINDOW[grain]
    st.caption(
        f"Latest complete {grain}: {period:%d %b %Y} (UTC). Usual = mean share over the "
        f"previous {window} {grain}s, read from before the date filter when needed; band = "
        f"mean ± {now_vs_usual.BAND_SD:g} standard deviations. The current {grain} is still "
        "incomplete and is shown apart, never compared. Drivers: outlets with the largest "
        f"rise in articles over their own {window}-{grain} average."
    )


COMPARE_BY: dict[str, compare.CompareBy] = {
    "media_type": "media_type",
    "source": "source",
    "country": "country",
    "language": "language",
}
COMPARE_LABELS = {
    "media_type": "Media type",
    "source": "Outlet",
    "country": "Country",
    "language": "Language",
}


def compare_section(url: str, flt: DashboardFilter, grain: Grain) -> None:
    """One chart, one axis: a narrative's share of each group's own volume."""
    options = common.filter_options(url)
    labels = {n.id: n.label for n in options.narratives}
    choices = list(flt.narratives) or list(labels)
    common.choice("compare_by", list(COMPARE_BY), "media_type")
    common.choice("compare_narrative", choices, choices[0])
    left, right = st.columns(2)
    by = left.radio(
        "Compare by",
        list(COMPARE_BY),
        format_func=COMPARE_LABELS.__getitem__,
        horizontal=True,
        key="compare_by",
    )
    narrative_id = right.selectbox(
        "Narrative", choices, format_func=lambda i: labels.get(i, i), key="compare_narrative"
    )
    frame = common.compare(url, narrative_id, flt, COMPARE_BY[by], grain)
    if frame.empty:
        common.nothing_matches()
        return
    groups = common.every_group(options, by)
    fig = go.Figure()
    for group, part in frame.groupby("group"):
        colour, dash = palette.group_style(str(group), groups)
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part["share"],
                name=str(group),
                mode="lines",
                line={"color": colour, "dash": dash, "width": 2},
                customdata=part[["articles", "total_articles"]].to_numpy(),
                hovertemplate=f"%{{fullData.name}}<br>%{{x|{HOVER_DATE[grain]}}}: %{{y:.1%}}"
                "<br>%{customdata[0]:,} of %{customdata[1]:,} articles<extra></extra>",
            )
        )
    fig.update_yaxes(rangemode="tozero", tickformat=".0%", title="share of the group's articles")
    fig.update_xaxes(title=PERIOD_AXIS[grain])
    fig.update_layout(
        height=420,
        margin={"t": 10},
        font={"color": palette.TEXT_COLOUR},
        legend={"title_text": "", "orientation": "h", "yanchor": "top", "y": -0.18},
    )
    charts.show_chart(fig, "compare_chart")
    st.caption(
        f"Each line: the {COMPARE_LABELS[by].lower()}'s articles carrying "
        f"'{labels.get(narrative_id, narrative_id)}' / all its monitored articles in the "
        "period, so groups of different size share one axis (0-100 %)."
    )
    charts.csv_button(
        chart_data.chart_table(
            frame,
            group="group",
        ),
        f"compare-{narrative_id}-by-{by}",
        "compare_csv",
    )


def main() -> None:
    """Draw the Trends page."""
    st.title("Narrative trends")
    url = common.database_url()
    if not common.ready(url):
        return
    flt = common.current_filter()
    left, middle, right = st.columns([1, 2, 1])
    grain = common.grain_radio(left, "trend_grain")
    common.choice("trend_measure", list(MEASURES), "share")
    common.choice("trend_layout", list(LAYOUTS), "multiples")
    measure = middle.radio(
        "Measure",
        list(MEASURES),
        format_func=MEASURES.__getitem__,
        horizontal=True,
        key="trend_measure",
    )
    layout = right.radio(
        "Layout",
        list(LAYOUTS),
        format_func=LAYOUTS.__getitem__,
        horizontal=True,
        key="trend_layout",
    )
    frame = common.trend(url, flt, grain)
    if frame.empty or int(frame["total_articles"].sum()) == 0:
        common.nothing_matches()
        return

    st.subheader("Now vs usual")
    now_table(url, frame, flt, grain)

    st.subheader("Over time")
    charts.show_chart(trend_chart(frame, measure, grain, layout), "trend_chart")
    charts.csv_button(
        chart_data.chart_table(
            frame,
            group="label",
            baseline="baseline",
        ),
        f"trends-{grain}",
        "trend_csv",
    )
    stance_note = (
        f" Stances counted: {', '.join(STANCE_LABELS[s] for s in flt.stances)}."
        if flt.stances
        else " All stances counted (promotes, reports and disputes)."
    )
    st.caption(
        "Share = the narrative's articles / all monitored articles in the same period and "
        "filter, so a busy news week does not look like a surge; it lies between 0 and 100 %. "
        "Black diamonds: spikes, judged on weeks at every grain so day, week and month "
        f"mark the same waves: a week's share more than {SPIKE_Z:g} standard "
        f"deviations and {SPIKE_MIN_RATIO:g}x above its mean over the previous "
        f"{BASELINE_WINDOW['week']} weeks, with at least {SPIKE_MIN_ARTICLES} "
        "articles; at day grain the busiest day of a spiking week is marked, at month grain "
        "the month it starts in. Dates are UTC." + stance_note
    )

    definitions = [n for n in common.filter_options(url).narratives if n.definition]
    if definitions:
        with st.expander("What each narrative counts (taxonomy definitions)"):
            st.markdown(
                "\n".join(
                    f"- **{safe.md_text(n.label)}** "
                    f"({SIDE_LABELS.get(n.side, n.side)}): {safe.md_text(n.definition)}"
                    for n in definitions
                )
            )

    totals = frame.groupby("label", as_index=False)[["articles", "unique_stories"]].sum()
    cols = st.columns(3)
    cols[0].metric(
        "Monitored articles", f"{int(frame.groupby('period')['total_articles'].first().sum()):,}"
    )
    cols[1].metric("Narrative mentions", f"{int(totals['articles'].sum()):,}")
    cols[2].metric("Spikes marked", f"{int(frame['spike'].sum()):,}")

    st.subheader("Compare groups on one axis")
    compare_section(url, flt, grain)

    st.subheader("Stance: promoting, reporting or disputing")
    split = stance_split(frame)
    charts.show_chart(stance_chart(split), "stance_chart")
    charts.csv_button(
        chart_data.chart_table(
            split.assign(group=split["label"] + " / " + split["stance"]),
            group="group",
            denominator=None,
        ),
        "stance-split",
        "stance_csv",
    )
    st.caption(
        "Each bar is one narrative's tagged articles split by the tagger's stance: "
        "promotes (advances the claim), reports (relays it neutrally), disputes (rebuts it)."
    )

    st.subheader("Kremlin-side vs counter-narratives (what articles advance)")
    sides = side_frame(frame)
    side_measure = "share" if measure == "share" else "articles"
    charts.show_chart(side_chart(sides, side_measure, grain), "side_chart")
    charts.csv_button(
        chart_data.chart_table(
            sides,
            group="side",
        ),
        f"sides-{grain}",
        "side_csv",
    )
    st.caption(
        "Counting rule: a side counts the articles that *promote* one of its narratives. "
        "Articles that dispute (rebut) or merely report a claim are not counted on either "
        "side, so debunking outlets do not inflate the Kremlin-side line. An article "
        "promoting two narratives of one side counts twice (mentions)."
    )

    st.subheader("Unique stories vs all copies")
    copies = copies_vs_stories(frame)
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
        color_discrete_sequence=["#0072B2", "#E69F00"],
    )
    fig.update_layout(height=340, margin={"t": 10}, font={"color": palette.TEXT_COLOUR})
    charts.show_chart(fig, "copies_chart")
    charts.csv_button(copies_table(copies), "unique-stories-vs-copies", "copies_csv")
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
                "period": st.column_config.DateColumn("period start (UTC)", format="D MMM YYYY"),
                "share": st.column_config.NumberColumn(format="percent"),
                "baseline share": st.column_config.NumberColumn(format="percent"),
            },
            key="spike_table",
        )


main()

"""Narrative detail: one narrative by outlet, media type and language, and its evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboards import charts, common, palette, safe
from dashboards.stats import chart_data
from dashboards.stats.chart_data import matrix_table
from dashboards.stats.periods import next_period
from dashboards.stats.trend import SIDE_LABELS, STANCE_LABELS
from models.dashboard import evidence
from models.dashboard.catalogue import FilterOptions
from models.dashboard.detail import Dimension
from models.dashboard.filters import STANCES, DashboardFilter, Grain

DIMENSIONS: dict[str, Dimension] = {
    "Outlet": "source",
    "Media type": "media_type",
    "Language": "language",
    "Country": "country",
    "Stance": "stance",
}


def main() -> None:
    """Draw the Narrative detail page."""
    st.title("Narrative detail")
    url = common.database_url()
    if not common.ready(url):
        return
    flt = common.current_filter()
    options = common.filter_options(url)
    labels = {n.id: n.label for n in options.narratives}
    sides = {n.id: n.side for n in options.narratives}
    definitions = {n.id: n.definition for n in options.narratives}
    choices = list(flt.narratives) or list(labels)
    common.choice("detail_narrative", choices, choices[0])
    narrative_id = st.selectbox(
        "Narrative",
        choices,
        format_func=lambda i: labels.get(i, i),
        key="detail_narrative",
    )
    st.caption(
        f"{SIDE_LABELS.get(sides.get(narrative_id, ''), 'Unknown side')} narrative `{narrative_id}`"
    )
    if definitions.get(narrative_id):
        st.markdown(f"**What is counted:** {safe.md_text(definitions[narrative_id])}")

    left, right = st.columns(2)
    common.choice("detail_by", list(DIMENSIONS), "Outlet")
    dim_label = left.radio("Break down by", list(DIMENSIONS), horizontal=True, key="detail_by")
    grain = common.grain_radio(right, "detail_grain")
    by = DIMENSIONS[dim_label]
    frame = common.breakdown(url, narrative_id, flt, by, grain)
    if frame.empty:
        common.nothing_matches()
        return
    if by == "stance":
        colours = palette.STANCE_COLOURS
    else:  # fixed per outlet / media type / ...: the same colour on every view
        groups = common.every_group(options, by)
        colours = {str(g): palette.group_style(str(g), groups)[0] for g in frame[by].unique()}
    fig = px.bar(
        frame,
        x="period",
        y="articles",
        color=by,
        color_discrete_map=colours,
        category_orders={"stance": list(STANCES)} if by == "stance" else None,
        labels={"period": f"period start ({grain}, UTC)", "articles": "articles", by: dim_label},
    )
    fig.update_layout(height=420, margin={"t": 10}, bargap=0.1)
    charts.show_chart(fig, "detail_chart")
    charts.csv_button(
        chart_data.chart_table(frame, group=by, denominator=None, share=None),
        f"{narrative_id}-by-{by}-{grain}",
        "detail_csv",
    )

    left, right = st.columns(2)
    left.subheader("Top outlets, by stance")
    left.dataframe(
        common.top_outlets(url, narrative_id, flt),
        hide_index=True,
        column_config={
            "share_of_outlet": st.column_config.ProgressColumn(
                "share of outlet's articles", format="percent", min_value=0.0, max_value=1.0
            )
        },
        key="top_outlets",
    )
    left.caption(
        "promotes / reports / disputes: the outlet's articles by stance, so outlets that "
        "debunk the narrative are told apart from those that push it."
    )
    right.subheader("Co-occurring narratives")
    co = common.co_occurring(url, narrative_id, flt)
    right.caption(f"Of the {co.attrs.get('base', 0):,} articles carrying it, whatever the stance.")
    right.dataframe(
        co.drop(columns=["narrative_id"]),
        hide_index=True,
        column_config={
            "share": st.column_config.ProgressColumn(
                f"share of '{labels.get(narrative_id, narrative_id)}' articles",
                format="percent",
                min_value=0.0,
                max_value=1.0,
            )
        },
        key="co_occurring",
    )

    matrix_section(url, flt, labels)
    first_movers_section(url, narrative_id, flt, grain)
    evidence_workbench(url, narrative_id, flt, options)


def matrix_section(url: str, flt: DashboardFilter, labels: dict[str, str]) -> None:
    """The narrative x narrative co-occurrence matrix as a heatmap."""
    st.subheader("Co-occurrence matrix")
    matrix = common.cooccurrence_matrix(url, flt)
    if matrix.empty:
        st.info("No narrative carried under the current filters.")
        return
    order = [n for n in labels if n in set(matrix["narrative_a"])]
    wide = matrix.pivot(index="narrative_a", columns="narrative_b", values="share")
    wide = wide.reindex(index=order, columns=order).fillna(0.0)
    both = matrix.pivot(index="narrative_a", columns="narrative_b", values="both")
    both = both.reindex(index=order, columns=order).fillna(0)
    names = [labels.get(n, n) for n in order]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=names,
            y=names,
            customdata=both.to_numpy(),
            zmin=0,
            zmax=1,
            colorscale="Blues",
            colorbar={"title": "share", "tickformat": ".0%"},
            hovertemplate="%{customdata:,} of the '%{y}' articles (%{z:.0%}) also carry "
            "'%{x}'<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=160 + 40 * len(order), margin={"t": 10})
    charts.show_chart(fig, "cooccurrence_matrix")
    charts.csv_button(matrix_table(matrix, labels), "cooccurrence-matrix", "matrix_csv")
    st.caption(
        "Row A, column B: the share of A's articles that also carry B (the diagonal is "
        "100 %). Counted per article over the date and outlet filters, whatever the stance."
    )


def first_movers_section(url: str, narrative_id: str, flt: DashboardFilter, grain: Grain) -> None:
    """Per wave (a spike, or the latest period), which outlet carried it first."""
    st.subheader("First movers")
    trend = common.trend(url, replace(flt, narratives=(narrative_id,)), grain)
    if trend.empty:
        return
    spikes = [p.date() for p in trend.loc[trend["spike"], "period"]]
    latest = [p.date() for p in trend.loc[trend["articles"] > 0, "period"]][-1:]
    waves = sorted(set(spikes + latest), reverse=True)
    if not waves:
        st.info("No articles carry this narrative under the current filters.")
        return
    wave = st.selectbox(
        "Wave",
        waves,
        format_func=lambda p: f"{grain} of {p:%d %b %Y}" + (" (spike)" if p in spikes else ""),
        key="mover_wave",
    )
    end = next_period(wave, grain) - timedelta(days=1)
    movers = common.first_movers(url, narrative_id, flt, wave, end)
    st.dataframe(
        movers,
        hide_index=True,
        column_config={
            "first_seen": st.column_config.DatetimeColumn(
                "first article (UTC)", format="D MMM YYYY, HH:mm"
            ),
            "lag_hours": st.column_config.NumberColumn("lag behind the first (h)", format="%.1f"),
            "articles": st.column_config.NumberColumn("articles in the wave"),
        },
        key="first_movers",
    )
    st.caption(
        f"Waves: the {grain}s marked as spikes on Trends, and the latest {grain} with "
        "articles. First article: published time, else fetched time."
    )


def evidence_workbench(
    url: str, narrative_id: str, flt: DashboardFilter, options: FilterOptions
) -> None:
    """Evidence cards filtered by stance and outlet, paged with counts, with citations."""
    st.subheader("Evidence")
    names = {s.id: s.name for s in options.sources if not flt.sources or s.id in flt.sources}
    left, right = st.columns(2)
    for key, allowed in (("cards_stance", list(STANCES)), ("cards_outlet", list(names))):
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in allowed]
    stances = left.multiselect(
        "Stance of the cards",
        list(STANCES),
        format_func=lambda s: STANCE_LABELS.get(s, s),
        key="cards_stance",
        placeholder="Stances of the sidebar filter",
    )
    outlets = right.multiselect(
        "Outlets of the cards",
        list(names),
        format_func=lambda i: names.get(i, i),
        key="cards_outlet",
        placeholder="Outlets of the sidebar filter",
    )
    cards_flt = replace(
        flt,
        stances=tuple(stances) or flt.stances,
        sources=tuple(outlets) or flt.sources,
    )
    total = common.evidence_count(url, narrative_id, cards_flt)
    if not total:
        st.info("No articles carry this narrative under the current filters.")
        return
    pages = -(-total // evidence.PAGE_SIZE)
    page = 1
    if pages > 1:
        if int(st.session_state.get("cards_page", 1)) > pages:  # the filter narrowed
            st.session_state["cards_page"] = 1
        page = int(st.number_input("Page", min_value=1, max_value=pages, step=1, key="cards_page"))
    cards = common.evidence_page(url, narrative_id, cards_flt, page - 1)
    first = (page - 1) * evidence.PAGE_SIZE + 1
    st.caption(
        f"Articles {first:,}–{first + len(cards) - 1:,} of {total:,}, newest first "
        f"(page {page} of {pages}). Overlapping excerpts of one article are merged."
    )
    with st.expander(f"Copy citations of these {len(cards)} articles"):
        st.code("\n\n".join(c["citation"] for c in cards), language=None, wrap_lines=True)
    if st.button("Prepare evidence CSV (all matching articles)", key="evidence_prepare"):
        data = common.run_query(url, lambda s: evidence.evidence_csv(s, narrative_id, cards_flt))
        st.download_button(
            "Download evidence CSV",
            data=data,
            file_name=f"evidence-{narrative_id}.csv",
            mime="text/csv",
            key="evidence_download",
        )
    # Web text: every title, URL and evidence string is escaped in dashboards.safe.
    st.html("".join(safe.article_card(c) for c in cards))


main()

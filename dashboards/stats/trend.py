"""The trend frame and its summaries, built from the daily rollup rows by pure functions.

:func:`trend_from_rows` turns ``models.dashboard.trends.TrendRows`` into the long frame
the Trends page charts (counts, shares of all coverage, baseline, spike marks, stance
split); :func:`side_frame`, :func:`stance_split` and :func:`copies_vs_stories` summarise
it. No database here: ``dashboards.data.trend_frame`` fetches the rows and calls these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from dashboards.stats.periods import next_period, period_start, period_starts
from dashboards.stats.spikes import BASELINE_WINDOW, SPIKE_GRAIN, spike_arrays, spikes_from_weeks
from models.dashboard.catalogue import NarrativeInfo
from models.dashboard.filters import STANCES, DashboardFilter, Grain
from models.dashboard.trends import TrendRows
from models.rollups import UNKNOWN_STANCE

SIDE_LABELS: dict[str, str] = {"kremlin": "Kremlin-side", "counter": "Counter-narrative"}

# Labels of the stances (models.rollups.STANCES, re-exported here for the pages).
STANCE_LABELS: dict[str, str] = {
    "promotes": "Promotes",
    "reports": "Reports",
    "disputes": "Disputes",
    UNKNOWN_STANCE: "Stance unknown",
}
# The stance that *advances* a narrative. The Kremlin-side and counter measures count
# only tags with this stance: an article disputing a Kremlin claim is a rebuttal and one
# that merely reports it is neutral; neither advances the claim (docs/dashboards.md).
ADVANCING_STANCE = "promotes"

TREND_COLUMNS = (
    "period",
    "narrative_id",
    "label",
    "side",
    "articles",
    "unique_stories",
    "total_articles",
    "total_unique",
    "share",
    "unique_share",
    "baseline",
    "baseline_sd",
    "spike",
    "complete",
    *STANCES,
)


def query_filter(flt: DashboardFilter, grain: Grain) -> DashboardFilter:
    """The filter to fetch rows with: ``flt`` reaching back far enough for the baselines of
    both ``grain`` and the spike rule's grain, so narrowing the dates keeps the baseline."""
    if flt.since is None:
        return flt
    return replace(flt, since=min(lookback(flt.since, grain), lookback(flt.since, SPIKE_GRAIN)))


def trend_from_rows(
    rows: TrendRows,
    flt: DashboardFilter,
    grain: Grain,
    catalogue: Mapping[str, NarrativeInfo],
) -> pd.DataFrame:
    """Each selected narrative per period: counts, shares of all coverage, spike marks.

    ``rows`` were fetched with :func:`query_filter` (``flt``, ``grain``); ``catalogue``
    maps narrative ids to their labels and sides (taxonomy order). Columns:
    TREND_COLUMNS. Every period between the first and last monitored day is present
    (zero-filled), so baselines see quiet periods. ``share`` is narrative articles / all
    monitored articles of the period, so a busy news week does not look like a surge.
    ``promotes``, ``reports``, ``disputes`` and ``unknown`` split ``articles`` by tag
    stance. ``baseline`` and ``baseline_sd`` are the mean and standard deviation of the
    share over the previous BASELINE_WINDOW periods. ``complete`` is False for a period
    that extends past the last monitored day (or the filter's end). Empty frame when
    nothing is monitored.

    The aggregation runs on numpy arrays (period x narrative): the rows are few (at most
    days x narratives) and pandas' per-call overhead would dominate the page's latency.
    """
    if not rows.totals:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    query_flt = query_filter(flt, grain)
    frame = assemble(rows, flt, query_flt, grain, catalogue)
    if grain != SPIKE_GRAIN:  # the same rows, bucketed by week for the one spike rule
        weeks = assemble(rows, flt, query_flt, SPIKE_GRAIN, catalogue)
        frame["spike"] = spikes_from_weeks(frame, weeks, grain)
    if flt.since is not None:
        frame = frame[frame["period"] >= pd.Timestamp(period_start(grain)(flt.since))]
    return frame.sort_values(["narrative_id", "period"], ignore_index=True, kind="stable")


def lookback(since: date, grain: Grain) -> date:
    """The first day of the BASELINE_WINDOW periods before the one holding ``since``."""
    start: date = period_start(grain)(since)
    for _ in range(BASELINE_WINDOW[grain]):
        start = period_starts(start - timedelta(days=1), start, grain)[0]
    return start


def assemble(
    rows: TrendRows,
    flt: DashboardFilter,
    query_flt: DashboardFilter,
    grain: Grain,
    catalogue: Mapping[str, NarrativeInfo],
) -> pd.DataFrame:
    """The long trend frame at ``grain`` from the daily rows (every fetched period)."""
    count_rows, total_rows, stance_rows = rows
    start_of = period_start(grain)
    data_last = max(r[0] for r in total_rows)
    first = query_flt.since or min(r[0] for r in total_rows)
    last = flt.until or data_last
    periods = period_starts(first, last, grain)
    slot = {p: k for k, p in enumerate(periods)}
    selected = list(flt.narratives) or list(catalogue)
    selected += sorted({r[1] for r in count_rows} - set(selected))  # ids outside taxonomy
    column = {n: k for k, n in enumerate(selected)}

    n_periods, n_narratives = len(periods), len(selected)
    totals = np.zeros((n_periods, 2), dtype=np.int64)  # articles, unique stories
    for day, total_articles, _relevant, total_unique in total_rows:
        k = slot.get(start_of(day))
        if k is not None:
            totals[k, 0] += total_articles
            totals[k, 1] += total_unique
    articles = np.zeros((n_periods, n_narratives), dtype=np.int64)
    stories = np.zeros((n_periods, n_narratives), dtype=np.int64)
    for day, narrative_id, n_articles, n_stories in count_rows:
        k = slot.get(start_of(day))
        if k is not None:
            articles[k, column[narrative_id]] += n_articles
            stories[k, column[narrative_id]] += n_stories
    by_stance = np.zeros((len(STANCES), n_periods, n_narratives), dtype=np.int64)
    stance_slot = {st: k for k, st in enumerate(STANCES)}
    for day, narrative_id, stance, n_articles in stance_rows:
        k = slot.get(start_of(day))
        j = stance_slot.get(stance, stance_slot[UNKNOWN_STANCE])
        if k is not None and narrative_id in column:
            by_stance[j, k, column[narrative_id]] += n_articles
    share = divide(articles, totals[:, :1])
    unique_share = divide(stories, totals[:, 1:])
    # A period with no monitored article at all (before the first crawl, an outage) is
    # missing data, not a quiet period: it stays out of the baseline.
    observed = np.where(totals[:, :1] > 0, share, np.nan)
    baseline, baseline_sd, spike = spike_arrays(observed, articles, grain)
    ends = [next_period(p, grain) - timedelta(days=1) for p in periods]
    complete = np.array([end <= min(last, data_last) for end in ends])

    labels = [catalogue[i].label if i in catalogue else i for i in selected]
    sides = [catalogue[i].side if i in catalogue else "" for i in selected]
    # Long format, narrative-major (all periods of one narrative, then the next).
    columns: dict[str, Any] = {
        "period": np.tile(np.array(periods, dtype="datetime64[ns]"), n_narratives),
        "narrative_id": np.repeat(np.array(selected, dtype=object), n_periods),
        "label": np.repeat(np.array(labels, dtype=object), n_periods),
        "side": np.repeat(np.array(sides, dtype=object), n_periods),
        "articles": articles.T.ravel(),
        "unique_stories": stories.T.ravel(),
        "total_articles": np.tile(totals[:, 0], n_narratives),
        "total_unique": np.tile(totals[:, 1], n_narratives),
        "share": share.T.ravel(),
        "unique_share": unique_share.T.ravel(),
        "baseline": baseline.T.ravel(),
        "baseline_sd": baseline_sd.T.ravel(),
        "spike": spike.T.ravel(),
        "complete": np.tile(complete, n_narratives),
    }
    for j, stance in enumerate(STANCES):
        columns[stance] = by_stance[j].T.ravel()
    return pd.DataFrame(columns)


def divide(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole (broadcast), 0 where whole is 0."""
    out = np.zeros(np.broadcast_shapes(part.shape, whole.shape), dtype=np.float64)
    np.divide(part, whole, out=out, where=whole > 0)
    return out


def ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole, 0 where whole is 0."""
    return (part / whole.where(whole > 0)).fillna(0.0).astype("float64")


def side_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """Kremlin-side vs counter-narratives per period, summed from :func:`trend_frame`.

    Counts what articles *advance*: tags whose stance is ADVANCING_STANCE ("promotes").
    A rebuttal (disputes) or neutral reporting (reports) of a Kremlin-side claim is not
    counted on either side. An article promoting two Kremlin-side narratives counts twice:
    these are narrative *mentions*, and ``share`` is mentions per monitored article.
    """
    if trend.empty:
        return pd.DataFrame(columns=["period", "side", "articles", "total_articles", "share"])
    sided = trend[trend["side"].isin(list(SIDE_LABELS))]
    out = sided.groupby(["period", "side"], as_index=False).agg(
        articles=(ADVANCING_STANCE, "sum"), total_articles=("total_articles", "first")
    )
    out["share"] = ratio(out["articles"], out["total_articles"])
    out["side"] = out["side"].map(SIDE_LABELS)
    return out


def stance_split(trend: pd.DataFrame) -> pd.DataFrame:
    """Per narrative over the whole range: articles by stance and each stance's share.

    Columns: ``narrative_id, label, side, stance, articles, share`` where ``share`` is the
    stance's fraction of the narrative's tagged articles (stances of one narrative sum
    to 1). Stances with no article are left out.
    """
    columns = ["narrative_id", "label", "side", "stance", "articles", "share"]
    if trend.empty:
        return pd.DataFrame(columns=columns)
    sums = trend.groupby(["narrative_id", "label", "side"], as_index=False)[list(STANCES)].sum()
    long = sums.melt(
        id_vars=["narrative_id", "label", "side"],
        value_vars=list(STANCES),
        var_name="stance",
        value_name="articles",
    )
    long = long[long["articles"] > 0]
    whole = long.groupby("narrative_id")["articles"].transform("sum")
    long = long.assign(share=ratio(long["articles"], whole))
    order = {st: k for k, st in enumerate(STANCES)}
    long = long.assign(_order=long["stance"].map(order))
    return (
        long.sort_values(["narrative_id", "_order"])
        .drop(columns="_order")
        .reset_index(drop=True)[columns]
        .astype({"articles": "int64"})
    )


def copies_vs_stories(trend: pd.DataFrame) -> pd.DataFrame:
    """Per narrative over the whole range: all copies, unique stories and their ratio."""
    if trend.empty:
        return pd.DataFrame(columns=["narrative_id", "label", "articles", "unique_stories"])
    out = trend.groupby(["narrative_id", "label"], as_index=False)[
        ["articles", "unique_stories"]
    ].sum()
    out["copies_per_story"] = ratio(out["articles"], out["unique_stories"]).round(2)
    return out.sort_values("articles", ascending=False, ignore_index=True)

"""dashboards.stats: periods, baselines, spikes, trend assembly, now vs usual and compare
shares as pure functions, on hand-made rows (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from dashboards.stats import compare, now_vs_usual, periods, spikes, trend
from models.dashboard.catalogue import NarrativeInfo
from models.dashboard.filters import DashboardFilter
from models.dashboard.trends import TrendRows

CATALOGUE = {
    "broken-promise": NarrativeInfo("broken-promise", "Broken promise", "kremlin"),
    "defensive-alliance": NarrativeInfo("defensive-alliance", "Defensive alliance", "counter"),
}


def test_periods_and_buckets() -> None:
    assert periods.next_period(date(2025, 1, 31), "day") == date(2025, 2, 1)
    assert periods.next_period(date(2025, 12, 1), "month") == date(2026, 1, 1)
    assert periods.period_start("week")(date(2025, 3, 9)) == date(2025, 3, 3)  # Sunday -> Monday
    assert periods.period_starts(date(2025, 1, 15), date(2025, 3, 1), "month") == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    days = pd.Series([date(2025, 3, 5), date(2025, 3, 9), date(2025, 3, 10)])
    assert list(periods.bucket(days, "week").dt.date) == [
        date(2025, 3, 3),
        date(2025, 3, 3),
        date(2025, 3, 10),
    ]
    with pytest.raises(ValueError, match="unknown grain"):
        periods.bucket(days, "year")  # type: ignore[arg-type]
    rows = pd.DataFrame(
        {"day": [date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 11)], "key": "a", "articles": 2}
    )
    weekly = periods.by_period(rows, "source", "week")
    assert list(weekly["articles"]) == [4, 2] and list(weekly.columns) == [
        "period",
        "source",
        "articles",
    ]


def test_spike_rule_needs_history_ratio_and_volume() -> None:
    share = np.array([[0.10], [0.11], [0.09], [0.10], [0.10], [0.30]])
    mean, sd, spike = spikes.spike_arrays(share, np.full_like(share, 100), "week")
    assert np.isnan(mean[:4, 0]).all()  # fewer than BASELINE_MIN_PERIODS before them
    assert mean[4, 0] == pytest.approx(0.10) and sd[4, 0] > 0
    assert list(spike[:, 0]) == [False] * 5 + [True]
    _, _, few = spikes.spike_arrays(share, np.full_like(share, 2), "week")
    assert not few.any()  # below SPIKE_MIN_ARTICLES


def _rows(days: int, surge_day: int) -> TrendRows:
    """Daily rows of one outlet: 100 articles a day, 10 broken-promise ones, a surge."""
    start = date(2025, 1, 6)  # a Monday
    counts, totals, stances = [], [], []
    for k in range(days):
        day = start + timedelta(days=k)
        n = 60 if k == surge_day else 10
        counts.append((day, "broken-promise", n, n))
        totals.append((day, 100, 40, 90))
        stances.append((day, "broken-promise", "promotes", n // 2))
        stances.append((day, "broken-promise", "disputes", n - n // 2))
    return TrendRows(counts, totals, stances)


def test_trend_from_rows_agrees_across_grains() -> None:
    rows = _rows(10 * 7, surge_day=8 * 7 + 2)
    flt = DashboardFilter()
    weekly = trend.trend_from_rows(rows, flt, "week", CATALOGUE)
    assert list(weekly.columns) == list(trend.TREND_COLUMNS)
    assert set(weekly["narrative_id"]) == set(CATALOGUE)  # zero-filled for the quiet one
    bp = weekly[weekly["narrative_id"] == "broken-promise"]
    assert bp["share"].iloc[0] == pytest.approx(0.10)
    assert list(bp.loc[bp["spike"], "period"].dt.date) == [date(2025, 3, 3)]
    daily = trend.trend_from_rows(rows, flt, "day", CATALOGUE)
    assert list(daily.loc[daily["spike"], "period"].dt.date) == [date(2025, 3, 5)]
    monthly = trend.trend_from_rows(rows, flt, "month", CATALOGUE)
    assert list(monthly.loc[monthly["spike"], "period"].dt.date) == [date(2025, 3, 1)]
    assert (bp["promotes"] + bp["disputes"] == bp["articles"]).all()
    sides = trend.side_frame(weekly)
    assert sides["articles"].sum() == bp["promotes"].sum()  # only what is advanced
    split = trend.stance_split(weekly)
    assert split.groupby("narrative_id")["share"].sum().to_dict() == pytest.approx(
        {"broken-promise": 1.0}
    )
    assert trend.trend_from_rows(TrendRows([], [], []), flt, "week", CATALOGUE).empty


def test_query_filter_reaches_back_for_the_baseline() -> None:
    flt = DashboardFilter(since=date(2025, 3, 5))
    wider = trend.query_filter(flt, "day")
    assert wider.since is not None and wider.since <= date(2025, 3, 5) - timedelta(days=28)
    assert trend.query_filter(DashboardFilter(), "day") == DashboardFilter()


def test_now_vs_usual_and_drivers() -> None:
    weekly = trend.trend_from_rows(
        _rows(9 * 7, surge_day=8 * 7 + 2), DashboardFilter(), "week", CATALOGUE
    )
    now = now_vs_usual.now_vs_usual(weekly).set_index("narrative_id")
    assert now.loc["broken-promise", "status"] == "above usual"
    assert (now["change"] > 0).loc["broken-promise"]
    first, last = now_vs_usual.driver_window(date(2025, 3, 3), "week")
    assert first == date(2025, 1, 6) and last == date(2025, 3, 9)
    rise = pd.DataFrame(
        {
            "narrative_id": ["broken-promise"] * 2,
            "outlet": ["A", "B"],
            "current": [20, 1],
            "before": [80, 80],
        }
    )
    assert now_vs_usual.rank_drivers(rise, ("broken-promise", "x"), "week") == {
        "broken-promise": "A +10",
        "x": "",
    }


def test_compare_shares_use_each_groups_own_volume() -> None:
    num = pd.DataFrame({"day": [date(2025, 1, 6)], "group": ["small"], "articles": [5]})
    den = pd.DataFrame(
        {"day": [date(2025, 1, 6)] * 2, "group": ["big", "small"], "total_articles": [1000, 10]}
    )
    out = compare.compare_shares(num, den, "week").set_index("group")
    assert out.loc["small", "share"] == pytest.approx(0.5)
    assert out.loc["big", "share"] == 0 and out.loc["big", "articles"] == 0
    assert compare.compare_shares(num, den.iloc[0:0], "week").empty


def test_spikes_against_the_rolling_baseline() -> None:
    periods = pd.date_range("2025-01-06", periods=12, freq="W-MON")
    shares = [0.10, 0.11, 0.09, 0.10, 0.10, 0.11, 0.09, 0.10, 0.35, 0.10, 0.11, 0.10]
    frame = pd.DataFrame(
        {
            "period": periods,
            "narrative_id": "encirclement",
            "share": shares,
            "articles": [int(s * 1000) for s in shares],
        }
    )
    marked = spikes.mark_spikes(frame, "week")
    assert list(marked.loc[marked["spike"], "period"]) == [periods[8]]
    assert marked["baseline"].iloc[:4].isna().all()  # too little history for a baseline
    few = frame.assign(articles=[1] * 12)  # the same jump on one article is not a surge
    assert not spikes.mark_spikes(few, "week")["spike"].any()


# --- the data behind the charts that are not period lines ----------------------------


def test_copies_csv_rebuilds_the_bars() -> None:
    import io

    from dashboards.stats import chart_data
    from dashboards.stats.chart_data import copies_table

    copies = pd.DataFrame(
        {"label": ["=HYPERLINK(1)", "B"], "articles": [12, 0], "unique_stories": [4, 0]}
    )
    back = pd.read_csv(io.BytesIO(chart_data.to_csv(copies_table(copies))))
    assert list(back.columns) == list(chart_data.CHART_COLUMNS)
    assert back["numerator"].tolist() == [4, 0] and back["denominator"].tolist() == [12, 0]
    assert back["share"].iloc[0] == pytest.approx(4 / 12) and pd.isna(back["share"].iloc[1])
    assert back["group"].tolist() == ["'=HYPERLINK(1)", "B"]  # a formula stays text


def test_matrix_csv_rebuilds_the_heatmap() -> None:
    import io

    from dashboards.stats import chart_data
    from dashboards.stats.chart_data import matrix_table

    matrix = pd.DataFrame(
        {
            "narrative_a": ["a", "a", "b"],
            "narrative_b": ["a", "b", "a"],
            "both": [10, 3, 3],
            "articles_a": [10, 10, 6],
            "share": [1.0, 0.3, 0.5],
        }
    )
    back = pd.read_csv(io.BytesIO(chart_data.to_csv(matrix_table(matrix, {"a": "A"}))))
    assert back["group"].tolist() == ["A + A", "A + b", "b + A"]
    assert (back["numerator"] / back["denominator"]).tolist() == pytest.approx(
        back["share"].tolist()
    )

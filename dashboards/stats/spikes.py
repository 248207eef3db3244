"""The one spike rule and the rolling baseline, as pure functions over arrays and frames.

A period spikes when its share exceeds the baseline (the mean of the previous
BASELINE_WINDOW periods) by SPIKE_Z standard deviations and by SPIKE_MIN_RATIO, with at
least SPIKE_MIN_ARTICLES articles. The rule runs at SPIKE_GRAIN; the other grains carry
its marks over (:func:`spikes_from_weeks`), so every grain marks the same waves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.dashboard.filters import Grain

# Rolling baseline for spike marks, in periods of the chosen grain: four weeks of days,
# eight weeks, six months. Long enough to smooth the weekly news cycle, short enough to
# follow a slow trend.
BASELINE_WINDOW: dict[Grain, int] = {"day": 28, "week": 8, "month": 6}
# Periods of history needed before a spike can be marked (a baseline of one or two
# points is noise).
BASELINE_MIN_PERIODS: dict[Grain, int] = {"day": 7, "week": 4, "month": 3}
# A spike: share above baseline mean + SPIKE_Z standard deviations (z of 3 flags roughly
# 1 period in 700 of a stable Gaussian series) ...
SPIKE_Z = 3.0
# ... and at least 1.5 times the baseline mean (so a near-constant series with a tiny
# standard deviation does not flag a one-article wobble) ...
SPIKE_MIN_RATIO = 1.5
# ... and at least 5 articles in the period (a jump from 0 to 2 articles is not a surge).
SPIKE_MIN_ARTICLES = 5

# The grain the spike rule runs at; day and month marks are carried over from it (see
# _spikes_from_weeks) so the three grains never disagree about which waves spiked. A week
# smooths the weekday rhythm of news and still resolves a wave of a few days.
SPIKE_GRAIN: Grain = "week"


def spike_arrays(
    value: np.ndarray, articles: np.ndarray, grain: Grain
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline (rolling mean and sd of the *previous* periods) and spike flags, per column
    of ``value`` (periods x narratives), ``articles`` alongside."""
    window, min_periods = BASELINE_WINDOW[grain], BASELINE_MIN_PERIODS[grain]
    prior = pd.DataFrame(value).shift(1).rolling(window, min_periods=min_periods)
    mean = prior.mean().to_numpy()
    std = np.nan_to_num(prior.std(ddof=0).to_numpy())
    with np.errstate(invalid="ignore"):
        spike = (
            ~np.isnan(mean)
            & (value > mean + SPIKE_Z * std)
            & (value > mean * SPIKE_MIN_RATIO)
            & (articles >= SPIKE_MIN_ARTICLES)
        )
    return mean, std, spike


def mark_spikes(frame: pd.DataFrame, grain: Grain, value: str = "share") -> pd.DataFrame:
    """Add ``baseline`` (rolling mean of the previous periods) and ``spike`` (bool).

    A period spikes when its ``value`` exceeds the baseline by SPIKE_Z standard
    deviations and by SPIKE_MIN_RATIO, with at least SPIKE_MIN_ARTICLES articles.
    The current period is excluded from its own baseline. ``frame`` is long
    (``period, narrative_id, articles, <value>``), one row per period and narrative.
    """
    wide_value = frame.pivot(index="period", columns="narrative_id", values=value).sort_index()
    wide_articles = frame.pivot(index="period", columns="narrative_id", values="articles")
    wide_articles = wide_articles.reindex_like(wide_value)
    mean, _sd, spike = spike_arrays(
        wide_value.to_numpy(dtype=np.float64), wide_articles.to_numpy(), grain
    )
    marks = pd.DataFrame(
        {
            "baseline": pd.DataFrame(mean, wide_value.index, wide_value.columns).stack(),
            "spike": pd.DataFrame(spike, wide_value.index, wide_value.columns).stack(),
        }
    )
    out = frame.drop(columns=["baseline", "spike"], errors="ignore").merge(
        marks, left_on=["period", "narrative_id"], right_index=True, how="left"
    )
    return out.sort_values(["narrative_id", "period"], ignore_index=True)


def spikes_from_weeks(frame: pd.DataFrame, weeks: pd.DataFrame, grain: Grain) -> np.ndarray:
    """Spike marks at ``grain`` carried over from the weekly rule, so every grain marks
    the same waves: a month spikes when a spiking week starts in it; a day spikes when it
    is the busiest day (highest share) of a spiking week."""
    waves = weeks.loc[weeks["spike"], ["narrative_id", "period"]]
    marked = np.zeros(len(frame), dtype=bool)
    if waves.empty:
        return marked
    if grain == "month":
        months = set(zip(waves["narrative_id"], waves["period"].dt.to_period("M"), strict=True))
        keys = zip(frame["narrative_id"], frame["period"].dt.to_period("M"), strict=True)
        return np.array([k in months for k in keys], dtype=bool)
    week_of = frame["period"] - pd.to_timedelta(frame["period"].dt.day_of_week, unit="D")
    in_wave = pd.Series(
        [
            k in set(zip(waves["narrative_id"], waves["period"], strict=True))
            for k in zip(frame["narrative_id"], week_of, strict=True)
        ],
        index=frame.index,
    )
    candidates = frame[in_wave]
    if candidates.empty:
        return marked
    peaks = candidates.groupby([candidates["narrative_id"], week_of[in_wave]])["share"].idxmax()
    marked[peaks.to_numpy(dtype=np.int64)] = True  # frame has a fresh RangeIndex
    return marked

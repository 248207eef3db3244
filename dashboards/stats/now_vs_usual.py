"""Now vs usual: each narrative's latest complete period against its own baseline, and the
outlets that drove the change. Pure functions over the trend frame
(``dashboards.stats.trend``, which already carries the rolling baseline, read from before
the visible range when needed) and over ``models.dashboard.drivers`` rows.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboards.stats.periods import next_period, period_starts
from dashboards.stats.spikes import BASELINE_WINDOW
from models.dashboard.filters import Grain

# The usual band: baseline mean +- BAND_SD standard deviations of the previous periods
# (two sd hold ~95 % of a stable Gaussian series, so leaving it is worth a look).
BAND_SD = 2.0
# Outlets named as drivers of a change: the few a reader can check by hand.
DRIVERS = 3

NOW_COLUMNS = (
    "narrative_id",
    "label",
    "side",
    "period",
    "articles",
    "share",
    "baseline",
    "band_low",
    "band_high",
    "change",
    "status",
    "in_progress",
    "in_progress_share",
)


def now_vs_usual(trend: pd.DataFrame) -> pd.DataFrame:
    """Per narrative: the latest complete period's share against its baseline and band.

    Columns NOW_COLUMNS. ``change`` is (share - baseline) / baseline (NaN without a
    baseline); ``status`` is ``above usual`` / ``below usual`` outside the band, else
    ``usual`` (``no baseline yet`` when history is too short). ``in_progress`` is the
    start of the incomplete period after it (NaT when none) and ``in_progress_share`` its
    share so far: shown apart, never compared with full periods.
    """
    if trend.empty or not trend["complete"].any():
        return pd.DataFrame(columns=list(NOW_COLUMNS))
    latest = trend.loc[trend["complete"], "period"].max()
    now = trend[trend["period"] == latest].copy()
    partial = trend[(trend["period"] > latest) & ~trend["complete"]]
    partial = partial.sort_values("period").groupby("narrative_id").first()
    sd = now["baseline_sd"].fillna(0.0)
    now["band_low"] = (now["baseline"] - BAND_SD * sd).clip(lower=0.0)
    now["band_high"] = now["baseline"] + BAND_SD * sd
    with np.errstate(divide="ignore", invalid="ignore"):
        now["change"] = np.where(
            now["baseline"] > 0, (now["share"] - now["baseline"]) / now["baseline"], np.nan
        )
    now["status"] = np.select(
        [
            now["baseline"].isna(),
            now["share"] > now["band_high"],
            now["share"] < now["band_low"],
        ],
        ["no baseline yet", "above usual", "below usual"],
        default="usual",
    )
    now["in_progress"] = now["narrative_id"].map(partial["period"]) if len(partial) else pd.NaT
    now["in_progress_share"] = now["narrative_id"].map(partial["share"]) if len(partial) else np.nan
    out: pd.DataFrame = now[list(NOW_COLUMNS)]
    return out.sort_values("change", ascending=False, na_position="last")


def driver_window(period: date, grain: Grain) -> tuple[date, date]:
    """The first day of the BASELINE_WINDOW periods before ``period`` and the last day of
    ``period``: the span the change drivers are counted over."""
    first = period
    for _ in range(BASELINE_WINDOW[grain]):
        first = period_starts(first - timedelta(days=1), first, grain)[0]
    return first, next_period(period, grain) - timedelta(days=1)


def rank_drivers(
    rise: pd.DataFrame, narrative_ids: tuple[str, ...], grain: Grain, limit: int = DRIVERS
) -> dict[str, str]:
    """Per narrative, the outlets whose articles rose most in the period over their usual.

    ``rise`` holds ``narrative_id, outlet, current, before`` (articles in the period and
    in the BASELINE_WINDOW periods before it); an outlet's usual is ``before`` / the
    window. Returns ``{narrative_id: "Outlet A +12, Outlet B +5"}``; a narrative with no
    rising outlet maps to "".
    """
    window = BASELINE_WINDOW[grain]
    out = {n: "" for n in narrative_ids}
    if rise.empty:
        return out
    rise = rise.assign(rise=rise["current"] - rise["before"] / window)
    for narrative_id, group in rise.groupby("narrative_id"):
        top = group[group["rise"] > 0].nlargest(limit, "rise")
        out[str(narrative_id)] = ", ".join(
            f"{o} +{r:.0f}" for o, r in zip(top["outlet"], top["rise"], strict=True)
        )
    return out

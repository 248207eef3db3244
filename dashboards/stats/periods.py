"""Periods of a grain: the first day of a day / ISO week (Monday) / month, and stepping
between them. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from models.dashboard.filters import GRAINS, Grain


def bucket(days: pd.Series, grain: Grain) -> pd.Series:
    """The first day of the day / ISO week (Monday) / month each day falls in."""
    stamps = pd.to_datetime(days)
    if grain == "day":
        return stamps
    if grain == "week":
        return stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    if grain == "month":
        return stamps.dt.to_period("M").dt.start_time
    raise ValueError(f"unknown grain {grain!r}; choose one of {', '.join(GRAINS)}")


def next_period(start: date, grain: Grain) -> date:
    """The first day of the period after the one starting on ``start``."""
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_start(grain: Grain) -> Callable[[date], date]:
    """A function mapping a day to the first day of its period."""
    if grain == "day":
        return lambda d: d
    if grain == "week":
        return lambda d: d - timedelta(days=d.weekday())
    if grain == "month":
        return lambda d: d.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}; choose one of {', '.join(GRAINS)}")


def period_starts(first: date, last: date, grain: Grain) -> list[date]:
    """The first day of every period from the one holding ``first`` to ``last``."""
    start_of = period_start(grain)
    current, out = start_of(first), []
    while current <= last:
        out.append(current)
        current = next_period(current, grain)
    return out


def by_period(frame: pd.DataFrame, key: str, grain: Grain) -> pd.DataFrame:
    """Daily rows ``day, key, articles`` summed per period x ``key`` (``period, <key>,
    articles``)."""
    if frame.empty:
        return pd.DataFrame(columns=["period", key, "articles"])
    frame = frame.assign(period=bucket(frame["day"], grain))
    out = frame.groupby(["period", "key"], as_index=False)[["articles"]].sum()
    return out.rename(columns={"key": key}).astype({"articles": "int64"})

"""What every page shares: the read-only database, cached queries, the filter sidebar.

Pages stay thin: they call the cached wrappers below, which call models.queries.
Results are cached per (database URL, filter), so one analyst's clicks and many analysts
looking at the same view hit the database once per CACHE_TTL_S.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from models import now_vs_usual, queries
from models.queries import DashboardFilter, FilterOptions, Grain

# Read-only override: point the dashboards at a database role that can only SELECT.
DASHBOARD_URL_ENV = "NARRMON_DASHBOARD_DATABASE_URL"
# Rollups change once per ingestion run (hourly by default); a minute keeps the view
# fresh enough while absorbing bursts of reruns from widget clicks.
CACHE_TTL_S = 60

T = TypeVar("T")


def database_url() -> str:
    """The URL the dashboards read: NARRMON_DASHBOARD_DATABASE_URL, else the main one."""
    override = os.environ.get(DASHBOARD_URL_ENV)
    if override:
        return override
    from narrmon.settings import load_settings

    return load_settings().database_url


def data_dir() -> Path:
    """NARRMON_DATA_DIR as the rest of narrmon resolves it."""
    from narrmon.settings import load_settings

    return load_settings().data_dir


def redact(url: str) -> str:
    """The URL with its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One read-only engine (and connection pool) per database URL for the server's life."""
    return queries.make_read_only_engine(url)


def run_query(url: str, fn: Callable[[Session], T]) -> T:
    """Run ``fn`` in a short read-only session on ``url``."""
    with Session(engine_for(url)) as session:
        return fn(session)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def database_state(url: str) -> str:
    """``ok``, ``no-schema`` (run narrmon init), ``empty`` or ``unreachable: why``."""
    try:
        if not queries.schema_ready(engine_for(url)):
            return "no-schema"
        return "ok" if run_query(url, queries.has_data) else "empty"
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"unreachable: {reason}"


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def filter_options(url: str) -> FilterOptions:
    """Cached :func:`models.queries.filter_options`."""
    return run_query(url, queries.filter_options)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def trend(url: str, flt: DashboardFilter, grain: Grain) -> pd.DataFrame:
    """Cached :func:`models.queries.trend_frame`."""
    return run_query(url, lambda s: queries.trend_frame(s, flt, grain))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def change_drivers(
    url: str, flt: DashboardFilter, period: date, grain: Grain, narrative_ids: tuple[str, ...]
) -> dict[str, str]:
    """Cached :func:`models.now_vs_usual.change_drivers`."""
    return run_query(
        url, lambda s: now_vs_usual.change_drivers(s, flt, period, grain, narrative_ids)
    )


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def breakdown(
    url: str, narrative_id: str, flt: DashboardFilter, by: queries.Dimension, grain: Grain
) -> pd.DataFrame:
    """Cached :func:`models.queries.narrative_breakdown`."""
    return run_query(url, lambda s: queries.narrative_breakdown(s, narrative_id, flt, by, grain))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def top_outlets(url: str, narrative_id: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.queries.top_outlets`."""
    return run_query(url, lambda s: queries.top_outlets(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def co_occurring(url: str, narrative_id: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.queries.co_occurring`."""
    return run_query(url, lambda s: queries.co_occurring(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def latest_articles(url: str, narrative_id: str, flt: DashboardFilter) -> list[dict[str, Any]]:
    """Cached :func:`models.queries.latest_articles`."""
    return run_query(url, lambda s: queries.latest_articles(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def outlet_daily(url: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.queries.outlet_daily`."""
    return run_query(url, lambda s: queries.outlet_daily(s, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def feed_health(url: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.queries.feed_health` (as of now, UTC)."""
    return run_query(url, lambda s: queries.feed_health(s, flt, datetime.now(UTC)))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def export_count(url: str, eflt: Any) -> int:
    """Cached :func:`models.queries.count_articles` for a models.export.ExportFilter."""
    return run_query(url, lambda s: queries.count_articles(s, eflt))


# --------------------------------------------------------------------------- filters

FILTER_KEYS = (
    "f_range",
    "f_narratives",
    "f_stances",
    "f_sources",
    "f_media",
    "f_countries",
    "f_languages",
)


def filter_sidebar(options: FilterOptions) -> None:
    """Draw the shared filters in the sidebar (their values live in session state)."""
    side = st.sidebar
    side.header("Filters")
    if options.first_day is not None and options.last_day is not None:
        side.date_input(
            "Date range",
            value=(options.first_day, options.last_day),
            min_value=options.first_day,
            max_value=options.last_day,
            key="f_range",
        )
    labels = {n.id: n.label for n in options.narratives}
    side.multiselect(
        "Narratives",
        list(labels),
        format_func=lambda i: labels.get(i, i),
        key="f_narratives",
        placeholder="All narratives",
    )
    side.multiselect(
        "Stance",
        list(queries.STANCES),
        format_func=lambda s: queries.STANCE_LABELS.get(s, s),
        key="f_stances",
        placeholder="All stances",
        help="Count only tags whose article promotes, reports or disputes the narrative. "
        "Shares keep all monitored articles as the denominator.",
    )
    names = {s.id: s.name for s in options.sources}
    side.multiselect(
        "Outlets",
        list(names),
        format_func=lambda i: names.get(i, i),
        key="f_sources",
        placeholder="All outlets",
    )
    side.multiselect(
        "Media type", options.media_types, key="f_media", placeholder="All media types"
    )
    side.multiselect("Country", options.countries, key="f_countries", placeholder="All countries")
    side.multiselect("Language", options.languages, key="f_languages", placeholder="All languages")


def current_filter() -> DashboardFilter:
    """The filter the sidebar widgets hold now."""
    state = st.session_state
    since: date | None = None
    until: date | None = None
    picked = state.get("f_range")
    if isinstance(picked, (tuple, list)):
        if len(picked) >= 1:
            since = picked[0]
        if len(picked) >= 2:
            until = picked[1]
    return DashboardFilter(
        since=since,
        until=until,
        narratives=tuple(state.get("f_narratives") or ()),
        sources=tuple(state.get("f_sources") or ()),
        media_types=tuple(state.get("f_media") or ()),
        countries=tuple(state.get("f_countries") or ()),
        languages=tuple(state.get("f_languages") or ()),
        stances=tuple(state.get("f_stances") or ()),
    )


def ready(url: str) -> bool:
    """Show a helpful empty state and return False unless there is data to chart."""
    state = database_state(url)
    if state == "ok":
        return True
    if state == "no-schema":
        st.warning(
            f"The database at `{redact(url)}` has no narrmon tables yet. "
            "Run `narrmon init` to create them, then `narrmon run` to ingest."
        )
    elif state == "empty":
        st.info(
            "No articles have been ingested yet, so there is nothing to chart. "
            "Run `narrmon run` to crawl the configured outlets (or `narrmon demo` for the "
            "bundled demo outlets); charts appear here after the first run."
        )
    else:
        st.error(
            f"Cannot read the database at `{redact(url)}` ({state}). "
            "Check NARRMON_DATABASE_URL (or NARRMON_DASHBOARD_DATABASE_URL)."
        )
    return False


def nothing_matches() -> None:
    """The empty state for a filter that selects nothing."""
    st.info("Nothing matches the current filters. Widen the date range or clear a filter.")

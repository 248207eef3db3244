"""What every page shares: the read-only database, cached queries, the filter sidebar.

Pages stay thin: they call the cached wrappers below, which call dashboards.data (the
ground's SQL through the pure statistics) and models.dashboard.
Results are cached per (database URL, filter), so one analyst's clicks and many analysts
looking at the same view hit the database once per CACHE_TTL_S.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from dashboards import data, url_state
from dashboards.stats.trend import STANCE_LABELS
from models.dashboard import catalogue, cooccurrence, detail, evidence, outlets
from models.dashboard.catalogue import FilterOptions
from models.dashboard.compare import CompareBy
from models.dashboard.filters import GRAINS, STANCES, DashboardFilter, Grain
from models.db import make_read_only_engine
from models.export_selection import ExportFilter

# Rollups change once per ingestion run (hourly by default); a minute keeps the view
# fresh enough while absorbing bursts of reruns from widget clicks.
CACHE_TTL_S = 60

T = TypeVar("T")


def database_url() -> str:
    """The URL the dashboards read: NARRMON_DASHBOARD_DATABASE_URL, else the main one
    (resolved and checked by the settings registry)."""
    from narrmon.settings import load_settings

    return load_settings().dashboard_database_url


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
    return make_read_only_engine(url)


def run_query(url: str, fn: Callable[[Session], T]) -> T:
    """Run ``fn`` in a short read-only session on ``url``."""
    with Session(engine_for(url)) as session:
        return fn(session)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def database_state(url: str) -> str:
    """``ok``, ``no-schema`` (run narrmon init), ``empty`` or ``unreachable: why``."""
    try:
        if not catalogue.schema_ready(engine_for(url)):
            return "no-schema"
        return "ok" if run_query(url, catalogue.has_data) else "empty"
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"unreachable: {reason}"


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def filter_options(url: str) -> FilterOptions:
    """Cached :func:`dashboards.data.filter_options`."""
    return run_query(url, data.filter_options)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def trend(url: str, flt: DashboardFilter, grain: Grain) -> pd.DataFrame:
    """Cached :func:`dashboards.data.trend_frame`."""
    return run_query(url, lambda s: data.trend_frame(s, flt, grain))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def change_drivers(
    url: str, flt: DashboardFilter, period: date, grain: Grain, narrative_ids: tuple[str, ...]
) -> dict[str, str]:
    """Cached :func:`dashboards.data.change_drivers`."""
    return run_query(url, lambda s: data.change_drivers(s, flt, period, grain, narrative_ids))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def compare(
    url: str, narrative_id: str, flt: DashboardFilter, by: CompareBy, grain: Grain
) -> pd.DataFrame:
    """Cached :func:`dashboards.data.compare_frame`."""
    return run_query(url, lambda s: data.compare_frame(s, narrative_id, flt, by, grain))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def cooccurrence_matrix(url: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.dashboard.cooccurrence.cooccurrence_matrix`."""
    return run_query(url, lambda s: cooccurrence.cooccurrence_matrix(s, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def first_movers(
    url: str, narrative_id: str, flt: DashboardFilter, since: date, until: date
) -> pd.DataFrame:
    """Cached :func:`models.dashboard.cooccurrence.first_movers`."""
    return run_query(url, lambda s: cooccurrence.first_movers(s, narrative_id, flt, since, until))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def breakdown(
    url: str, narrative_id: str, flt: DashboardFilter, by: detail.Dimension, grain: Grain
) -> pd.DataFrame:
    """Cached :func:`dashboards.data.narrative_breakdown`."""
    return run_query(url, lambda s: data.narrative_breakdown(s, narrative_id, flt, by, grain))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def top_outlets(url: str, narrative_id: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.dashboard.detail.top_outlets`."""
    return run_query(url, lambda s: detail.top_outlets(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def co_occurring(url: str, narrative_id: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`dashboards.data.co_occurring` (the pair rollup)."""
    return run_query(url, lambda s: data.co_occurring(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def latest_articles(url: str, narrative_id: str, flt: DashboardFilter) -> list[dict[str, Any]]:
    """Cached :func:`models.dashboard.evidence.latest_articles`."""
    return run_query(url, lambda s: evidence.latest_articles(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def evidence_count(url: str, narrative_id: str, flt: DashboardFilter) -> int:
    """Cached :func:`models.dashboard.evidence.count_evidence`."""
    return run_query(url, lambda s: evidence.count_evidence(s, narrative_id, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def evidence_page(
    url: str, narrative_id: str, flt: DashboardFilter, page: int
) -> list[dict[str, Any]]:
    """Cached :func:`models.dashboard.evidence.evidence_page`."""
    return run_query(url, lambda s: evidence.evidence_page(s, narrative_id, flt, page))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def outlet_daily(url: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`models.dashboard.outlets.outlet_daily`."""
    return run_query(url, lambda s: outlets.outlet_daily(s, flt))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def feed_health(url: str, flt: DashboardFilter) -> pd.DataFrame:
    """Cached :func:`dashboards.data.feed_health`: every column by the one feed-health
    rule of `narrmon health` (as of now, UTC)."""
    return run_query(url, lambda s: data.feed_health(s, flt, datetime.now(UTC)))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def source_health(url: str) -> list[dict[str, object]]:
    """Every source's health by the rule `narrmon health` applies (quality.health), as of
    now (UTC): one definition of stale feeds and of the quarantine share."""
    from quality.health import feed_health, health_dicts

    return run_query(url, lambda s: health_dicts(feed_health(s, now=datetime.now(UTC))))


# Newest article older than this (days) raises the staleness banner: ingestion runs hourly,
# so two days without a new article means the pipeline or every outlet has stopped.
STALE_AFTER_DAYS = 2


def freshness_banner(url: str, options: FilterOptions) -> None:
    """A banner with the newest article's age and the sources `narrmon health` flags."""
    if options.last_day is None:
        return
    age = (datetime.now(UTC).date() - options.last_day).days
    unhealthy = [h for h in source_health(url) if h["enabled"] and not h["healthy"]]
    names = ", ".join(str(h["name"]) for h in unhealthy[:5])
    more = f" and {len(unhealthy) - 5} more" if len(unhealthy) > 5 else ""
    stale = f" Unhealthy sources: {names}{more} (see Outlets and feed health)." if names else ""
    newest = f"The newest article is from {options.last_day:%d %b %Y} ({age:,} days ago, UTC)."
    if age > STALE_AFTER_DAYS:
        st.warning(f"Data may be stale. {newest}{stale}")
    elif stale:
        st.info(f"{newest}{stale}")


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def tagger_versions(url: str) -> list[tuple[str | None, int]]:
    """Cached :func:`models.tagging_versions.tagger_versions`."""
    from models.tagging_versions import tagger_versions as versions

    return run_query(url, versions)


def tagger_note(url: str) -> None:
    """A sidebar note saying which tagger version the counts come from, and what is outdated."""
    from models.tagging_versions import version_note
    from narratives import TAGGER_VERSION

    st.sidebar.caption(version_note(tagger_versions(url), TAGGER_VERSION))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def export_count(url: str, eflt: ExportFilter) -> int:
    """Cached :func:`models.export_selection.count_articles`."""
    return run_query(url, lambda s: data.export_count(s, eflt))


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


PRESETS = {
    "custom": "Custom (pick dates below)",
    "7": "Last 7 days",
    "30": "Last 30 days",
    "90": "Last 90 days",
    "month": "This month",
    "365": "Last 12 months",
    "all": "All data",
}
# The earliest day the date picker offers: before any outlet the project monitors.
EARLIEST_DAY = date(1990, 1, 1)


def preset_range(preset: str, today: date, first: date | None) -> tuple[date, date] | None:
    """The (since, until) of a date preset, ending today (UTC); None for custom."""
    if preset == "all":
        return (first or today, today)
    if preset == "month":
        return (today.replace(day=1), today)
    if preset.isdigit():
        return (today - timedelta(days=int(preset) - 1), today)
    return None


def _apply_preset() -> None:
    state = st.session_state
    options: FilterOptions | None = state.get("_options")
    first = options.first_day if options is not None else None
    picked = preset_range(str(state.get("f_preset")), datetime.now(UTC).date(), first)
    if picked is not None:
        state["f_range"] = picked


def _custom_range() -> None:
    st.session_state["f_preset"] = "custom"


def _keep_known(key: str, allowed: list[str]) -> None:
    """Drop values (from a shared link) that the widget does not offer."""
    state = st.session_state
    if key in state:
        state[key] = [v for v in state[key] if v in allowed]


def filter_sidebar(options: FilterOptions) -> None:
    """Draw the shared filters in the sidebar (their values live in session state)."""
    state = st.session_state
    url_state.load(st.query_params, state)
    state["_options"] = options
    side = st.sidebar
    side.header("Filters")
    today = datetime.now(UTC).date()
    if options.first_day is not None and options.last_day is not None:
        side.selectbox(
            "Quick range (UTC)",
            list(PRESETS),
            format_func=PRESETS.__getitem__,
            key="f_preset",
            on_change=_apply_preset,
        )
        picked = state.get("f_range")
        if isinstance(picked, (tuple, list)):
            state["f_range"] = tuple(min(max(d, EARLIEST_DAY), today) for d in picked)
        kwargs: dict[str, Any] = {}
        if "f_range" not in state:
            kwargs["value"] = (options.first_day, options.last_day)
        side.date_input(
            "Date range (UTC)",
            min_value=EARLIEST_DAY,
            max_value=today,
            key="f_range",
            on_change=_custom_range,
            help="Any dates up to today; the data spans "
            f"{options.first_day:%d %b %Y} to {options.last_day:%d %b %Y}.",
            **kwargs,
        )
        side.caption(f"Data: {options.first_day:%d %b %Y} to {options.last_day:%d %b %Y} (UTC)")
    labels = {n.id: n.label for n in options.narratives}
    _keep_known("f_narratives", list(labels))
    side.multiselect(
        "Narratives",
        list(labels),
        format_func=lambda i: labels.get(i, i),
        key="f_narratives",
        placeholder="All narratives",
    )
    _keep_known("f_stances", list(STANCES))
    side.multiselect(
        "Stance",
        list(STANCES),
        format_func=lambda s: STANCE_LABELS.get(s, s),
        key="f_stances",
        placeholder="All stances",
        help="Count only tags whose article promotes, reports or disputes the narrative. "
        "Shares keep all monitored articles as the denominator.",
    )
    names = {s.id: s.name for s in options.sources}
    _keep_known("f_sources", list(names))
    side.multiselect(
        "Outlets",
        list(names),
        format_func=lambda i: names.get(i, i),
        key="f_sources",
        placeholder="All outlets",
    )
    for key, label, values, empty in (
        ("f_media", "Media type", options.media_types, "All media types"),
        ("f_countries", "Country", options.countries, "All countries"),
        ("f_languages", "Language", options.languages, "All languages"),
    ):
        _keep_known(key, values)
        side.multiselect(label, values, key=key, placeholder=empty)


def save_url_and_offer_link() -> None:
    """Write the current view into the query string and show it as a copyable link."""
    state = st.session_state
    query = url_state.query_of(state)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)
    with st.sidebar.expander("Copy link to this view"):
        st.code(url_state.link(str(st.context.url or ""), state), language=None)


def choice(key: str, options: list[Any], default: Any) -> None:
    """Seed widget ``key`` before it is drawn: a value from a link if valid, else ``default``."""
    state = st.session_state
    if state.get(key) not in options:
        state[key] = default


def grain_radio(where: Any, key: str) -> Grain:
    """The page's period widget, seeded from and saved to the period every page shares
    (so switching pages keeps it, and the link carries it as ``grain``)."""
    state = st.session_state
    choice("grain", list(GRAINS), "week")  # weeks: nine daily lines are hard to read
    if state.get(key) not in GRAINS:
        state[key] = state["grain"]
    grain: Grain = where.radio("Period", GRAINS, horizontal=True, key=key, format_func=str.title)
    state["grain"] = grain
    return grain


def date_range_problem(flt: DashboardFilter, options: FilterOptions) -> str | None:
    """A plain sentence when the date filter cannot show anything, else None."""
    if options.first_day is None or options.last_day is None:
        return None
    if flt.since is not None and flt.until is None:
        return "Pick an end date too (click a second day in the calendar)."
    if flt.since is not None and flt.since > options.last_day:
        return (
            f"No articles after {flt.since:%d %b %Y}: the newest is from "
            f"{options.last_day:%d %b %Y}. Choose an earlier range or 'All data'."
        )
    if flt.until is not None and flt.until < options.first_day:
        return (
            f"No articles before {flt.until:%d %b %Y}: the oldest is from "
            f"{options.first_day:%d %b %Y}."
        )
    return None


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


def every_group(options: FilterOptions, by: str) -> list[str]:
    """All values of a comparison dimension, filtered or not (fixes each one's colour)."""
    if by == "source":
        return [s.name for s in options.sources]
    if by == "media_type":
        return options.media_types
    if by == "country":
        return options.countries
    return options.languages


def ready(url: str) -> bool:
    """Show a helpful empty state and return False unless there is data to chart."""
    state = database_state(url)
    if state == "ok":
        problem = date_range_problem(current_filter(), filter_options(url))
        if problem:
            st.warning(problem)
        return problem is None
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

"""What the pages show, composed: the ground's SQL rows (``models.dashboard``) through the
pure statistics (``dashboards.stats``), with the taxonomy from ``narratives`` and feed
health from ``quality.health``. No Streamlit here (``dashboards.common`` caches these), so
tests and the benchmark call the same functions the pages do.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboards.stats import compare as compare_stats
from dashboards.stats import now_vs_usual
from dashboards.stats.periods import by_period
from dashboards.stats.trend import query_filter, trend_from_rows
from models.dashboard import catalogue, compare, cooccurrence, detail, drivers, trends
from models.dashboard.catalogue import FilterOptions, NarrativeInfo
from models.dashboard.compare import CompareBy
from models.dashboard.filters import DashboardFilter, Grain, outlet_ids
from models.export_selection import ExportFilter, count_articles
from models.feed_health import source_facts
from models.schema import Source
from narratives.taxonomy import load_taxonomy
from quality.health import DEFAULT_HEALTH_THRESHOLDS, judge


@functools.cache
def taxonomy() -> tuple[NarrativeInfo, ...]:
    """The taxonomy's narratives (narratives/taxonomy.yaml), in taxonomy order."""
    return tuple(NarrativeInfo(n.id, n.label, n.side, n.definition) for n in load_taxonomy())


def narratives(session: Session) -> list[NarrativeInfo]:
    """The stored narratives in taxonomy order (the taxonomy itself before `narrmon init`)."""
    return catalogue.narratives(session, taxonomy())


def filter_options(session: Session) -> FilterOptions:
    """Everything the filter widgets need (:func:`models.dashboard.catalogue.filter_options`)."""
    return catalogue.filter_options(session, taxonomy())


def trend_frame(session: Session, flt: DashboardFilter, grain: Grain = "day") -> pd.DataFrame:
    """Each selected narrative per period: counts, shares, baseline and spike marks
    (:func:`dashboards.stats.trend.trend_from_rows`; columns TREND_COLUMNS)."""
    names = {n.id: n for n in narratives(session)}
    rows = trends.trend_rows(session, query_filter(flt, grain))
    return trend_from_rows(rows, flt, grain, names)


def narrative_breakdown(
    session: Session,
    narrative_id: str,
    flt: DashboardFilter,
    by: detail.Dimension,
    grain: Grain = "week",
) -> pd.DataFrame:
    """One narrative's articles per period x outlet / media type / language / country / stance."""
    return by_period(detail.breakdown_rows(session, narrative_id, flt, by), by, grain)


def co_occurring(session: Session, narrative_id: str, flt: DashboardFilter) -> pd.DataFrame:
    """Narratives in the same articles as ``narrative_id``, from the pair rollup, labelled."""
    labels = {n.id: n.label for n in narratives(session)}
    return cooccurrence.co_occurring(session, narrative_id, flt, labels)


def compare_frame(
    session: Session, narrative_id: str, flt: DashboardFilter, by: CompareBy, grain: Grain
) -> pd.DataFrame:
    """One narrative's share per group and period, each group of its own volume."""
    num, den = compare.compare_rows(session, narrative_id, flt, by)
    return compare_stats.compare_shares(num, den, grain)


def change_drivers(
    session: Session,
    flt: DashboardFilter,
    period: date,
    grain: Grain,
    narrative_ids: tuple[str, ...],
) -> dict[str, str]:
    """Per narrative, the outlets whose articles rose most in ``period`` over their usual
    (the BASELINE_WINDOW periods before it, under the same filter)."""
    first, last = now_vs_usual.driver_window(period, grain)
    rise = drivers.outlet_period_counts(session, flt, narrative_ids, first, period, last)
    return now_vs_usual.rank_drivers(rise, narrative_ids, grain)


def export_count(session: Session, eflt: ExportFilter) -> int:
    """How many articles the export with ``eflt`` writes."""
    return count_articles(session, eflt)


# Default date range of the Outlets page's article counts when the filter has none: a
# month, enough runs to judge a feed by eye.
OUTLET_RANGE_DAYS = 30
FEED_HEALTH_COLUMNS = (
    "outlet",
    "source_id",
    "media_type",
    "country",
    "enabled",
    "healthy",
    "last_success",
    "last_status",
    "articles",
    "quarantine_share",
    "problems",
)


def feed_health(session: Session, flt: DashboardFilter, now: datetime) -> pd.DataFrame:
    """The Outlets page's feed-health table, every column by the rule `narrmon health` and
    the DAG apply: ``models.feed_health.source_facts`` judged by ``quality.health.judge``.

    ``articles`` counts the source's articles for days in the filter's date range (default:
    the OUTLET_RANGE_DAYS before ``now``), from the same facts; ``quarantine_share`` and
    ``problems`` (reasons, then warnings) are `narrmon health`'s, as of ``now``.
    """
    t = DEFAULT_HEALTH_THRESHOLDS
    until = flt.until or now.date()
    since = flt.since or until - timedelta(days=OUTLET_RANGE_DAYS)
    today = now.date()
    outlets = select(Source.id, Source.media_type, Source.country).where(
        Source.id.in_(outlet_ids(flt))
    )
    attrs = {r.id: r for r in session.execute(outlets)}
    if not attrs:
        return pd.DataFrame(columns=list(FEED_HEALTH_COLUMNS))
    facts = source_facts(
        session,
        days_from=min(since, today - timedelta(days=1 + t.baseline_days)),
        days_to=max(until, today),
        window_since=now - timedelta(days=t.quarantine_window_days),
        source_ids=list(attrs),
    )
    in_range = {
        f.source_id: sum(n for d, n in f.per_day.items() if since <= d <= until) for f in facts
    }
    rows: list[dict[str, Any]] = [
        {
            "outlet": h.name,
            "source_id": h.source_id,
            "media_type": attrs[h.source_id].media_type,
            "country": attrs[h.source_id].country,
            "enabled": h.enabled,
            "healthy": h.healthy,
            "last_success": h.last_success,
            "last_status": h.last_run_status,
            "articles": in_range.get(h.source_id, 0),
            "quarantine_share": h.quarantine_share,
            "problems": "; ".join([*h.reasons, *h.warnings]),
        }
        for h in judge(facts, now=now, thresholds=t)
    ]
    return pd.DataFrame(rows, columns=list(FEED_HEALTH_COLUMNS)).sort_values(
        "outlet", ignore_index=True
    )

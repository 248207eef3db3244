"""Feed health per source: last success, yield against its own baseline, quarantine share.

Reads the ground (``models``) only. ``narrmon health`` lists :func:`unhealthy` sources
and exits non-zero when there are any; the dashboards' feed-health page shows
:func:`feed_health` for every source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.schema import Article, CrawlRun, FeedState, QuarantineItem, Source
from models.store import FEED_RETIRED
from quality.records import SourceHealth
from quality.thresholds import HealthThresholds

DEFAULT_HEALTH_THRESHOLDS = HealthThresholds()

# Statuses of a feed's last check that count as working (see models.store).
FEED_OK = ("ok", "not_modified")
# Days of crawl history needed before a source's volume is judged: one week covers the
# weekday rhythm, so a quiet Sunday is not compared with a two-day-old baseline.
MIN_HISTORY_DAYS = 7


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _pairs(session: Session, stmt: Any) -> dict[str, Any]:
    """A two-column query as a dict (first column → second)."""
    return {str(row[0]): row[1] for row in session.execute(stmt)}


def _last_runs(session: Session) -> dict[str, tuple[str, datetime | None, datetime | None]]:
    """Per source: (status of the latest run, last successful finish, first run start)."""
    latest = (
        select(CrawlRun.source_id, func.max(CrawlRun.started_at).label("started"))
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    status: dict[str, str] = {}
    for row in session.execute(
        select(CrawlRun.source_id, CrawlRun.status).join(
            latest,
            (CrawlRun.source_id == latest.c.source_id) & (CrawlRun.started_at == latest.c.started),
        )
    ):
        status[row.source_id] = row.status
    success = _pairs(
        session,
        select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
        .where(CrawlRun.status == "ok")
        .group_by(CrawlRun.source_id),
    )
    first = _pairs(
        session,
        select(CrawlRun.source_id, func.min(CrawlRun.started_at)).group_by(CrawlRun.source_id),
    )
    return {
        sid: (status.get(sid, ""), _aware(success.get(sid)), _aware(first.get(sid)))
        for sid in set(status) | set(first)
    }


def _daily_counts(session: Session, start: date, end: date) -> dict[str, dict[date, int]]:
    """Articles per source and day (the article's day: published, else fetched)."""
    out: dict[str, dict[date, int]] = defaultdict(dict)
    for source_id, day, n in session.execute(
        select(Article.source_id, Article.day, func.count())
        .where(Article.day >= start, Article.day <= end)
        .group_by(Article.source_id, Article.day)
    ):
        out[source_id][day] = int(n)
    return out


def _quarantine_share(session: Session, since: datetime) -> dict[str, tuple[int, int]]:
    """Per source: (items quarantined and still pending, articles stored) since ``since``."""
    quarantined = _pairs(
        session,
        select(QuarantineItem.source_id, func.count())
        .where(QuarantineItem.created_at >= since, QuarantineItem.status == "pending")
        .group_by(QuarantineItem.source_id),
    )
    # The day index bounds the scan; a day is never later than the fetch day.
    stored = _pairs(
        session,
        select(Article.source_id, func.count())
        .where(Article.day >= since.date() - timedelta(days=1), Article.fetched_at >= since)
        .group_by(Article.source_id),
    )
    return {
        sid: (int(quarantined.get(sid, 0)), int(stored.get(sid, 0)))
        for sid in set(quarantined) | set(stored)
    }


def _feeds(session: Session) -> dict[str, tuple[int, int, list[str]]]:
    """Per source: (feeds, failing feeds, their last errors)."""
    out: dict[str, tuple[int, int, list[str]]] = {}
    # TODO(issue 15 merge): the shared feed-health definition must skip retired feeds too.
    live = FeedState.last_status.is_distinct_from(FEED_RETIRED)
    for state in session.scalars(select(FeedState).where(live)):
        total, failing, errors = out.get(state.source_id, (0, 0, []))
        total += 1
        if state.last_status not in FEED_OK:
            failing += 1
            errors.append(f"{state.feed_url}: {state.last_error or state.last_status}")
        out[state.source_id] = (total, failing, errors)
    return out


def feed_health(
    session: Session,
    *,
    now: datetime,
    thresholds: HealthThresholds | None = None,
    source_ids: Sequence[str] | None = None,
) -> list[SourceHealth]:
    """The health of every source (or of ``source_ids``), sorted unhealthy first.

    ``articles_last_day`` counts the last complete UTC day; ``baseline_per_day`` is the
    mean over the ``baseline_days`` before it (fewer when the source is newer);
    ``articles_today`` counts today so far (informational).
    """
    t = thresholds or DEFAULT_HEALTH_THRESHOLDS
    now = _aware(now) or datetime.now(UTC)
    today = now.date()
    last_day = today - timedelta(days=1)
    base_start = last_day - timedelta(days=t.baseline_days)

    runs = _last_runs(session)
    counts = _daily_counts(session, base_start, today)
    shares = _quarantine_share(session, now - timedelta(days=t.quarantine_window_days))
    feeds = _feeds(session)

    query = select(Source).order_by(Source.id)
    if source_ids is not None:
        query = query.where(Source.id.in_(list(source_ids)))
    out: list[SourceHealth] = []
    for src in session.scalars(query):
        status, last_success, first_run = runs.get(src.id, ("", None, None))
        per_day = counts.get(src.id, {})
        start = base_start
        if first_run is not None:
            start = max(start, first_run.date())
        history_days = max((last_day - start).days, 0)
        base_total = sum(n for d, n in per_day.items() if start <= d < last_day)
        baseline = base_total / history_days if history_days else 0.0
        q, stored = shares.get(src.id, (0, 0))
        share = round(q / (q + stored), 4) if q + stored else None
        n_feeds, failing, errors = feeds.get(src.id, (0, 0, []))
        health = SourceHealth(
            source_id=src.id,
            name=src.name,
            enabled=bool(src.enabled),
            last_success=last_success,
            last_run_status=status or None,
            articles_today=per_day.get(today, 0),
            articles_last_day=per_day.get(last_day, 0),
            baseline_per_day=round(baseline, 2),
            quarantine_share=share,
            feeds_total=n_feeds,
            feeds_failing=failing,
            healthy=True,
        )
        if not src.enabled:
            health.warnings.append("disabled: not judged")
            out.append(health)
            continue

        if last_success is None:
            health.reasons.append("no successful crawl yet")
        else:
            hours = (now - last_success).total_seconds() / 3600
            if hours > t.max_hours_since_success:
                health.reasons.append(
                    f"last successful crawl {hours:.0f} h ago "
                    f"(limit {t.max_hours_since_success:.0f} h)"
                )
        if n_feeds and failing == n_feeds:
            health.reasons.append(f"all {n_feeds} feeds failing: " + "; ".join(errors[:3]))
        elif failing:
            health.warnings.append(
                f"{failing} of {n_feeds} feeds failing: " + "; ".join(errors[:3])
            )
        if (
            history_days >= MIN_HISTORY_DAYS
            and baseline >= t.min_baseline_per_day
            and health.articles_last_day < baseline * t.min_day_ratio
        ):
            health.reasons.append(
                f"{health.articles_last_day} articles on {last_day.isoformat()} against a "
                f"{history_days}-day baseline of {baseline:.1f}/day "
                f"(below {t.min_day_ratio:.0%})"
            )
        if (
            share is not None
            and q + stored >= t.min_items_for_share
            and share > t.max_quarantine_share
        ):
            health.reasons.append(
                f"{share:.0%} of items quarantined in the last {t.quarantine_window_days} days "
                f"({q} of {q + stored}; limit {t.max_quarantine_share:.0%})"
            )
        health.healthy = not health.reasons
        out.append(health)
    out.sort(key=lambda h: (h.healthy, h.source_id))
    return out


def unhealthy(
    session: Session, *, now: datetime, thresholds: HealthThresholds | None = None
) -> list[SourceHealth]:
    """The enabled sources that are unhealthy, with their reasons."""
    return [h for h in feed_health(session, now=now, thresholds=thresholds) if not h.healthy]


def format_report(items: Sequence[SourceHealth]) -> str:
    """Plain-text lines for ``narrmon health``: one per unhealthy source, then a summary."""
    bad = [h for h in items if not h.healthy]
    lines = [f"UNHEALTHY {h.source_id}: " + "; ".join(h.reasons) for h in bad]
    judged = sum(1 for h in items if h.enabled)
    lines.append(
        f"{len(bad)} of {judged} enabled sources unhealthy"
        if bad
        else f"all {judged} enabled sources healthy"
    )
    return "\n".join(lines)


def health_dicts(items: Sequence[SourceHealth]) -> list[dict[str, object]]:
    """JSON-friendly rows (for ``narrmon health --json`` and the dashboard table)."""
    return [
        {
            "source_id": h.source_id,
            "name": h.name,
            "enabled": h.enabled,
            "healthy": h.healthy,
            "last_success": h.last_success.isoformat() if h.last_success else None,
            "last_run_status": h.last_run_status,
            "articles_today": h.articles_today,
            "articles_last_day": h.articles_last_day,
            "baseline_per_day": h.baseline_per_day,
            "quarantine_share": h.quarantine_share,
            "feeds_total": h.feeds_total,
            "feeds_failing": h.feeds_failing,
            "reasons": list(h.reasons),
            "warnings": list(h.warnings),
        }
        for h in items
    ]

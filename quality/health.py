"""Feed health per source: last success, yield against its own baseline, quarantine share.

Reads the ground (``models``) only. ``narrmon health`` lists :func:`unhealthy` sources
and exits non-zero when there are any; the dashboards' feed-health page shows
:func:`feed_health` for every source.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.feed_health import (
    WindowCounts,
    aware,
    daily_counts,
    feed_states,
    last_runs,
    window_counts,
)
from models.schema import Source
from quality.records import SourceHealth
from quality.thresholds import HealthThresholds

DEFAULT_HEALTH_THRESHOLDS = HealthThresholds()

# Days of crawl history needed before a source's volume is judged: one week covers the
# weekday rhythm, so a quiet Sunday is not compared with a two-day-old baseline.
MIN_HISTORY_DAYS = 7


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
    now = aware(now) or datetime.now(UTC)
    today = now.date()
    last_day = today - timedelta(days=1)
    base_start = last_day - timedelta(days=t.baseline_days)

    runs = last_runs(session)
    counts = daily_counts(session, base_start, today)
    shares = window_counts(session, now - timedelta(days=t.quarantine_window_days))
    feeds = feed_states(session)

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
        window = shares.get(src.id, WindowCounts(0, 0, 0))
        q, stored, share = window.quarantined, window.stored, window.quarantine_share
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

"""Feed health per source: last success, yield against its own baseline, quarantine share,
failing feeds and stale-but-reachable feeds.

:func:`judge` takes the plain rows the ground returns (``models.feed_health``) and
decides; no SQL here. :func:`feed_health` is the one definition ``narrmon health``, the
DAG's ``feed health`` task and the dashboards' Outlets page use: it asks the ground for
the rows and judges them.

**Stale but reachable**: a source whose feeds answer (200 or 304 at their last check)
while its newest stored article was published longer ago than its limit (the source's
``freshness.max_age_hours``, default :attr:`HealthThresholds.stale_after_hours`). It is a
warning or, with ``freshness.when_stale: failure``, a reason the source is unhealthy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from models.feed_health import SourceFacts, aware, source_facts
from quality.records import SourceHealth
from quality.thresholds import HealthThresholds

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_HEALTH_THRESHOLDS = HealthThresholds()

# Days of crawl history needed before a source's volume is judged: one week covers the
# weekday rhythm, so a quiet Sunday is not compared with a two-day-old baseline.
MIN_HISTORY_DAYS = 7
# Feeds named in one reason: enough to point at the problem, short enough for one line.
FEEDS_NAMED = 3


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
    facts = source_facts(
        session,
        days_from=today - timedelta(days=1 + t.baseline_days),
        days_to=today,
        window_since=now - timedelta(days=t.quarantine_window_days),
        source_ids=source_ids,
    )
    return judge(facts, now=now, thresholds=t)


def judge(
    facts: Sequence[SourceFacts], *, now: datetime, thresholds: HealthThresholds | None = None
) -> list[SourceHealth]:
    """Judge each source's facts as of ``now``; sorted unhealthy first, then by id."""
    t = thresholds or DEFAULT_HEALTH_THRESHOLDS
    out = [_judge_one(f, now, t) for f in facts]
    out.sort(key=lambda h: (h.healthy, h.source_id))
    return out


def _judge_one(f: SourceFacts, now: datetime, t: HealthThresholds) -> SourceHealth:
    last_day = now.date() - timedelta(days=1)
    base_start = last_day - timedelta(days=t.baseline_days)
    start = max(base_start, f.first_run.date()) if f.first_run is not None else base_start
    history_days = max((last_day - start).days, 0)
    base_total = sum(n for d, n in f.per_day.items() if start <= d < last_day)
    baseline = base_total / history_days if history_days else 0.0
    failing = [f"{row.url}: {row.error or row.status}" for row in f.feeds if not row.works]
    health = SourceHealth(
        source_id=f.source_id,
        name=f.name,
        enabled=f.enabled,
        last_success=f.last_success,
        last_run_status=f.last_run_status,
        articles_today=f.per_day.get(now.date(), 0),
        articles_last_day=f.per_day.get(last_day, 0),
        baseline_per_day=round(baseline, 2),
        quarantine_share=f.window.quarantine_share,
        feeds_total=len(f.feeds),
        feeds_failing=len(failing),
        healthy=True,
        newest_article=f.newest_article,
    )
    if not f.enabled:
        health.warnings.append("disabled: not judged")
        return health

    if f.last_success is None:
        health.reasons.append("no successful crawl yet")
    else:
        hours = (now - f.last_success).total_seconds() / 3600
        if hours > t.max_hours_since_success:
            health.reasons.append(
                f"last successful crawl {hours:.0f} h ago (limit {t.max_hours_since_success:.0f} h)"
            )
    if f.feeds and len(failing) == len(f.feeds):
        health.reasons.append(
            f"all {len(f.feeds)} feeds failing: " + "; ".join(failing[:FEEDS_NAMED])
        )
    elif failing:
        health.warnings.append(
            f"{len(failing)} of {len(f.feeds)} feeds failing: " + "; ".join(failing[:FEEDS_NAMED])
        )
    stale = _stale(f, now, t)
    if stale is not None:
        failure = stale_policy(f.config, t) == "failure"
        (health.reasons if failure else health.warnings).append(stale)
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
    q, stored, share = f.window.quarantined, f.window.stored, f.window.quarantine_share
    if share is not None and q + stored >= t.min_items_for_share and share > t.max_quarantine_share:
        health.reasons.append(
            f"{share:.0%} of items quarantined in the last {t.quarantine_window_days} days "
            f"({q} of {q + stored}; limit {t.max_quarantine_share:.0%})"
        )
    health.healthy = not health.reasons
    return health


def _freshness(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The stored ``freshness`` entry of a source's config ({} when absent)."""
    value = config.get("freshness")
    return value if isinstance(value, Mapping) else {}


def stale_after_hours(config: Mapping[str, Any], thresholds: HealthThresholds) -> float:
    """The source's stale limit in hours: its ``freshness.max_age_hours``, else the default."""
    hours = _freshness(config).get("max_age_hours")
    return float(hours) if isinstance(hours, int | float) else thresholds.stale_after_hours


def stale_policy(config: Mapping[str, Any], thresholds: HealthThresholds) -> str:
    """``warning`` or ``failure``: the source's ``freshness.when_stale``, else the default."""
    policy = _freshness(config).get("when_stale")
    return policy if policy in ("warning", "failure") else thresholds.stale_policy


def _stale(f: SourceFacts, now: datetime, t: HealthThresholds) -> str | None:
    """The stale-but-reachable message, or None: feeds that answer while the newest
    stored article (or, with none stored, the first crawl) is older than the limit."""
    answering = [row.url for row in f.feeds if row.works]
    since = f.newest_article or f.first_run
    if not answering or since is None:
        return None
    hours = (now - since).total_seconds() / 3600
    limit = stale_after_hours(f.config, t)
    if hours <= limit:
        return None
    named = ", ".join(answering[:FEEDS_NAMED])
    if len(answering) > FEEDS_NAMED:
        named += f" and {len(answering) - FEEDS_NAMED} more"
    verb = "answers" if len(answering) == 1 else "answer"
    what = "newest stored article published" if f.newest_article else "no article stored since"
    return f"stale: {named} {verb} but {what} {hours:.0f} h ago (limit {limit:.0f} h)"


def unhealthy(
    session: Session, *, now: datetime, thresholds: HealthThresholds | None = None
) -> list[SourceHealth]:
    """The enabled sources that are unhealthy, with their reasons."""
    return [h for h in feed_health(session, now=now, thresholds=thresholds) if not h.healthy]


def format_report(items: Sequence[SourceHealth]) -> str:
    """Plain-text lines for ``narrmon health``: one per unhealthy source, one per warning
    of an enabled source, then a summary."""
    bad = [h for h in items if not h.healthy]
    lines = [f"UNHEALTHY {h.source_id}: " + "; ".join(h.reasons) for h in bad]
    lines += [f"WARNING {h.source_id}: {w}" for h in items if h.enabled for w in h.warnings]
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
            "newest_article": h.newest_article.isoformat() if h.newest_article else None,
            "reasons": list(h.reasons),
            "warnings": list(h.warnings),
        }
        for h in items
    ]

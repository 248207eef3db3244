"""Feed health and the quality Data Docs, for `narrmon health`, the run and the DAG."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models.db import session_factory
from narrmon.database import open_initialised
from narrmon.settings import Settings


@dataclass(frozen=True)
class HealthReport:
    """Per-source health rows, the unhealthy count, the printable report and the warnings
    (``"source: warning"``) of enabled sources."""

    rows: list[dict[str, Any]]
    unhealthy: int
    text: str
    warnings: list[str] = field(default_factory=list)


def check_health(settings: Settings, *, now: datetime | None = None) -> HealthReport:
    """Judge every source's feed health against its own baseline (quality.health)."""
    from quality.health import feed_health, format_report, health_dicts

    engine = open_initialised(settings.database_url, read_only=True)
    try:
        with session_factory(engine)() as session:
            items = feed_health(session, now=now or datetime.now(UTC))
    finally:
        engine.dispose()
    return HealthReport(
        rows=health_dicts(items),
        unhealthy=sum(1 for h in items if h.enabled and not h.healthy),
        text=format_report(items),
        warnings=[f"{h.source_id}: {w}" for h in items if h.enabled for w in h.warnings],
    )

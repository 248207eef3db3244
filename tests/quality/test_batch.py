"""Batch checks per crawl run and source."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from quality.batch import BATCH_CHECK_NAMES, check_batch, findings_dict
from quality.records import BatchStats
from quality.thresholds import BatchThresholds

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
HEALTHY = BatchStats(
    source_id="herald",
    run_id="r1",
    fetched=40,
    extracted=38,
    extraction_failures=2,
    quarantined=3,
    duplicates=5,
    feeds_total=2,
    feeds_zero_yield=0,
    newest_published_at=NOW - timedelta(hours=3),
    now=NOW,
)


def _by_name(stats: BatchStats) -> dict[str, bool]:
    return {f.name: f.ok for f in check_batch(stats)}


def test_a_healthy_run_passes_every_check() -> None:
    findings = check_batch(HEALTHY)
    assert [f.name for f in findings] == list(BATCH_CHECK_NAMES)
    assert all(f.ok for f in findings), [f.message for f in findings if not f.ok]
    rate = findings[0]
    assert rate.observed == 0.95 and rate.threshold == BatchThresholds().min_extraction_rate


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({"extracted": 20, "extraction_failures": 20}, "extraction_success_rate"),
        ({"quarantined": 20}, "quarantine_share"),
        ({"feeds_total": 3, "feeds_zero_yield": 2}, "zero_yield_feeds"),
        ({"newest_published_at": NOW - timedelta(days=5)}, "newest_item_freshness"),
        ({"duplicates": 37}, "duplicate_rate"),
    ],
)
def test_each_batch_check_fires(change: dict[str, object], failing: str) -> None:
    results = _by_name(replace(HEALTHY, **change))  # type: ignore[arg-type]
    assert [name for name, ok in results.items() if not ok] == [failing]


def test_small_runs_are_not_judged_on_rates() -> None:
    tiny = replace(HEALTHY, fetched=3, extracted=1, extraction_failures=2, quarantined=1)
    assert all(_by_name(tiny).values())


def test_an_empty_run_reports_but_does_not_alarm_on_freshness() -> None:
    empty = replace(
        HEALTHY,
        fetched=0,
        extracted=0,
        extraction_failures=0,
        quarantined=0,
        duplicates=0,
        feeds_zero_yield=2,
        newest_published_at=None,
    )
    results = _by_name(empty)
    assert results["zero_yield_feeds"] is False
    assert results["newest_item_freshness"] is True
    assert findings_dict(check_batch(empty))["zero_yield_feeds"]["message"] == (
        "2 of 2 feeds yielded no item: more than 50% of feeds"
    )

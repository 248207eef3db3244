"""Batch checks: one crawl run of one source, judged on its rates (configured checks).

Pure Python on the core's counts, so a run that extracted nothing (a dead feed) is
judged without loading Great Expectations. Each finding names its check, the observed
value and the threshold, in the spirit of spidermon's monitors.
"""

from __future__ import annotations

from quality.records import BatchFinding, BatchStats
from quality.thresholds import BatchThresholds

DEFAULT_BATCH_THRESHOLDS = BatchThresholds()

BATCH_CHECK_NAMES = (
    "extraction_success_rate",
    "quarantine_share",
    "zero_yield_feeds",
    "newest_item_freshness",
    "duplicate_rate",
)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def check_batch(stats: BatchStats, thresholds: BatchThresholds | None = None) -> list[BatchFinding]:
    """Judge one crawl run of one source; a finding with ``ok`` false needs attention.

    Rates are judged only when the run fetched at least ``min_pages_for_rates`` pages
    (otherwise the finding is ok, with a message saying so). Findings never stop a load:
    the core logs them and stores them on the crawl run.
    """
    t = thresholds or DEFAULT_BATCH_THRESHOLDS
    small = stats.fetched < t.min_pages_for_rates
    findings: list[BatchFinding] = []

    attempted = stats.extracted + stats.extraction_failures
    rate = _rate(stats.extracted, attempted)
    ok = small or rate is None or rate >= t.min_extraction_rate
    findings.append(
        BatchFinding(
            "extraction_success_rate",
            ok,
            rate,
            t.min_extraction_rate,
            f"{stats.extracted} of {attempted} pages extracted"
            + (" (too few pages to judge)" if small else "")
            + ("" if ok else f": below {t.min_extraction_rate:.0%}"),
        )
    )

    share = _rate(stats.quarantined, stats.extracted)
    ok = small or share is None or share <= t.max_quarantine_share
    findings.append(
        BatchFinding(
            "quarantine_share",
            ok,
            share,
            t.max_quarantine_share,
            f"{stats.quarantined} of {stats.extracted} extracted articles quarantined"
            + (" (too few pages to judge)" if small else "")
            + ("" if ok else f": above {t.max_quarantine_share:.0%}"),
        )
    )

    zero_share = _rate(stats.feeds_zero_yield, stats.feeds_total)
    ok = zero_share is None or zero_share <= t.max_zero_yield_share
    findings.append(
        BatchFinding(
            "zero_yield_feeds",
            ok,
            stats.feeds_zero_yield,
            t.max_zero_yield_share,
            f"{stats.feeds_zero_yield} of {stats.feeds_total} feeds yielded no item"
            + ("" if ok else f": more than {t.max_zero_yield_share:.0%} of feeds"),
        )
    )

    if stats.newest_published_at is None:
        # Nothing dated to judge: outlets without dates would alarm every hour, and a run
        # that yielded nothing is the zero-yield and extraction checks' business.
        findings.append(
            BatchFinding(
                "newest_item_freshness",
                True,
                None,
                t.max_newest_age.total_seconds() / 3600,
                "no publication time seen in this run; freshness not judged",
            )
        )
    else:
        age_h = (stats.now - stats.newest_published_at).total_seconds() / 3600
        limit_h = t.max_newest_age.total_seconds() / 3600
        ok = age_h <= limit_h
        findings.append(
            BatchFinding(
                "newest_item_freshness",
                ok,
                round(age_h, 2),
                limit_h,
                f"newest item published {age_h:.1f} h ago"
                + ("" if ok else f": older than {limit_h:.0f} h, is the feed updating?"),
            )
        )

    dup = _rate(stats.duplicates, stats.extracted)
    ok = small or dup is None or dup <= t.max_duplicate_rate
    findings.append(
        BatchFinding(
            "duplicate_rate",
            ok,
            dup,
            t.max_duplicate_rate,
            f"{stats.duplicates} of {stats.extracted} articles were copies of stored ones"
            + (" (too few pages to judge)" if small else "")
            + ("" if ok else f": above {t.max_duplicate_rate:.0%}"),
        )
    )
    return findings


def findings_dict(findings: list[BatchFinding]) -> dict[str, dict[str, object]]:
    """Findings as JSON for ``crawl_runs.stats`` (keyed by check name)."""
    return {
        f.name: {
            "ok": f.ok,
            "observed": f.observed,
            "threshold": f.threshold,
            "message": f.message,
        }
        for f in findings
    }

"""Short human summaries of a crawl and a load, for the end of an Airflow task's log.

The full JSON is the task's return value (its XCom); the log gets these few lines,
which read without scrolling sideways. Partial failures (some feeds, some pages) are
``WARNING`` lines here, not task failures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Reasons listed by name in a count line; the rest are summed as "other": a line stays
# short even when a crawl hits many kinds of failure.
MAX_REASONS = 5


def _reasons(counts: Mapping[str, Any]) -> str:
    """``"robots_disallowed 15, timeout 2"``, largest first."""
    items = sorted(((str(k), int(v)) for k, v in counts.items() if v), key=lambda kv: -kv[1])
    shown = [f"{k} {v}" for k, v in items[:MAX_REASONS]]
    rest = sum(v for _, v in items[MAX_REASONS:])
    if rest:
        shown.append(f"other {rest}")
    return ", ".join(shown)


def _feeds(out: Mapping[str, Any]) -> str:
    """``"2 ok, 1 not modified, 0 failed"``."""
    return (
        f"{int(out.get('feeds_ok') or 0)} ok, "
        f"{int(out.get('feeds_not_modified') or 0)} not modified, "
        f"{int(out.get('feeds_error') or 0)} failed"
    )


def crawl_report(out: Mapping[str, Any]) -> str:
    """A crawl task's summary: pages, failed URLs, feeds, seconds."""
    return "\n".join(
        [
            f"crawl of {out['source_id']}: {int(out.get('pages') or 0)} pages fetched, "
            f"{int(out.get('failures') or 0)} URLs not fetched, "
            f"in {float(out.get('crawl_seconds') or 0.0):.1f} s",
            f"  feeds: {_feeds(out)}",
        ]
    )


def source_report(out: Mapping[str, Any]) -> str:
    """A load task's summary: what the fetched pages became, failures, warnings, seconds."""
    syndicated = int(out.get("syndicated") or 0)
    lines = [
        f"load of {out['source_id']}: {out.get('status', 'ok')}, "
        f"{int(out.get('fetched') or 0)} pages fetched",
        # new + changed + unchanged + quarantined (+ repeats) = pages fetched; copies of
        # another outlet's story are stored, so they are some of the new or changed.
        f"  stored: {int(out.get('new') or 0)} new, {int(out.get('updated') or 0)} changed, "
        f"{int(out.get('unchanged') or 0)} unchanged"
        + (f" ({syndicated} of them copies of a story stored elsewhere)" if syndicated else ""),
        f"  quarantined: {int(out.get('quarantined') or 0)} "
        f"({int(out.get('extraction_failures') or 0)} failed extraction)",
    ]
    repeats = int(out.get("repeats") or 0)
    if repeats:
        lines.append(f"  repeats: {repeats} (pages of an article fetched twice in this run)")
    reasons = out.get("failure_reasons") or {}
    if reasons:
        lines.append(f"  URLs not fetched: {_reasons(reasons)}")
    lines.append(f"  feeds: {_feeds(out)}")
    lines.append(
        f"  seconds: crawl {float(out.get('crawl_seconds') or 0.0):.1f}, "
        f"extract {float(out.get('extract_seconds') or 0.0):.1f}, "
        f"load {float(out.get('load_seconds') or 0.0):.1f}, "
        f"task {float(out.get('task_seconds') or 0.0):.1f}"
    )
    lines.extend(f"  WARNING {w}" for w in source_warnings(out))
    return "\n".join(lines)


def source_warnings(out: Mapping[str, Any]) -> list[str]:
    """Partial failures of a source that was crawled: worth a look, not a failed task."""
    warnings = []
    if out.get("status") not in (None, "ok"):
        warnings.append(f"status {out['status']}: {out.get('error_message') or 'no message'}")
    failed = int(out.get("feeds_error") or 0)
    total = failed + int(out.get("feeds_ok") or 0) + int(out.get("feeds_not_modified") or 0)
    if failed:
        warnings.append(f"{failed} of {total} feeds failed (see feed health)")
    # URLs refused on purpose (robots.txt, off-site, private addresses) are the summary's
    # `refused` count, by the same rule as the run's: not a warning.
    from narrmon.pipeline.store import REFUSED_REASONS as benign

    retryable = int(out.get("retry_later") or 0)
    real = {k: v for k, v in (out.get("failure_reasons") or {}).items() if k not in benign}
    if real:
        warnings.append(
            f"{sum(int(v) for v in real.values())} URLs not fetched ({_reasons(real)}); "
            f"{retryable} will be retried next run"
        )
    return warnings

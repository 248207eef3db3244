"""Crawl-run bookkeeping: the known-URL list a crawl skips, and each source's run row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import store
from models.db import session_factory
from models.feed_health import REFUSED_STATUS
from models.schema import CrawlRun, QuarantineItem
from narrmon.summary import SourceSummary


def write_known_urls(
    session: Session, source_id: str, path: Path, *, now: datetime | None = None
) -> int:
    """Write the URLs the crawler must not fetch in this run.

    Those stored, those quarantined for good, and those waiting for a retry whose
    server asked (Retry-After on a 429 or 503) not to be asked again before a later time.
    """
    now = now or datetime.now(UTC)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for url in store.known_urls(session, source_id):
            fh.write(url + "\n")
            count += 1
        for url in session.scalars(
            select(QuarantineItem.url).where(
                QuarantineItem.source_id == source_id,
                QuarantineItem.status.in_(("pending", REFUSED_STATUS)),
            )
        ):
            fh.write(url + "\n")
            count += 1
        for url in not_yet_due(session, source_id, now):
            fh.write(url + "\n")
            count += 1
    return count


def not_yet_due(session: Session, source_id: str, now: datetime) -> list[str]:
    """Retry-pending URLs whose Retry-After has not elapsed yet (skipped until it has)."""
    waiting: list[str] = []
    rows = session.execute(
        select(QuarantineItem.url, QuarantineItem.fetched_at, QuarantineItem.payload).where(
            QuarantineItem.source_id == source_id, QuarantineItem.status == "retry"
        )
    )
    for url, fetched_at, payload in rows:
        retry_after = (payload or {}).get("retry_after")
        if not retry_after or fetched_at is None:
            continue
        if fetched_at + timedelta(seconds=float(retry_after)) > now:
            waiting.append(url)
    return waiting


def begin_crawl_run(engine: Engine, run_id: str, source_id: str) -> None:
    """Record that a source's crawl started (idempotent for a retried task)."""
    with session_factory(engine).begin() as session:
        row = session.scalar(
            select(CrawlRun).where(CrawlRun.run_id == run_id, CrawlRun.source_id == source_id)
        )
        if row is None:
            session.add(
                CrawlRun(
                    run_id=run_id, source_id=source_id, started_at=store.now_utc(), status="running"
                )
            )


def finish_crawl_run(
    engine: Engine, run_id: str, summary: SourceSummary, stats: dict[str, Any]
) -> None:
    """Store the source's counts and status on its crawl-run row."""
    with session_factory(engine).begin() as session:
        row = session.scalar(
            select(CrawlRun).where(
                CrawlRun.run_id == run_id, CrawlRun.source_id == summary.source_id
            )
        )
        if row is None:
            row = CrawlRun(run_id=run_id, source_id=summary.source_id, started_at=store.now_utc())
            session.add(row)
        row.finished_at = store.now_utc()
        row.status = summary.status
        row.fetched = summary.fetched
        row.new = summary.new
        row.updated = summary.updated
        row.duplicates = summary.unchanged + summary.syndicated
        row.quarantined = summary.quarantined
        row.errors = summary.errors
        row.error_message = summary.error_message
        row.stats = {**stats, "summary": summary.as_dict()}

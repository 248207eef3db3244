"""Crawl-run bookkeeping: the known-URL list a crawl skips, and each source's run row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import store
from models.db import session_factory
from models.schema import CrawlRun, QuarantineItem
from narrmon.summary import SourceSummary


def write_known_urls(session: Session, source_id: str, path: Path) -> int:
    """Write the URLs the crawler must not fetch again: stored, or quarantined for good."""
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for url in store.known_urls(session, source_id):
            fh.write(url + "\n")
            count += 1
        for url in session.scalars(
            select(QuarantineItem.url).where(
                QuarantineItem.source_id == source_id, QuarantineItem.status == "pending"
            )
        ):
            fh.write(url + "\n")
            count += 1
    return count


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

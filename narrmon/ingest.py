"""Load one source's crawl output: extract, tag, gate, store, in batch transactions.

The crawl process leaves pages (pointers into the WARC archive), failures and feed
outcomes on disk. This module turns them into stored articles, tags and quarantine
rows. Each batch is one transaction: a crash loses at most the batch in flight, whose
URLs are not yet known and so are fetched again by the next run.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawlers.job import CrawlResult
from crawlers.registry import SourceConfig
from crawlers.urls import canonical_url
from models import store
from models.db import session_factory
from models.rollups import dirty_days, rebuild_day
from narrmon.gating import batch_checks
from narrmon.loading import load_outcomes, record_fetch_failures
from narrmon.pages import PageTask, batched, process_pages
from narrmon.summary import SourceSummary

log = logging.getLogger(__name__)


# Pages per load transaction: a crash re-fetches at most this many pages; 200 keeps
# each commit around a second of extraction work on two cores.
LOAD_BATCH = 200


def _page_task(page: dict[str, Any]) -> PageTask:
    return PageTask(
        url=page["url"],
        final_url=page.get("final_url") or page["url"],
        canonical_url=page.get("canonical_url") or canonical_url(page["url"]),
        warc_path=page["warc_path"],
        warc_offset=int(page["warc_offset"]),
        warc_record_id=page.get("warc_record_id"),
        content_type=page.get("content_type"),
        fetched_at=page["fetched_at"],
        feed=page.get("feed") or {},
    )


def ingest_crawl(
    engine: Engine,
    source: SourceConfig,
    result: CrawlResult,
    run_id: str,
    pool: Executor | None,
    *,
    taxonomy_version: str,
    data_dir: Path,
) -> SourceSummary:
    """Load everything one source's crawl left behind; rollups are the caller's job."""
    summary = SourceSummary(source_id=source.id)
    summary.feeds_ok = result.feeds_ok
    summary.feeds_not_modified = result.feeds_not_modified
    summary.feeds_error = result.feeds_error
    if not result.ok:
        summary.status = "failed"
        tail = result.stderr_tail.strip().splitlines()[-1:] if result.stderr_tail else []
        summary.error_message = (
            "crawl timed out"
            if result.timed_out
            else f"crawl process exited {result.exit_code}: {' '.join(tail)}"
        )
    pages = [_page_task(p) for p in result.read_pages()]
    summary.fetched = len(pages)
    factory = session_factory(engine)
    unique = list({p.canonical_url: p for p in pages}.values())
    started = time.perf_counter()
    for outcomes in batched(process_pages(unique, pool), LOAD_BATCH):
        summary.extract_seconds += sum(o.seconds for o in outcomes)
        load_started = time.perf_counter()
        with factory.begin() as session:
            load_outcomes(
                session,
                source,
                outcomes,
                run_id,
                summary,
                taxonomy_version=taxonomy_version,
                data_dir=data_dir,
            )
        summary.load_seconds += time.perf_counter() - load_started
    with factory.begin() as session:
        record_fetch_failures(session, source, result.read_failures(), run_id, summary)
        store.record_feed_states(session, source.id, result.read_feeds())
    summary.ingest_seconds = time.perf_counter() - started
    summary.batch_checks = batch_checks(
        source_id=source.id,
        run_id=run_id,
        fetched=summary.fetched,
        extracted=summary.fetched - summary.extraction_failures,
        extraction_failures=summary.extraction_failures,
        quarantined=summary.quarantined,
        duplicates=summary.unchanged + summary.syndicated,
        feeds=result.read_feeds(),
        newest_published_at=summary.newest_published_at,
    )
    if (
        summary.status == "ok"
        and summary.feeds_error
        and not (summary.feeds_ok or summary.feeds_not_modified)
    ):
        summary.status = "failed"
        summary.error_message = summary.error_message or "every feed failed"
    return summary


def rebuild_dirty(engine: Engine) -> int:
    """Rebuild the rollups of every day marked dirty, one small transaction per day.

    Days are marked in the same transaction as the articles and tags that changed them,
    so after a crash the next call still finds every stale day.
    """
    total = 0
    factory = session_factory(engine)
    with factory() as session:
        days = dirty_days(session)
    for day in days:
        with factory.begin() as session:
            total += rebuild_day(session, day)
    return total

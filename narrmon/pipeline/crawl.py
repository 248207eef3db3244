"""Crawl stage: a source's crawl job (known URLs, validators, its crawl-run row) and the
crawl process itself; takes source configs, returns ``CrawlResult`` records whose pages
sit in ``pages.jsonl`` and the WARC archive."""

from __future__ import annotations

import logging
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawlers.job import LOG_FILE, CrawlJob, CrawlResult
from crawlers.registry import SourceConfig
from crawlers.runner import run_crawls
from models import store
from models.db import session_factory
from models.quarantine_status import QuarantineStatus
from models.schema import CrawlRun, QuarantineItem
from narrmon.settings import Settings
from narrmon.summary import SourceSummary

log = logging.getLogger(__name__)

# Log of the run's crawl process (all sources), under the run's staging folder.
CRAWL_LOG = "crawl.log"


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
                QuarantineItem.status.in_((QuarantineStatus.PENDING, QuarantineStatus.REFUSED)),
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
            QuarantineItem.source_id == source_id, QuarantineItem.status == QuarantineStatus.RETRY
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


def prepare_crawl(
    settings: Settings, engine: Engine, source: SourceConfig, run_id: str
) -> CrawlJob:
    """The crawl job of one source: validators and known URLs read, crawl run begun."""
    out_dir = settings.staging_dir / run_id / source.id
    out_dir.mkdir(parents=True, exist_ok=True)
    known = out_dir / "known_urls.txt"
    with session_factory(engine)() as session:
        validators = store.feed_validators(session, source.id)
        n_known = write_known_urls(session, source.id, known)
    begin_crawl_run(engine, run_id, source.id)
    log.debug("crawl %s: %d feeds, %d URLs already known", source.id, len(source.feeds), n_known)
    return CrawlJob(
        run_id=run_id,
        source=source.to_dict(),
        out_dir=str(out_dir),
        archive_path=str(settings.archive_dir / f"{run_id}-{source.id}.warc.gz"),
        user_agent=settings.user_agent,
        validators=validators,
        known_urls_file=str(known),
        deadline_s=settings.source_deadline,
    )


def crawl_source(
    settings: Settings, engine: Engine, source: SourceConfig, run_id: str
) -> CrawlResult:
    """Crawl one source in its own process; outputs land under the staging folder."""
    return crawl_sources(settings, [prepare_crawl(settings, engine, source, run_id)])[0]


def crawl_log_path(jobs: list[CrawlJob]) -> Path:
    """Where Scrapy's own log of these jobs' crawl process goes (it never reaches stderr):
    the run's staging folder for a group crawl, the source's folder for a single one."""
    if len(jobs) > 1:
        return Path(jobs[0].out_dir).parent / CRAWL_LOG
    return Path(jobs[0].out_dir) / LOG_FILE


def clean_staging(jobs: list[CrawlJob]) -> None:
    """Remove the sources' staged outputs once they are stored; the run's crawl log stays.

    Called only after a cycle completed: a crashed run keeps its files for a look.
    """
    for job in jobs:
        shutil.rmtree(job.out_dir, ignore_errors=True)


def crawl_sources(
    settings: Settings, jobs: list[CrawlJob], log_path: Path | None = None
) -> list[CrawlResult]:
    """Crawl the jobs' sources concurrently in one process; one result per job, in order.

    Scrapy logs to ``log_path`` (default: :func:`crawl_log_path`).
    """
    started = time.monotonic()
    if log_path is None and len(jobs) > 1:
        log_path = crawl_log_path(jobs)
    results = run_crawls(jobs, timeout=settings.crawl_timeout, log_path=log_path)
    for job, result in zip(jobs, results, strict=True):
        # DEBUG: the CLI's progress lines and the DAG's "ingested" line already say it.
        log.debug(
            "crawl %s finished in %.1fs: %d pages, %d failures, exit %d",
            job.source["id"],
            float(result.stats.get("elapsed_s") or time.monotonic() - started),
            result.pages,
            result.failures,
            result.exit_code,
        )
    return results

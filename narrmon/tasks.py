"""The run cycle cut into steps with plain-JSON inputs and outputs, for Airflow tasks.

Each function opens what it needs from the settings and returns small dicts, so a DAG
task is one call and its XCom stays tiny. They call the same functions as `narrmon run`.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawlers.job import CrawlJob, CrawlResult
from crawlers.registry import SourceConfig
from crawlers.runner import collect_result
from models import store
from models.db import session_factory
from narrmon.bootstrap import read_sources, sync_catalogue, upgrade_schema
from narrmon.database import open_engine
from narrmon.errors import NarrmonError
from narrmon.locks import load_lock
from narrmon.pipeline.crawl import crawl_source, finish_crawl_run
from narrmon.pipeline.extract import make_pool
from narrmon.pipeline.gate import warm_up_gate
from narrmon.pipeline.ingest import ingest_crawl, listed_feeds
from narrmon.pipeline.rollups import rebuild_dirty
from narrmon.pipeline.run import select_sources
from narrmon.pipeline.store import record_fetch_failures
from narrmon.pipeline.tag import taxonomy_version
from narrmon.settings import Settings, load_settings
from narrmon.summary import SourceSummary
from narrmon.task_report import crawl_report, source_report

log = logging.getLogger(__name__)

# Feed errors quoted in a dead source's failure message: enough to name the cause
# (usually the same error on every feed) without burying it.
CAUSE_FEEDS = 3


def prepare(settings: Settings | None = None) -> list[str]:
    """Upgrade the schema, sync sources and taxonomy; return the enabled source ids."""
    settings = settings or load_settings()
    sources = select_sources(settings, None)
    engine = open_engine(settings.database_url)
    try:
        upgrade_schema(settings, engine)
        sync_catalogue(engine, read_sources(settings.sources_path))
    finally:
        engine.dispose()
    return [s.id for s in sources]


def crawl(source_id: str, run_id: str, settings: Settings | None = None) -> dict[str, Any]:
    """Crawl one source in its own process; returns where its outputs are staged.

    Raises NarrmonError, with the cause, when the source is dead: the crawl process
    failed or timed out, or every feed failed (refused, DNS, timeout, HTTP error after
    the crawler's own retries). The outcome is recorded first (the crawl run as failed,
    the feeds' errors), so feed health and the dashboards see it; the task then fails
    and retries alone, other sources' crawls being independent. Failed pages or some
    failed feeds are not a dead source: they are warnings in the load's summary.
    """
    settings = settings or load_settings()
    (source,) = select_sources(settings, None, [source_id])
    engine = open_engine(settings.database_url)
    started = time.perf_counter()
    try:
        result = crawl_source(settings, engine, source, run_id)
        # Wall time of the crawl process, start-up included: what the operator waited.
        # (Scrapy's own elapsed time counts from the spider's opening only.)
        seconds = round(time.perf_counter() - started, 3)
        cause = dead_crawl_cause(source_id, result)
        if cause is not None:
            record_dead_crawl(engine, settings, source, result, run_id, cause, seconds)
    finally:
        engine.dispose()
    out = {
        "source_id": source_id,
        "run_id": run_id,
        "out_dir": result.out_dir,
        "exit_code": result.exit_code,
        "timed_out": result.timed_out,
        "pages": result.pages,
        "failures": result.failures,
        "feeds_ok": result.feeds_ok,
        "feeds_not_modified": result.feeds_not_modified,
        "feeds_error": result.feeds_error,
        "crawl_seconds": seconds,
    }
    log.info("%s", crawl_report(out))
    if cause is not None:
        raise NarrmonError(cause)
    return out


def dead_crawl_cause(source_id: str, result: CrawlResult) -> str | None:
    """Why a source's crawl yielded nothing usable, or None when it is alive.

    Dead: the crawl process failed or timed out, or every feed failed. A source whose
    feeds all answered 304 Not Modified is alive (nothing new is not a failure).
    """
    if result.timed_out:
        return f"crawl of {source_id} timed out: {result.stderr_tail.strip()[-500:]}"
    if result.exit_code != 0:
        return (
            f"crawl of {source_id} failed (exit {result.exit_code}): "
            f"{result.stderr_tail.strip()[-500:]}"
        )
    if result.feeds_error and not (result.feeds_ok or result.feeds_not_modified):
        failed = [f for f in result.read_feeds() if f.get("outcome") == "error"]
        # The first line names the cause in a few words (the UI cuts long lines):
        # "connection_error", "dns_error", "timeout", "http_503", ...
        reasons = sorted({str(f.get("error") or "error").split(":", 1)[0] for f in failed})
        lines = [f"every feed of {source_id} failed ({', '.join(reasons)}):"]
        lines += [f"  {f.get('feed_url')}: {f.get('error')}" for f in failed[:CAUSE_FEEDS]]
        if len(failed) > CAUSE_FEEDS:
            lines.append(f"  ... and {len(failed) - CAUSE_FEEDS} more")
        return "\n".join(lines)
    return None


def record_dead_crawl(
    engine: Engine,
    settings: Settings,
    source: SourceConfig,
    result: CrawlResult,
    run_id: str,
    cause: str,
    seconds: float,
) -> None:
    """Store a dead crawl's feed errors and fetch failures; mark its crawl run failed.

    What the load task would store from a crawl without pages, minus the extraction and
    the quality gate (there is nothing to check): the load task will not run.
    """
    summary = SourceSummary(
        source_id=source.id,
        status="failed",
        error_message=cause,
        feeds_ok=result.feeds_ok,
        feeds_not_modified=result.feeds_not_modified,
        feeds_error=result.feeds_error,
        crawl_seconds=seconds,
    )
    with load_lock(engine, settings.data_dir):
        with session_factory(engine).begin() as session:
            record_fetch_failures(session, source, result.read_failures(), run_id, summary)
            feeds = result.read_feeds()
            store.record_feed_states(session, source.id, feeds)
            store.retire_unlisted_feeds(session, source.id, listed_feeds(source, feeds))
        finish_crawl_run(engine, run_id, summary, result.stats)


def ingest(crawled: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """Extract, tag, gate and store one source's staged crawl; returns its summary."""
    started = time.perf_counter()
    settings = settings or load_settings()
    (source,) = select_sources(settings, None, [crawled["source_id"]])
    job = CrawlJob.load(Path(crawled["out_dir"]) / "job.json")
    result = collect_result(
        job, int(crawled["exit_code"]), "", timed_out=bool(crawled.get("timed_out"))
    )
    engine = open_engine(settings.database_url)
    pool = make_pool(settings.workers, settings.vector_cache)
    # Import Great Expectations (seconds of CPU) before taking the database's load lock,
    # not while holding it: parallel ingest tasks would otherwise queue behind each import.
    warm_up = warm_up_gate(settings.data_dir)
    if warm_up is not None:
        warm_up.join()
    try:
        with load_lock(engine, settings.data_dir):
            summary = ingest_crawl(
                engine,
                source,
                result,
                crawled["run_id"],
                pool,
                taxonomy_version=taxonomy_version(),
                data_dir=settings.data_dir,
                story_window_days=settings.story_window_days,
            )
            summary.crawl_seconds = float(crawled.get("crawl_seconds") or 0.0)
            finish_crawl_run(engine, crawled["run_id"], summary, result.stats)
    finally:
        if pool is not None:
            pool.shutdown()
        engine.dispose()
    out = summary.as_dict()
    out["days"] = sorted(d.isoformat() for d in summary.days)
    out["task_seconds"] = round(time.perf_counter() - started, 3)
    # The full summary is the task's return value (XCom); the log gets a few lines.
    log.info("%s", source_report(out))
    return out


def rollups(summaries: list[dict[str, Any]] | None = None, settings: Settings | None = None) -> int:
    """Rebuild the rollups of every day marked dirty (by these or any earlier loads)."""
    settings = settings or load_settings()
    engine = open_engine(settings.database_url)
    try:
        with load_lock(engine, settings.data_dir):
            return rebuild_dirty(engine)
    finally:
        engine.dispose()


def health(settings: Settings | None = None) -> dict[str, Any]:
    """Build the quality Data Docs and judge feed health; raise when a source is unhealthy.

    Warnings (a feed of several failing, a stale source under the warning policy) are in
    the logged report and the returned ``warnings``; they leave the task green.
    """
    from narrmon.health import check_health
    from narrmon.pipeline.gate import build_quality_docs

    settings = settings or load_settings()
    docs = build_quality_docs(settings.data_dir)  # logs where they are
    report = check_health(settings)
    log.info("feed health:\n%s", report.text)
    if report.unhealthy:
        raise NarrmonError(f"{report.unhealthy} unhealthy source(s):\n{report.text}")
    return {"docs": docs, "unhealthy": 0, "warnings": report.warnings}


def retag(
    since: str | None = None, source_ids: list[str] | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Re-tag stored articles with the current taxonomy (the retag DAG's task)."""
    from narrmon.maintenance.retag import retag_all

    settings = settings or load_settings()
    out = retag_all(
        settings, since=date.fromisoformat(since) if since else None, source_ids=source_ids or ()
    )
    return {
        "articles": out.articles,
        "tags": out.tags,
        "taxonomy_version": out.taxonomy_version,
        "rollup_rows": out.rollup_rows,
    }

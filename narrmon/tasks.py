"""The run cycle cut into steps with plain-JSON inputs and outputs, for Airflow tasks.

Each function opens what it needs from the settings and returns small dicts, so a DAG
task is one call and its XCom stays tiny. They call the same functions as `narrmon run`.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from crawlers.job import CrawlJob
from crawlers.runner import collect_result
from narrmon.bootstrap import read_sources, sync_catalogue, upgrade_schema
from narrmon.crawlruns import finish_crawl_run
from narrmon.cycle import crawl_source, select_sources, taxonomy_version
from narrmon.database import open_engine
from narrmon.errors import NarrmonError
from narrmon.gating import warm_up_gate
from narrmon.ingest import ingest_crawl, rebuild_dirty
from narrmon.locks import load_lock
from narrmon.pages import make_pool
from narrmon.settings import Settings, load_settings

log = logging.getLogger(__name__)


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

    Raises NarrmonError when the crawl process failed, so the task fails (and retries)
    alone: other sources' crawls are independent.
    """
    settings = settings or load_settings()
    (source,) = select_sources(settings, None, [source_id])
    engine = open_engine(settings.database_url)
    try:
        result = crawl_source(settings, engine, source, run_id)
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
    }
    if not result.ok:
        raise NarrmonError(
            f"crawl of {source_id} failed (exit {result.exit_code}"
            f"{', timed out' if result.timed_out else ''}): "
            f"{result.stderr_tail.strip()[-500:]}"
        )
    return out


def ingest(crawled: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """Extract, tag, gate and store one source's staged crawl; returns its summary."""
    settings = settings or load_settings()
    (source,) = select_sources(settings, None, [crawled["source_id"]])
    job = CrawlJob.load(Path(crawled["out_dir"]) / "job.json")
    result = collect_result(
        job, int(crawled["exit_code"]), "", timed_out=bool(crawled.get("timed_out"))
    )
    engine = open_engine(settings.database_url)
    pool = make_pool(settings.workers)
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
            finish_crawl_run(engine, crawled["run_id"], summary, result.stats)
    finally:
        if pool is not None:
            pool.shutdown()
        engine.dispose()
    out = summary.as_dict()
    out["days"] = sorted(d.isoformat() for d in summary.days)
    log.info(
        "ingested %s: %s", source.id, json.dumps({k: v for k, v in out.items() if k != "days"})
    )
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
    """Build the quality Data Docs and judge feed health; raise when a source is unhealthy."""
    from narrmon.health import build_quality_docs, check_health

    settings = settings or load_settings()
    docs = build_quality_docs(settings)
    if docs:
        log.info("quality Data Docs: file://%s", docs)
    report = check_health(settings)
    log.info("feed health:\n%s", report.text)
    if report.unhealthy:
        raise NarrmonError(f"{report.unhealthy} unhealthy source(s):\n{report.text}")
    return {"docs": docs, "unhealthy": 0}


def retag(
    since: str | None = None, source_ids: list[str] | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Re-tag stored articles with the current taxonomy (the retag DAG's task)."""
    from narrmon.retagging import retag_all

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

"""The run cycle: crawl → extract → gate → tag → dedupe → store → rollups, for every source.

`narrmon run` calls :func:`run_cycle`: every source crawls in one process while its pages
stream through the stages (:class:`narrmon.pipeline.ingest.SourceIngest`). The Airflow DAG
calls the same stages task by task (``narrmon.tasks``: ``crawl_source``, ``ingest_crawl``,
``rebuild_dirty``).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, InvalidStateError, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawlers.job import DEADLINE_REASON, PAGES_FILE, STATS_FILE, CrawlJob, CrawlResult
from crawlers.registry import SourceConfig
from crawlers.runner import collect_result
from narrmon.bootstrap import read_sources, sync_catalogue, upgrade_schema
from narrmon.database import open_engine
from narrmon.errors import NarrmonError
from narrmon.locks import load_lock
from narrmon.pipeline.crawl import (
    CRAWL_LOG,
    clean_staging,
    crawl_sources,
    finish_crawl_run,
    prepare_crawl,
)
from narrmon.pipeline.extract import make_pool
from narrmon.pipeline.gate import build_quality_docs, warm_up_gate
from narrmon.pipeline.ingest import PageTail, SourceIngest
from narrmon.pipeline.rollups import rebuild_dirty
from narrmon.pipeline.tag import taxonomy_version
from narrmon.settings import Settings
from narrmon.summary import SourceProgress, SourceSummary

log = logging.getLogger(__name__)

# Pages handed to the extraction pool and not yet stored, over all sources: about 10 s of
# extraction on two cores, so the pool keeps working while the first batch waits for the
# Great Expectations import or a load commits, and memory stays flat with the run's size.
MAX_IN_FLIGHT = 1000
# How often a live progress display is refreshed (s): smooth to the eye, negligible CPU.
PROGRESS_EVERY_S = 0.5
# How long the streaming loop sleeps when no crawl wrote a page and no chunk finished (s).
STREAM_POLL_S = 0.05


@dataclass
class CycleSummary:
    """The outcome of one ingestion cycle, per source and in total."""

    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    sources: list[SourceSummary] = field(default_factory=list)
    rollup_rows: int = 0
    docs_path: str | None = None
    crawl_log: str | None = None

    def totals(self) -> dict[str, int]:
        """Counts summed over sources."""
        keys = (
            "fetched",
            "new",
            "updated",
            "unchanged",
            "syndicated",
            "quarantined",
            "repeats",
            "errors",
            "refused",
        )
        return {k: sum(int(getattr(s, k)) for s in self.sources) for k in keys}

    def timings(self) -> dict[str, float]:
        """Seconds per phase summed over sources (crawl and extraction overlap in time)."""
        keys = ("crawl_seconds", "ingest_seconds", "extract_seconds", "load_seconds")
        return {k: round(sum(float(getattr(s, k)) for s in self.sources), 3) for k in keys}

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (the `narrmon run --json` output)."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "totals": self.totals(),
            "timings": self.timings(),
            "rollup_rows": self.rollup_rows,
            "quality_docs": self.docs_path,
            "crawl_log": self.crawl_log,
            "sources": [s.as_dict() for s in self.sources],
        }


def new_run_id() -> str:
    """A sortable, unique run id (UTC timestamp plus a random suffix)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def select_sources(
    settings: Settings, sources_path: Path | None, only: Sequence[str] = ()
) -> list[SourceConfig]:
    """The enabled sources to run (all, or the ids in ``only``; unknown ids are an error)."""
    sources = read_sources(sources_path or settings.sources_path)
    if only:
        by_id = {s.id: s for s in sources}
        unknown = [i for i in only if i not in by_id]
        if unknown:
            raise NarrmonError(f"unknown source id(s): {', '.join(unknown)}")
        return [by_id[i] for i in only]
    return [s for s in sources if s.enabled]


def _progress_ticker(
    streams: list[_Stream], report: Callable[[list[SourceProgress]], None]
) -> Callable[[], None]:
    """A function the streaming loop calls often; it reports at most every PROGRESS_EVERY_S."""
    last = [0.0]

    def tick() -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_S:
            return
        last[0] = now
        report([st.ingest.progress(done=st.finished) for st in streams])

    return tick


@dataclass
class _Stream:
    """One source in a streaming run: its crawl, the tail of its pages file, its loader."""

    source: SourceConfig
    job: CrawlJob
    crawl: Future[CrawlResult]
    tail: PageTail
    ingest: SourceIngest
    finished: bool = False

    def crawl_done(self) -> bool:
        """Whether this source's crawl is over: its process ended, or its crawler closed.

        In a crawl process with several sources, a crawler that finished writes its
        ``stats.json`` at once; its result is taken from there, so the source is loaded
        and summed up while slower sources still crawl. A crawler stopped for any other
        reason waits for the process's own verdict (timeout, exit code).
        """
        if self.crawl.done():
            return True
        if not (Path(self.job.out_dir) / STATS_FILE).exists():
            return False
        result = collect_result(self.job, 0, "")
        if result.finish_reason not in ("finished", DEADLINE_REASON):
            return False
        with contextlib.suppress(InvalidStateError):
            self.crawl.set_result(result)
        return True


def _stream_crawls(
    engine: Engine, run_id: str, streams: list[_Stream], tick: Callable[[], None] = lambda: None
) -> Iterator[SourceSummary]:
    """Extract and load pages while their crawls still run; yield each finished source.

    Pages go to the extraction pool as soon as a crawl archives them, so both cores work
    from the first page; at most ``MAX_IN_FLIGHT`` pages wait between the pool and the
    database, which keeps memory flat however many pages a run fetches.
    """
    active = list(streams)
    while active:
        tick()
        moved = False
        for st in list(active):
            crawl_done = st.crawl_done()
            gate_ready = st.ingest.ready_to_load()
            # Until the gate is ready nothing loads, so extracted pages count too.
            held = sum(
                s.ingest.in_pool + s.ingest.in_tagging + (0 if gate_ready else len(s.ingest.ready))
                for s in active
            )
            drained = False
            if held < MAX_IN_FLIGHT:
                pages = st.tail.read(MAX_IN_FLIGHT - held, final=crawl_done)
                drained = crawl_done and st.tail.at_eof
                moved = st.ingest.add_pages(pages) > 0 or moved
            moved = st.ingest.poll() or moved
            # Finish a source once its crawl is over, its file drained, its chunks all back
            # and the gate ready: the loop never blocks on the pool or on the GX import.
            if drained and not st.ingest.futures() and gate_ready:
                result = st.crawl.result()  # a crawl that raised aborts the run, as before
                src_summary = st.ingest.finish(result)
                src_summary.crawl_seconds = float(result.stats.get("elapsed_s") or 0.0)
                with st.ingest.lock():
                    finish_crawl_run(engine, run_id, src_summary, result.stats)
                active.remove(st)
                st.finished = True
                moved = True
                yield src_summary
        if not moved:
            waiting: list[Future[Any]] = [s.crawl for s in active if not s.crawl.done()]
            for s in active:
                waiting.extend(s.ingest.futures())
            wait(waiting, timeout=STREAM_POLL_S, return_when=FIRST_COMPLETED)


def _one_result(group: Future[list[CrawlResult]], index: int) -> Future[CrawlResult]:
    """A future for one job's result of a crawl process that runs several jobs."""
    one: Future[CrawlResult] = Future()

    def settle(done: Future[list[CrawlResult]]) -> None:
        # The source may have been settled already, from its own stats.json.
        with contextlib.suppress(InvalidStateError):
            exc = done.exception()
            if exc is not None:
                one.set_exception(exc)
            else:
                one.set_result(done.result()[index])

    group.add_done_callback(settle)
    return one


def run_cycle(
    settings: Settings,
    *,
    sources_path: Path | None = None,
    only: Sequence[str] = (),
    on_source: Callable[[SourceSummary], None] | None = None,
    on_progress: Callable[[list[SourceProgress]], None] | None = None,
) -> CycleSummary:
    """One full ingestion cycle over the selected sources; returns per-source counts.

    ``on_source`` gets each source's summary as it finishes; ``on_progress`` gets every
    source's standing at most every ``PROGRESS_EVERY_S`` while the crawls run.
    """
    sources = select_sources(settings, sources_path, only)
    engine = open_engine(settings.database_url)
    summary = CycleSummary(run_id=new_run_id(), started_at=datetime.now(UTC))
    try:
        upgrade_schema(settings, engine)
        sync_catalogue(engine, read_sources(sources_path or settings.sources_path))
        version = taxonomy_version()
        gx_warm_up = warm_up_gate(settings.data_dir)
        pool = make_pool(settings.workers, settings.vector_cache)
        try:
            jobs = [prepare_crawl(settings, engine, src, summary.run_id) for src in sources]
            # All sources crawl side by side in one process (one Scrapy start-up, one
            # process's memory); each source's pages stream to the pool as they arrive.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl") as crawls:
                # The log sits beside (not inside) the sources' folders, which are removed
                # once their pages are stored.
                run_log = settings.staging_dir / summary.run_id / CRAWL_LOG
                group = crawls.submit(crawl_sources, settings, jobs, run_log)
                streams = [
                    _Stream(
                        source,
                        job,
                        _one_result(group, i),
                        PageTail(Path(job.out_dir) / PAGES_FILE),
                        SourceIngest(
                            engine,
                            source,
                            summary.run_id,
                            pool,
                            taxonomy_version=version,
                            data_dir=settings.data_dir,
                            story_window_days=settings.story_window_days,
                            lock=lambda: load_lock(engine, settings.data_dir),
                            ready_to_load=lambda: gx_warm_up is None or not gx_warm_up.is_alive(),
                        ),
                    )
                    for i, (source, job) in enumerate(zip(sources, jobs, strict=True))
                ]
                summary.crawl_log = str(run_log) if jobs else None
                tick = _progress_ticker(streams, on_progress) if on_progress else lambda: None
                for src_summary in _stream_crawls(engine, summary.run_id, streams, tick):
                    summary.sources.append(src_summary)
                    if on_source is not None:
                        on_source(src_summary)
        finally:
            if pool is not None:
                pool.shutdown()
        with load_lock(engine, settings.data_dir):
            summary.rollup_rows = rebuild_dirty(engine)
        summary.docs_path = build_quality_docs(settings.data_dir)
        clean_staging(jobs)
    finally:
        engine.dispose()
    summary.sources.sort(key=lambda s: s.source_id)
    summary.finished_at = datetime.now(UTC)
    return summary

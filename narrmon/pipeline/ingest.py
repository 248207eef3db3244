"""Load one source's crawl output through the stages: extract, gate, tag, store, in batches.

The crawl process leaves pages (pointers into the WARC archive), failures and feed
outcomes on disk. This module turns them into stored articles, tags and quarantine
rows. Each batch is one transaction: a crash loses at most the batch in flight, whose
URLs are not yet known and so are fetched again by the next run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawlers.items import PageRecord
from crawlers.job import DEADLINE_REASON, CrawlResult
from crawlers.registry import SourceConfig
from models import store
from models.db import session_factory
from models.story_match import WINDOW_DAYS
from narrmon.causes import describe_feed_failures
from narrmon.pipeline.extract import POOL_CHUNKSIZE, PageOutcome, page_task, process_chunk
from narrmon.pipeline.gate import GatedBatch, batch_checks, gate_outcomes
from narrmon.pipeline.load import tag_jobs_of
from narrmon.pipeline.store import record_fetch_failures, store_gated
from narrmon.pipeline.tag import TagOutcome, collect_tags, submit_tags
from narrmon.summary import SourceProgress, SourceSummary

log = logging.getLogger(__name__)


# Pages per load transaction and quality-gate validation: a crash re-fetches at most this
# many pages (about 6 s of extraction on two cores). One GX validation costs ~0.3 s of CPU
# plus ~0.15 ms a row, so 500 rows cost half as much per page as 200 did.
LOAD_BATCH = 500
# A tag-stage chunk: running on the pool, or already tagged in this process.
TagChunk = Future[list[TagOutcome]] | list[TagOutcome]
# Bytes read from a growing pages.jsonl at a time (a page line is about 0.5-1 KiB).
TAIL_READ_BYTES = 256 * 1024


class PageTail:
    """Reads a crawl's ``pages.jsonl`` while the crawl is still writing it.

    Only whole lines are taken while the crawl runs; once it has finished (``final``),
    a torn last line left by a killed crawl is dropped (``read_jsonl`` does the same).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.offset = 0
        self.buffer = b""
        self.at_eof = False

    def read(self, limit: int, *, final: bool = False) -> list[PageRecord]:
        """Up to ``limit`` new page records; ``at_eof`` tells whether the file is drained."""
        rows: list[PageRecord] = []
        while len(rows) < limit:
            nl = self.buffer.find(b"\n")
            if nl < 0:
                chunk = self._more()
                if chunk:
                    self.buffer += chunk
                    continue
                if final and self.buffer.strip():
                    with contextlib.suppress(ValueError):
                        rows.append(json.loads(self.buffer))
                    self.buffer = b""
                break
            line, self.buffer = self.buffer[:nl], self.buffer[nl + 1 :]
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    continue  # a torn line cannot be in the middle of the file; be lenient
        self.at_eof = not self.buffer and len(rows) < limit
        return rows

    def _more(self) -> bytes:
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read(TAIL_READ_BYTES)
        except FileNotFoundError:
            return b""
        self.offset += len(chunk)
        return chunk


class SourceIngest:
    """Stream one source's pages through extract → gate → tag → dedupe → store, in batches.

    Pages go to the process pool in small chunks as soon as they are handed in (while the
    crawl may still be running); extracted pages are gated in page order, ``LOAD_BATCH`` at
    a time; the articles that pass go back to the pool to be tagged, and each batch is
    stored once its tags are back, one transaction each, under ``lock`` (the database's load
    lock, or none when the caller holds it). :meth:`finish` loads the rest and records
    failures and feed outcomes.
    """

    def __init__(
        self,
        engine: Engine,
        source: SourceConfig,
        run_id: str,
        pool: Executor | None,
        *,
        taxonomy_version: str,
        data_dir: Path,
        story_window_days: int = WINDOW_DAYS,
        lock: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
        ready_to_load: Callable[[], bool] = lambda: True,
    ) -> None:
        self.engine = engine
        self.source = source
        self.run_id = run_id
        self.pool = pool
        self.taxonomy_version = taxonomy_version
        self.data_dir = data_dir
        self.story_window_days = story_window_days
        self.lock = lock
        self.ready_to_load = ready_to_load
        self.summary = SourceSummary(source_id=source.id)
        self.factory = session_factory(engine)
        self.seen: set[str] = set()
        self.pending: deque[Future[list[PageOutcome]] | list[PageOutcome]] = deque()
        self.in_pool = 0  # pages handed to the pool whose outcomes are not collected yet
        self.ready: list[PageOutcome] = []
        # Gated batches whose passing articles are being tagged on the pool, in order.
        self.tagging: deque[tuple[GatedBatch, list[TagChunk]]] = deque()
        self.in_tagging = 0  # articles handed to the tag stage and not stored yet
        self.started: float | None = None

    def progress(self, *, done: bool) -> SourceProgress:
        """Pages fetched, extracted (back from the pool) and stored (loaded) so far."""
        s = self.summary
        loaded = s.new + s.updated + s.unchanged + s.quarantined
        return SourceProgress(
            source_id=s.source_id,
            fetched=s.fetched,
            extracted=s.fetched - self.in_pool,
            stored=loaded,
            done=done,
        )

    def add_pages(self, pages: Iterable[PageRecord]) -> int:
        """Hand in page records (``pages.jsonl`` lines); returns how many were queued."""
        tasks = []
        for page in pages:
            self.summary.fetched += 1
            task = page_task(page)
            if task.canonical_url in self.seen:  # two URLs that redirected to one page
                self.summary.repeats += 1
                continue
            self.seen.add(task.canonical_url)
            tasks.append(task)
        if tasks and self.started is None:
            self.started = time.perf_counter()
        for i in range(0, len(tasks), POOL_CHUNKSIZE):
            chunk = tasks[i : i + POOL_CHUNKSIZE]
            if self.pool is None:
                self.pending.append(process_chunk(chunk))
            else:
                self.pending.append(self.pool.submit(process_chunk, chunk))
            self.in_pool += len(chunk)
        return len(tasks)

    def futures(self) -> list[Future[Any]]:
        """Chunks still being processed (to wait on)."""
        running: list[Future[Any]] = [
            f for f in self.pending if isinstance(f, Future) and not f.done()
        ]
        for _, chunks in self.tagging:
            running.extend(c for c in chunks if isinstance(c, Future) and not c.done())
        return running

    def poll(self, *, final: bool = False) -> bool:
        """Collect finished chunks in order and load every full batch (or the rest when
        ``final``; then it waits for the pool). Returns True when anything moved."""
        moved = False
        while self.pending:
            head = self.pending[0]
            if isinstance(head, Future):
                if not (final or head.done()):
                    break
                outcomes = head.result()
            else:
                outcomes = head
            self.pending.popleft()
            self.ready.extend(outcomes)
            self.in_pool -= len(outcomes)
            self.summary.extract_seconds += sum(o.seconds for o in outcomes)
            moved = True
        while len(self.ready) >= LOAD_BATCH or (final and self.ready):
            if not final and not self.ready_to_load():
                break
            batch, self.ready = self.ready[:LOAD_BATCH], self.ready[LOAD_BATCH:]
            self._gate(batch)
            moved = True
        while self.tagging:
            gated, chunks = self.tagging[0]
            if not final and any(isinstance(c, Future) and not c.done() for c in chunks):
                break
            self.tagging.popleft()
            self._store(gated, collect_tags(chunks))
            moved = True
        return moved

    def _gate(self, outcomes: list[PageOutcome]) -> None:
        """Gate a batch and hand its passing articles to the tag stage (on the pool)."""
        started = time.perf_counter()
        with self.lock(), self.factory() as session:
            gated = gate_outcomes(
                session, self.source, outcomes, self.run_id, self.summary, data_dir=self.data_dir
            )
        self.tagging.append((gated, submit_tags(tag_jobs_of(gated), self.pool)))
        self.in_tagging += len(gated.passed)
        self.summary.load_seconds += time.perf_counter() - started

    def _store(self, gated: GatedBatch, tags: dict[str, TagOutcome]) -> None:
        """Dedupe and store a gated, tagged batch in one transaction."""
        started = time.perf_counter()
        with self.lock(), self.factory.begin() as session:
            store_gated(
                session,
                self.source,
                gated,
                tags,
                self.run_id,
                self.summary,
                taxonomy_version=self.taxonomy_version,
                window_days=self.story_window_days,
            )
        self.in_tagging -= len(gated.passed)
        self.summary.load_seconds += time.perf_counter() - started

    def finish(self, result: CrawlResult) -> SourceSummary:
        """Load what is left, record fetch failures and feed states, run batch checks."""
        summary = self.summary
        if self.started is None:
            self.started = time.perf_counter()
        self.poll(final=True)
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
        feeds = result.read_feeds()
        failures = result.read_failures()
        with self.lock(), self.factory.begin() as session:
            record_fetch_failures(session, self.source, failures, self.run_id, summary)
            store.record_feed_states(session, self.source.id, feeds)
            store.retire_unlisted_feeds(session, self.source.id, listed_feeds(self.source, feeds))
        summary.ingest_seconds = time.perf_counter() - self.started
        summary.batch_checks = batch_checks(
            source_id=self.source.id,
            run_id=self.run_id,
            fetched=summary.fetched,
            extracted=summary.fetched - summary.extraction_failures,
            extraction_failures=summary.extraction_failures,
            quarantined=summary.quarantined,
            duplicates=summary.unchanged + summary.syndicated,
            feeds=feeds,
            newest_published_at=summary.newest_published_at,
        )
        if (
            summary.status == "ok"
            and summary.feeds_error
            and not (summary.feeds_ok or summary.feeds_not_modified)
        ):
            summary.status = "failed"
            causes = describe_feed_failures(failures)
            summary.error_message = summary.error_message or (
                f"every feed failed: {causes}" if causes else "every feed failed"
            )
        if result.finish_reason == DEADLINE_REASON:
            feeds_answered = summary.feeds_ok or summary.feeds_not_modified
            if not feeds_answered:
                summary.status = "failed"
            seconds = float(result.stats.get("elapsed_s") or 0.0)
            deadline = f"stopped at its crawl deadline after {seconds:.0f} s"
            summary.error_message = "; ".join(filter(None, [deadline, summary.error_message]))
        return summary


def listed_feeds(source: SourceConfig, reported: Iterable[dict[str, Any]]) -> set[str]:
    """The source's live feeds: those its config lists and those its crawl reported."""
    return {f.url for f in source.feeds} | {str(f["feed_url"]) for f in reported}


def ingest_crawl(
    engine: Engine,
    source: SourceConfig,
    result: CrawlResult,
    run_id: str,
    pool: Executor | None,
    *,
    taxonomy_version: str,
    data_dir: Path,
    story_window_days: int = WINDOW_DAYS,
) -> SourceSummary:
    """Load everything one finished crawl left behind; rollups are the caller's job.

    The caller holds the load lock (the DAG's ingest task); `narrmon run` streams pages
    through :class:`SourceIngest` while its crawls run instead.
    """
    ingest = SourceIngest(
        engine,
        source,
        run_id,
        pool,
        taxonomy_version=taxonomy_version,
        data_dir=data_dir,
        story_window_days=story_window_days,
    )
    tail = PageTail(result.pages_path)
    while True:
        ingest.add_pages(tail.read(LOAD_BATCH, final=True))
        ingest.poll()
        if tail.at_eof:
            break
    return ingest.finish(result)

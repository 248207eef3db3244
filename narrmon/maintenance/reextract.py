"""`narrmon reextract`: run archived pages of stored articles through the stages again
(extract → gate → tag → store), no re-crawl.

Re-extracted text passes the same quality gate as a run's: text the gate rejects goes to
quarantine with its reasons and the stored article keeps its text. Articles are walked in
id order, one batch per transaction, so a pass can be stopped and run again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawlers.items import PageRecord
from crawlers.registry import SourceConfig
from models import store
from models.db import session_factory
from models.records import QuarantineRecord
from models.rollups import mark_dirty
from models.schema import Article
from narrmon.bootstrap import read_sources
from narrmon.database import open_initialised
from narrmon.locks import load_lock
from narrmon.maintenance.batches import id_batches
from narrmon.maintenance.retag import RETAG_BATCH, RetagSummary
from narrmon.pipeline.extract import make_pool, page_task, process_pages
from narrmon.pipeline.gate import gate_outcomes
from narrmon.pipeline.load import tag_jobs_of
from narrmon.pipeline.rollups import rebuild_dirty
from narrmon.pipeline.tag import tag_jobs, tagger_version, taxonomy_version
from narrmon.settings import Settings
from narrmon.summary import SourceSummary

log = logging.getLogger(__name__)

# The quarantine reason of a re-extraction the stored article's source no longer lists.
NO_SOURCE = "source_not_configured"


def _page_record(art: Article) -> PageRecord:
    """The page record of a stored article's archived response."""
    return PageRecord(
        url=art.page_url or art.url,
        canonical_url=art.url,
        warc_path=art.warc_path or "",
        warc_offset=art.warc_offset or 0,
        warc_record_id=art.warc_record_id,
        fetched_at=art.fetched_at.isoformat(),
    )


def _reextract_batch(
    session: Session,
    ids: list[int],
    sources: dict[str, SourceConfig],
    pool: Executor | None,
    settings: Settings,
    summary: RetagSummary,
) -> None:
    arts = session.scalars(
        select(Article).where(Article.id.in_(ids), Article.warc_path.is_not(None))
    ).all()
    by_url = {a.url: a for a in arts}
    outcomes = list(process_pages([page_task(_page_record(a)) for a in arts], pool))
    summary.articles += len(outcomes)
    by_source: dict[str, list[int]] = {}
    for i, outcome in enumerate(outcomes):
        by_source.setdefault(by_url[outcome.task.canonical_url].source_id, []).append(i)
    quarantine: list[QuarantineRecord] = []
    for source_id, idx in by_source.items():
        source = sources.get(source_id)
        if source is None:
            summary.failed += len(idx)
            log.warning("source %s is not configured; %d articles kept", source_id, len(idx))
            continue
        counts = SourceSummary(source_id=source_id)
        batch = [outcomes[i] for i in idx]
        gated = gate_outcomes(
            session, source, batch, "reextract", counts, data_dir=settings.data_dir
        )
        quarantine.extend(gated.quarantine)
        summary.failed += len(gated.quarantine)
        tags = tag_jobs(tag_jobs_of(gated), pool)
        records, tags_by_url = [], {}
        for url, cand in gated.passed.items():
            # The page stays the stored article's: same URL, story, run and dates.
            art = by_url[cand.outcome.task.canonical_url]
            tagged = tags.get(url)
            if tagged is None or tagged.error:
                summary.failed += 1
                continue
            new = cand.record
            records.append(
                replace(
                    new,
                    url=art.url,
                    fetched_at=art.fetched_at,
                    story_id=art.story_id,
                    title=new.title or art.title,
                    author=new.author or art.author,
                    published_at=art.published_at or new.published_at,
                    crawl_run_id=art.crawl_run_id,
                    page_url=art.page_url,
                )
            )
            tags_by_url[art.url] = tagged.tags
            summary.days.add(art.day)
        written = store.upsert_articles(session, records)
        changed = {written[u][0]: t for u, t in tags_by_url.items() if written[u][1] != "unchanged"}
        summary.changed += len(changed)
        summary.tags += store.replace_tags(
            session, changed, summary.taxonomy_version, tagger_version()
        )
        mark_dirty(session, {by_url[u].day for u in tags_by_url})
    for record in quarantine:
        log.warning(
            "re-extraction of %s quarantined (%s); stored text kept", record.url, record.reasons
        )
    store.quarantine_items(session, quarantine)


def reextract_all(
    settings: Settings,
    *,
    batch_size: int = RETAG_BATCH,
    since: date | None = None,
    source_ids: Sequence[str] = (),
    progress: Callable[[RetagSummary], None] | None = None,
) -> RetagSummary:
    """Re-run extraction, the gate and tagging over archived pages; rebuild rollups."""
    summary = RetagSummary(taxonomy_version=taxonomy_version())
    sources = {s.id: s for s in read_sources(settings.sources_path)}
    engine: Engine = open_initialised(settings.database_url)
    factory = session_factory(engine)
    pool = make_pool(settings.workers, settings.vector_cache)
    try:
        with load_lock(engine, settings.data_dir), factory() as reader:
            for ids in id_batches(reader, since, source_ids, batch_size):
                with factory.begin() as session:
                    _reextract_batch(session, ids, sources, pool, settings, summary)
                if progress is not None:
                    progress(summary)
            summary.rollup_rows = rebuild_dirty(engine)
    finally:
        if pool is not None:
            pool.shutdown()
        engine.dispose()
    return summary

"""Re-tag stored articles after a taxonomy change, and re-extract them from the archive.

Both walk the articles in id order, one batch per transaction, so they can be stopped
and run again: every batch replaces what it wrote before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, Select, or_, select
from sqlalchemy.orm import Session

from models import store
from models.db import session_factory
from models.records import ArticleRecord
from models.rollups import mark_dirty
from models.schema import Article
from narrmon.cycle import tagger_version, taxonomy_version
from narrmon.database import open_initialised
from narrmon.ingest import rebuild_dirty
from narrmon.loading import tag_records, text_hash
from narrmon.locks import load_lock
from narrmon.pages import PageTask, make_pool, process_pages
from narrmon.settings import Settings

log = logging.getLogger(__name__)

# Articles per transaction: ~1 s of tagging on one core at 800 words per article.
RETAG_BATCH = 500


@dataclass
class RetagSummary:
    """What a retag or re-extraction pass did."""

    articles: int = 0
    tags: int = 0
    changed: int = 0
    failed: int = 0
    taxonomy_version: str = ""
    tagger_version: str = ""
    days: set[date] = field(default_factory=set)
    rollup_rows: int = 0


def _selection(
    since: date | None, source_ids: Sequence[str], outdated_of: str | None = None
) -> Select[Any]:
    stmt = select(Article.id)
    if outdated_of is not None:
        stmt = stmt.where(
            or_(Article.tagger_version.is_(None), Article.tagger_version != outdated_of)
        )
    if since is not None:
        stmt = stmt.where(Article.day >= since)
    if source_ids:
        stmt = stmt.where(Article.source_id.in_(list(source_ids)))
    return stmt


def _id_batches(
    session: Session,
    since: date | None,
    source_ids: Sequence[str],
    size: int,
    outdated_of: str | None = None,
) -> Iterator[list[int]]:
    """Article ids in ascending batches (keyset pagination: no OFFSET scans)."""
    last = 0
    while True:
        ids = list(
            session.scalars(
                _selection(since, source_ids, outdated_of)
                .where(Article.id > last)
                .order_by(Article.id)
                .limit(size)
            )
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def retag_all(
    settings: Settings,
    *,
    batch_size: int = RETAG_BATCH,
    since: date | None = None,
    source_ids: Sequence[str] = (),
    outdated_only: bool = False,
    progress: Callable[[RetagSummary], None] | None = None,
) -> RetagSummary:
    """Re-tag stored articles with the current tagger and rebuild affected rollups.

    ``outdated_only`` limits the pass to articles whose stored tagger version differs from
    the current one (or is missing): what an upgrade left behind.
    """
    from narratives import tag

    version = taxonomy_version()
    summary = RetagSummary(taxonomy_version=version, tagger_version=tagger_version())
    engine = open_initialised(settings.database_url)
    factory = session_factory(engine)
    try:
        from narrmon.bootstrap import taxonomy

        tax = taxonomy()
        with load_lock(engine, settings.data_dir):
            if tax:
                with factory.begin() as session:
                    store.sync_narratives(session, tax[0], tax[1])
            with factory() as reader:
                outdated_of = summary.tagger_version if outdated_only else None
                for ids in _id_batches(reader, since, source_ids, batch_size, outdated_of):
                    with factory.begin() as session:
                        rows = session.execute(
                            select(Article.id, Article.text, Article.language, Article.day).where(
                                Article.id.in_(ids)
                            )
                        ).all()
                        tags = {r.id: tag_records(tag(r.text, r.language)) for r in rows}
                        summary.tags += store.replace_tags(session, tags, version, tagger_version())
                        summary.articles += len(rows)
                        summary.days.update(r.day for r in rows)
                        mark_dirty(session, {r.day for r in rows})
                    if progress is not None:
                        progress(summary)
            summary.rollup_rows = rebuild_dirty(engine)
    finally:
        engine.dispose()
    log.info(
        "retagged %d articles with taxonomy %s (%d tags)", summary.articles, version, summary.tags
    )
    return summary


def _reextract_batch(
    session: Session, ids: list[int], pool: Executor | None, version: str, summary: RetagSummary
) -> None:
    arts = session.scalars(
        select(Article).where(Article.id.in_(ids), Article.warc_path.is_not(None))
    ).all()
    tasks = [
        PageTask(
            url=a.url,
            final_url=a.url,
            canonical_url=a.url,
            warc_path=a.warc_path or "",
            warc_offset=a.warc_offset or 0,
            warc_record_id=a.warc_record_id,
            content_type=None,
            fetched_at=a.fetched_at.isoformat(),
        )
        for a in arts
    ]
    by_url = {a.url: a for a in arts}
    records, tags_by_url = [], {}
    for outcome in process_pages(tasks, pool):
        art = by_url[outcome.task.url]
        summary.articles += 1
        if outcome.article is None or not outcome.article.text.strip():
            summary.failed += 1
            log.warning("re-extraction of %s failed (%s); stored text kept", art.url, outcome.error)
            continue
        new = outcome.article
        digest = text_hash(new.text)
        records.append(
            ArticleRecord(
                url=art.url,
                source_id=art.source_id,
                text=new.text,
                fetched_at=art.fetched_at,
                content_hash=digest,
                story_id=art.story_id,
                extractor_version=new.extractor_version,
                title=new.title or art.title,
                author=new.author or art.author,
                published_at=art.published_at or new.published_at,
                language=new.language,
                word_count=new.word_count,
                warc_path=art.warc_path,
                warc_offset=art.warc_offset,
                warc_record_id=art.warc_record_id,
                crawl_run_id=art.crawl_run_id,
                story_keys=outcome.story_keys,
            )
        )
        tags_by_url[art.url] = tag_records(outcome.tags)
        summary.days.add(art.day)
    written = store.upsert_articles(session, records)
    changed = {written[u][0]: t for u, t in tags_by_url.items() if written[u][1] != "unchanged"}
    summary.changed += len(changed)
    summary.tags += store.replace_tags(session, changed, version, tagger_version())
    mark_dirty(session, {by_url[u].day for u in tags_by_url})


def reextract_all(
    settings: Settings,
    *,
    batch_size: int = RETAG_BATCH,
    since: date | None = None,
    source_ids: Sequence[str] = (),
    progress: Callable[[RetagSummary], None] | None = None,
) -> RetagSummary:
    """Re-run extraction and tagging over archived pages (no re-crawl); rebuild rollups."""
    version = taxonomy_version()
    summary = RetagSummary(taxonomy_version=version)
    engine: Engine = open_initialised(settings.database_url)
    factory = session_factory(engine)
    pool = make_pool(settings.workers)
    try:
        with load_lock(engine, settings.data_dir), factory() as reader:
            for ids in _id_batches(reader, since, source_ids, batch_size):
                with factory.begin() as session:
                    _reextract_batch(session, ids, pool, version, summary)
                if progress is not None:
                    progress(summary)
            summary.rollup_rows = rebuild_dirty(engine)
    finally:
        if pool is not None:
            pool.shutdown()
        engine.dispose()
    return summary

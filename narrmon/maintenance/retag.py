"""`narrmon retag`: re-run the tag stage over stored articles after a taxonomy or tagger
change (no re-crawl).

It walks the articles in id order, one batch per transaction, so it can be stopped and
run again: every batch replaces what it wrote before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from models import store
from models.db import session_factory
from models.rollups import mark_dirty
from models.schema import Article
from narrmon.database import open_initialised
from narrmon.locks import load_lock
from narrmon.maintenance.batches import id_batches
from narrmon.pipeline.rollups import rebuild_dirty
from narrmon.pipeline.tag import (
    TagJob,
    tag_jobs,
    tagger_version,
    taxonomy_version,
    use_vector_cache,
)
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


def retag_all(
    settings: Settings,
    *,
    batch_size: int = RETAG_BATCH,
    since: date | None = None,
    source_ids: Sequence[str] = (),
    outdated_only: bool = False,
    progress: Callable[[RetagSummary], None] | None = None,
) -> RetagSummary:
    """Re-tag stored articles with the current tagger (the tag stage) and rebuild affected
    rollups.

    ``outdated_only`` limits the pass to articles whose stored tagger version differs from
    the current one (or is missing): what an upgrade left behind.
    """
    version = taxonomy_version()
    summary = RetagSummary(taxonomy_version=version, tagger_version=tagger_version())
    engine = open_initialised(settings.database_url)
    factory = session_factory(engine)
    use_vector_cache(settings.vector_cache)
    try:
        from narrmon.bootstrap import taxonomy

        tax = taxonomy()
        with load_lock(engine, settings.data_dir):
            if tax:
                with factory.begin() as session:
                    store.sync_narratives(session, tax[0], tax[1])
            with factory() as reader:
                outdated_of = summary.tagger_version if outdated_only else None
                for ids in id_batches(reader, since, source_ids, batch_size, outdated_of):
                    with factory.begin() as session:
                        rows = session.execute(
                            select(Article.id, Article.text, Article.language, Article.day).where(
                                Article.id.in_(ids)
                            )
                        ).all()
                        tagged = tag_jobs([TagJob(str(r.id), r.text, r.language) for r in rows])
                        tags = {r.id: tagged[str(r.id)].tags for r in rows}
                        for r in rows:  # a tagger crash keeps the article's stored tags
                            if tagged[str(r.id)].error:
                                summary.failed += 1
                                del tags[r.id]
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

"""Re-cluster stored articles into stories after a change of the rule (``narrmon restory``).

Articles are replayed in the order they were stored (id order), one batch per
transaction: each gets its LSH keys recomputed and the story of the earliest stored
article it copies (exact content hash first, then the near-duplicate rule), else a story
of its own. An article's answer depends only on articles stored before it, so a run
stopped halfway and run again, or run twice, ends in the same story ids; days whose
stories changed are marked dirty in the same transaction and their rollups rebuilt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.db import session_factory
from models.rollups import mark_dirty
from models.schema import Article
from models.stories import StoryProbe, replace_story_keys, stored_copies
from models.story_match import story_keys
from narrmon.database import open_engine
from narrmon.locks import load_lock
from narrmon.maintenance.batches import id_batches
from narrmon.pipeline.articles import own_story
from narrmon.pipeline.rollups import rebuild_dirty
from narrmon.settings import Settings

log = logging.getLogger(__name__)

# Articles per transaction: ~0.5 s of shingling and MinHash at 800 words per article.
RESTORY_BATCH = 500


@dataclass
class RestorySummary:
    """What a restory pass did."""

    articles: int = 0
    changed: int = 0
    days: set[date] = field(default_factory=set)
    rollup_rows: int = 0


def _first_by_hash(session: Session, hashes: set[str], below: int) -> dict[str, int]:
    """The earliest article id per content hash, among ids below ``below``."""
    first: dict[str, int] = {}
    stmt = (
        select(Article.content_hash, Article.id)
        .where(Article.content_hash.in_(sorted(hashes)), Article.id < below)
        .order_by(Article.id)
    )
    for content_hash, article_id in session.execute(stmt):
        first.setdefault(content_hash, article_id)
    return first


def restory_batch(
    session: Session, ids: Sequence[int], summary: RestorySummary, window_days: int
) -> None:
    """Recompute keys and story ids of the articles ``ids`` (one transaction)."""
    rows = session.execute(
        select(
            Article.id,
            Article.url,
            Article.text,
            Article.day,
            Article.story_id,
            Article.content_hash,
        )
        .where(Article.id.in_(list(ids)))
        .order_by(Article.id)
    ).all()
    if not rows:
        return
    keys = {r.id: story_keys(r.text) for r in rows}
    replace_story_keys(session, ((r.id, r.day, keys[r.id]) for r in rows))
    session.flush()
    first = _first_by_hash(session, {r.content_hash for r in rows}, rows[-1].id)
    near = stored_copies(
        session,
        [StoryProbe(r.url, r.text, r.day, keys[r.id], before_id=r.id) for r in rows],
        window_days=window_days,
    )
    new_story: dict[int, str] = {}  # this batch's answers, for later articles of it

    def story_of(article_id: int, stored_story: str) -> str:
        return new_story.get(article_id, stored_story)

    stored_story = {
        row.id: row.story_id
        for row in session.execute(
            select(Article.id, Article.story_id).where(Article.id.in_(sorted(set(first.values()))))
        )
    }
    for r in rows:
        exact = first.get(r.content_hash)
        if exact is not None and exact < r.id:
            story = story_of(exact, stored_story[exact])
        elif r.url in near:
            match_id, match_story = near[r.url]
            story = story_of(match_id, match_story)
        else:
            story = own_story(r.content_hash)
        new_story[r.id] = story
        summary.articles += 1
        if story != r.story_id:
            summary.changed += 1
            summary.days.add(r.day)
            session.execute(update(Article).where(Article.id == r.id).values(story_id=story))
    mark_dirty(session, {r.day for r in rows if new_story[r.id] != r.story_id})


def rekey_batch(session: Session, ids: Sequence[int], before: date) -> None:
    """Recompute the LSH keys (not the stories) of the articles ``ids`` dated before ``before``:
    the anchors a ``--since`` run matches against."""
    rows = session.execute(
        select(Article.id, Article.text, Article.day).where(
            Article.id.in_(list(ids)), Article.day < before
        )
    ).all()
    replace_story_keys(session, ((r.id, r.day, story_keys(r.text)) for r in rows))


def restory_all(
    settings: Settings,
    *,
    since: date | None = None,
    source_ids: Sequence[str] = (),
    batch_size: int = RESTORY_BATCH,
    window_days: int | None = None,
    progress: Callable[[RestorySummary], None] | None = None,
) -> RestorySummary:
    """Recompute story ids over stored articles (from ``since`` on) and their rollups.

    ``window_days``: the copy window; default the settings' ``story_window_days``.
    """
    window = settings.story_window_days if window_days is None else window_days
    summary = RestorySummary()
    engine = open_engine(settings.database_url)
    factory = session_factory(engine)
    try:
        with load_lock(engine, settings.data_dir), factory() as reader:
            if since is not None:  # keys of the window before --since, for matching
                anchors_from = since - timedelta(days=window)
                for ids in id_batches(reader, anchors_from, (), batch_size):
                    with factory.begin() as session:
                        rekey_batch(session, ids, since)
            for ids in id_batches(reader, since, source_ids, batch_size):
                with factory.begin() as session:
                    restory_batch(session, ids, summary, window)
                if progress is not None:
                    progress(summary)
            summary.rollup_rows = rebuild_dirty(engine)
    finally:
        engine.dispose()
    log.info("restoried %d articles: %d changed story", summary.articles, summary.changed)
    return summary

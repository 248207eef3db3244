"""`narrmon restory`: story ids recomputed over stored articles, idempotent, rollups rebuilt."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from models import store
from models.db import session_factory
from models.records import ArticleRecord
from models.rollups import rebuild_rollups
from models.schema import Article, DailyTotal, DirtyDay, StoryKey
from narrmon.bootstrap import source_record
from narrmon.maintenance.restory import RestorySummary, restory_all
from narrmon.pipeline.articles import own_story, text_hash
from narrmon.settings import Settings
from tests.ingest.test_stories import OTHER, SOURCES, STORY

UPDATE = STORY + (
    " Later on Tuesday the Kremlin said the remarks had been misread abroad, and that the "
    "president would set out his position in detail at a news conference next week."
)


def _record(url: str, text: str, day: int) -> ArticleRecord:
    when = datetime(2025, 5, day, 9, tzinfo=UTC)
    digest = text_hash(text)
    return ArticleRecord(
        url=url,
        source_id=url.split("//")[1].split(".")[0],
        text=text,
        fetched_at=when,
        content_hash=digest,
        story_id=own_story(digest),
        extractor_version="test/1",
        published_at=when,
        language="en",
    )


def _store(session: Session, records: list[ArticleRecord]) -> None:
    """Store the test sources and ``records`` (no story keys: stored as before 0005)."""
    store.sync_sources(session, [source_record(s) for s in SOURCES])
    store.upsert_articles(session, records)


def _stories(engine: Engine) -> dict[str, str]:
    with session_factory(engine)() as s:
        return {a.url: a.story_id for a in s.scalars(select(Article))}


def test_restory_clusters_stored_articles(
    settings: Settings, engine: Engine, session: Session
) -> None:
    # Stored without keys and each under its own story, as before the rule changed.
    _store(
        session,
        [
            _record("https://wire.example/putin", STORY, 6),
            _record("https://paper.example/copy", "(Reuters) - " + STORY, 6),
            _record("https://blog.example/update", UPDATE, 7),
            _record("https://wire.example/council", OTHER, 6),
            _record("https://paper.example/late-copy", STORY + " Share this.", 20),
        ],
    )
    rebuild_rollups(session, date(2025, 5, 1), date(2025, 5, 31))
    session.commit()
    before = _stories(engine)
    assert len(set(before.values())) == 5

    out = restory_all(settings)
    after = _stories(engine)
    original = before["https://wire.example/putin"]
    assert after["https://wire.example/putin"] == original  # the first copy keeps its id
    assert after["https://paper.example/copy"] == original
    assert after["https://blog.example/update"] == original  # an update: the same story
    assert after["https://wire.example/council"] == before["https://wire.example/council"]
    # 14 days later: outside the 7-day window, a story of its own.
    assert after["https://paper.example/late-copy"] == before["https://paper.example/late-copy"]
    assert out.articles == 5 and out.changed == 2
    with session_factory(engine)() as s:
        totals = {(t.day, t.source_id): t.unique_stories for t in s.scalars(select(DailyTotal))}
        assert s.query(StoryKey).count() == 5 * 16
    assert totals[(date(2025, 5, 6), "paper")] == 1

    again = restory_all(settings)  # idempotent: nothing left to change
    assert again.changed == 0 and _stories(engine) == after


def test_restory_since_keeps_earlier_articles_as_anchors(
    settings: Settings, engine: Engine, session: Session
) -> None:
    _store(
        session,
        [
            _record("https://wire.example/putin", STORY, 6),
            _record("https://paper.example/copy", "(AFP) - " + STORY, 8),
        ],
    )
    session.commit()
    first = _stories(engine)["https://wire.example/putin"]
    # A crash after some batches: a later run from --since ends in the same ids.
    with session_factory(engine).begin() as s:
        s.execute(update(Article).values(story_id="st-broken"))
    restory_all(settings, since=date(2025, 5, 8))
    after = _stories(engine)
    assert after == {
        "https://wire.example/putin": "st-broken",
        "https://paper.example/copy": "st-broken",
    }
    restory_all(settings)
    assert set(_stories(engine).values()) == {first}


class _Crash(Exception):
    pass


def test_restory_stopped_after_a_batch_then_rerun_ends_as_a_clean_run(
    settings: Settings, engine: Engine, session: Session
) -> None:
    _store(
        session,
        [
            _record("https://wire.example/putin", STORY, 6),
            _record("https://wire.example/council", OTHER, 6),
            _record("https://paper.example/copy", "(Reuters) - " + STORY, 6),
            _record("https://blog.example/update", UPDATE, 7),
        ],
    )
    session.commit()

    def crash(summary: RestorySummary) -> None:
        if summary.articles >= 3:  # after the third one-article batch has committed
            raise _Crash

    with pytest.raises(_Crash):
        restory_all(settings, batch_size=1, progress=crash)
    partial = _stories(engine)
    assert partial["https://paper.example/copy"] == partial["https://wire.example/putin"]
    assert partial["https://blog.example/update"] != partial["https://wire.example/putin"]
    with session_factory(engine)() as s:
        assert s.query(DirtyDay).count() == 1  # the copy's day waits for its rollups

    out = restory_all(settings, batch_size=1)
    after = _stories(engine)
    assert out.changed == 1 and len(set(after.values())) == 2
    assert after["https://blog.example/update"] == after["https://wire.example/putin"]
    with session_factory(engine)() as s:
        assert s.query(DirtyDay).count() == 0

"""Store: idempotent upserts, tag replacement, quarantine and rollups on both databases."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import store
from models.records import ArticleRecord, QuarantineRecord, SourceRecord, TagRecord
from models.rollups import rebuild_rollups
from models.schema import Article, DailyRollup, DailyTotal, NarrativeTag, QuarantineItem

SRC = SourceRecord(
    "herald", "The Herald", "https://herald.example/", "en", "GB", "commercial", True, {"feeds": []}
)
SRC2 = SourceRecord(
    "pravda",
    "Pravda",
    "https://pravda.example/",
    "ru",
    "RU",
    "state-affiliated",
    True,
    {"feeds": []},
)


def article(
    url: str, text: str = "Body text.", source: str = "herald", **kw: object
) -> ArticleRecord:
    fields: dict[str, object] = {
        "url": url,
        "source_id": source,
        "text": text,
        "fetched_at": datetime(2025, 3, 2, 12, tzinfo=UTC),
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        "story_id": "s-" + hashlib.sha256(text.encode()).hexdigest()[:12],
        "extractor_version": "test/1",
        "title": "Title",
        "published_at": datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        "language": "en",
        "word_count": len(text.split()),
    }
    fields.update(kw)
    return ArticleRecord(**fields)  # type: ignore[arg-type]


@pytest.fixture
def db(session: Session) -> Session:
    store.sync_sources(session, [SRC, SRC2])
    session.commit()
    return session


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_upsert_same_article_twice_leaves_one_row(db: Session) -> None:
    rec = article("https://herald.example/a")
    first = store.upsert_article(db, rec)
    db.commit()
    second = store.upsert_article(db, rec)
    db.commit()
    assert first[1] == "new"
    assert second == (first[0], "unchanged")
    assert count(db, Article) == 1


def test_upsert_changed_content_updates_in_place(db: Session) -> None:
    aid, _ = store.upsert_article(db, article("https://herald.example/a", "Old text."))
    db.commit()
    aid2, status = store.upsert_article(db, article("https://herald.example/a", "New text here."))
    db.commit()
    assert (aid2, status) == (aid, "updated")
    stored = db.get(Article, aid)
    assert stored is not None and stored.text == "New text here." and stored.word_count == 3


def test_batch_upsert_with_duplicate_urls_in_one_batch(db: Session) -> None:
    recs = [article(f"https://herald.example/{i % 3}", f"text {i}") for i in range(7)]
    out = store.upsert_articles(db, recs)
    db.commit()
    assert len(out) == 3 and count(db, Article) == 3
    assert {status for _, status in out.values()} == {"new"}


def test_timestamps_come_back_timezone_aware(db: Session) -> None:
    aid, _ = store.upsert_article(db, article("https://herald.example/tz"))
    db.commit()
    db.expire_all()
    stored = db.get(Article, aid)
    assert stored is not None
    assert stored.published_at == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    assert stored.published_at.tzinfo is not None
    assert stored.day == date(2025, 3, 1)


def test_naive_timestamps_are_refused(db: Session) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.upsert_article(
            db, article("https://herald.example/n", published_at=datetime(2025, 1, 1))
        )
    db.rollback()


def test_replace_tags_is_idempotent_and_replaces(db: Session) -> None:
    aid, _ = store.upsert_article(db, article("https://herald.example/t"))
    ev = [{"text": "Body", "start": 0, "end": 4}]
    tags = [TagRecord("broken-promise", 0.9, "reports", ev), TagRecord("encirclement", 0.7, None)]
    assert store.replace_tags(db, {aid: tags}, "v1") == 2
    assert store.replace_tags(db, {aid: tags}, "v1") == 2
    db.commit()
    assert count(db, NarrativeTag) == 2
    store.replace_tags(db, {aid: [TagRecord("sovereign-choice", 0.8, "disputes")]}, "v2")
    db.commit()
    rows = db.scalars(select(NarrativeTag)).all()
    assert [(t.narrative_id, t.taxonomy_version, t.day, t.source_id) for t in rows] == [
        ("sovereign-choice", "v2", date(2025, 3, 1), "herald")
    ]
    store.replace_tags(db, {aid: []}, "v2")
    db.commit()
    assert count(db, NarrativeTag) == 0


def test_replace_tags_for_unknown_article_fails_clearly(db: Session) -> None:
    with pytest.raises(KeyError, match="article 999 does not exist"):
        store.replace_tags(db, {999: [TagRecord("encirclement", 0.5, None)]}, "v1")


def test_quarantine_one_row_per_url_with_reasons(db: Session) -> None:
    item = QuarantineRecord(
        "https://herald.example/q",
        "herald",
        ["text_too_short", "no_title"],
        datetime(2025, 3, 1, tzinfo=UTC),
        payload={"text": "x"},
    )
    store.quarantine_item(db, item)
    store.quarantine_item(db, replace(item, reasons=["text_too_short"]))
    db.commit()
    rows = db.scalars(select(QuarantineItem)).all()
    assert len(rows) == 1
    assert rows[0].reasons == ["text_too_short"] and rows[0].payload == {"text": "x"}
    store.resolve_quarantine(db, ["https://herald.example/q"])
    db.commit()
    assert db.scalars(select(QuarantineItem.status)).one() == "replayed"


def test_story_ids_for_hashes_finds_exact_copies(db: Session) -> None:
    rec = article("https://herald.example/orig", "Syndicated story text.")
    store.upsert_article(db, rec)
    db.commit()
    found = store.story_ids_for_hashes(db, [rec.content_hash, "nope"])
    assert found == {rec.content_hash: rec.story_id}


def test_rollups_count_articles_and_unique_stories_idempotently(db: Session) -> None:
    # Three copies of one story on two sources plus one other story, same day.
    a1, _ = store.upsert_article(
        db, article("https://herald.example/1", "Story one.", story_id="s1")
    )
    a2, _ = store.upsert_article(
        db, article("https://herald.example/2", "Story one copy.", story_id="s1")
    )
    a3, _ = store.upsert_article(
        db,
        article(
            "https://pravda.example/3",
            "Story one ru.",
            source="pravda",
            language="ru",
            story_id="s1",
        ),
    )
    a4, _ = store.upsert_article(
        db, article("https://herald.example/4", "Story two.", story_id="s2")
    )
    a5, _ = store.upsert_article(
        db, article("https://herald.example/5", "Untagged.", story_id="s3")
    )
    tag = [TagRecord("broken-promise", 0.9, "reports")]
    store.replace_tags(db, {a1: tag, a2: tag, a3: tag, a4: tag, a5: []}, "v1")
    db.commit()
    for _ in range(2):
        rebuild_rollups(db, date(2025, 3, 1), date(2025, 3, 1))
        db.commit()
    rows = {
        (r.source_id, r.language): (r.articles, r.unique_stories)
        for r in db.scalars(select(DailyRollup).where(DailyRollup.narrative_id == "broken-promise"))
    }
    assert rows == {("herald", "en"): (3, 2), ("pravda", "ru"): (1, 1)}
    totals = {
        r.source_id: (r.articles, r.relevant, r.unique_stories)
        for r in db.scalars(select(DailyTotal))
    }
    assert totals == {"herald": (4, 3, 3), "pravda": (1, 1, 1)}


def test_rollup_rebuild_reflects_retag(db: Session) -> None:
    aid, _ = store.upsert_article(db, article("https://herald.example/r"))
    store.replace_tags(db, {aid: [TagRecord("encirclement", 0.8, None)]}, "v1")
    rebuild_rollups(db, date(2025, 3, 1), date(2025, 3, 1))
    store.replace_tags(db, {aid: [TagRecord("defensive-alliance", 0.8, None)]}, "v2")
    rebuild_rollups(db, date(2025, 3, 1), date(2025, 3, 1))
    db.commit()
    assert db.scalars(select(DailyRollup.narrative_id)).all() == ["defensive-alliance"]


def test_rollup_rejects_reversed_range(db: Session) -> None:
    with pytest.raises(ValueError, match="reversed"):
        rebuild_rollups(db, date(2025, 3, 2), date(2025, 3, 1))


def test_feed_state_keeps_validators_across_not_modified(db: Session) -> None:
    store.record_feed_states(
        db,
        "herald",
        [
            {
                "feed_url": "https://herald.example/rss",
                "outcome": "ok",
                "etag": '"v1"',
                "last_modified": "Sat, 01 Mar 2025 10:00:00 GMT",
            }
        ],
    )
    store.record_feed_states(
        db,
        "herald",
        [{"feed_url": "https://herald.example/rss", "outcome": "not_modified", "etag": None}],
    )
    db.commit()
    assert store.feed_validators(db, "herald") == {
        "https://herald.example/rss": {
            "etag": '"v1"',
            "last_modified": "Sat, 01 Mar 2025 10:00:00 GMT",
        }
    }

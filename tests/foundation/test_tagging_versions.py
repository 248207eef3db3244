"""The tagger-version note the dashboards show, from what is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models import store
from models.records import ArticleRecord, SourceRecord
from models.tagging_versions import tagger_versions, version_note


def _article(url: str) -> ArticleRecord:
    return ArticleRecord(
        url=url,
        source_id="herald",
        title="t",
        author=None,
        published_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        fetched_at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        language="en",
        text="Body text.",
        word_count=2,
        content_hash=url,
        story_id="st-" + url[-1],
        extractor_version="x",
    )


def test_versions_counted_and_the_note_names_what_is_outdated(session: Session) -> None:
    store.sync_sources(
        session,
        [
            SourceRecord(
                "herald", "Herald", "https://herald.example/", "en", "GB", "commercial", True, {}
            )
        ],
    )
    urls = [f"https://herald.example/{i}" for i in range(5)]
    ids = [store.upsert_article(session, _article(u))[0] for u in urls]
    assert len(ids) == 5
    store.replace_tags(session, {i: [] for i in ids[:3]}, "1.0.0", "2.0+new")
    store.replace_tags(session, {ids[3]: []}, "1.0.0", "rules-1")
    session.commit()
    versions = tagger_versions(session)
    assert versions == [("2.0+new", 3), (None, 1), ("rules-1", 1)]
    note = version_note(versions, "2.0+new")
    assert "tagger 2.0+new (3 of 5 articles)" in note
    assert "2 articles were judged by an older tagger version or never tagged" in note
    assert "narrmon retag --outdated" in note
    assert "older" not in version_note([("2.0+new", 3)], "2.0+new")

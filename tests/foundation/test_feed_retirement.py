"""Feeds follow the sources file: a feed no longer listed is retired, kept, out of health."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models import store
from models.records import SourceRecord
from models.schema import FeedState
from quality.health import feed_health

SRC = SourceRecord(
    "herald", "The Herald", "https://herald.example/", "en", "GB", "commercial", True, {"feeds": []}
)
OLD = "https://herald.example/old.xml"
NEW = "https://herald.example/rss.xml"
CHILD = "https://herald.example/sitemap-2026.xml"


def feed_reasons(session: Session) -> list[str]:
    """The herald's health reasons and warnings about feeds."""
    (health,) = feed_health(session, now=datetime.now(UTC), source_ids=["herald"])
    return [r for r in health.reasons + health.warnings if "feed" in r]


def test_an_unlisted_feed_is_retired_kept_and_revived_when_listed_again(
    session: Session,
) -> None:
    store.sync_sources(session, [SRC])
    store.record_feed_states(session, "herald", [{"feed_url": OLD, "outcome": "error"}])
    session.commit()
    assert any("all 1 feeds failing" in r for r in feed_reasons(session))

    # The sources file now lists NEW only; the crawl reported NEW and a child sitemap.
    reported = [{"feed_url": NEW, "outcome": "ok"}, {"feed_url": CHILD, "outcome": "ok"}]
    store.record_feed_states(session, "herald", reported)
    assert store.retire_unlisted_feeds(session, "herald", {NEW, CHILD}) == 1
    assert store.retire_unlisted_feeds(session, "herald", {NEW, CHILD}) == 0  # idempotent
    session.commit()

    old = session.get(FeedState, OLD)
    assert old is not None and old.last_status == store.FEED_RETIRED
    assert old.last_error == "error"  # its history stays
    assert feed_reasons(session) == []  # two live feeds, both fine; the retired one is out

    store.record_feed_states(session, "herald", [{"feed_url": OLD, "outcome": "error"}])
    session.commit()
    assert any("1 of 3 feeds failing" in r for r in feed_reasons(session))

"""Feed health on both databases: last success, yield against baseline, quarantine share."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import store
from models.feed_health import WindowCounts, window_counts
from models.quarantine_status import QuarantineStatus
from models.records import ArticleRecord, QuarantineRecord, SourceRecord
from models.schema import CrawlRun, FeedState, QuarantineItem
from quality.health import feed_health, format_report, health_dicts, unhealthy

PER_DAY = 4  # articles a day of the busy test sources (above min_baseline_per_day)


def _source(sid: str, enabled: bool = True) -> SourceRecord:
    return SourceRecord(
        id=sid,
        name=sid.title(),
        homepage=f"https://{sid}.example/",
        language="en",
        country="GB",
        media_type="commercial",
        enabled=enabled,
        config={},
    )


def _articles(sid: str, now: datetime, days: range, per_day: int) -> list[ArticleRecord]:
    out = []
    for back in days:
        published = (now - timedelta(days=back)).replace(hour=6, minute=0)
        for j in range(per_day):
            text = f"{sid} {back} {j} article text"
            out.append(
                ArticleRecord(
                    url=f"https://{sid}.example/{back}/{j}",
                    source_id=sid,
                    text=text,
                    fetched_at=published + timedelta(hours=1),
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    story_id=f"st-{sid}-{back}-{j}",
                    extractor_version="test/1",
                    title="t",
                    published_at=published,
                    language="en",
                    word_count=5,
                )
            )
    return out


def _run(session: Session, sid: str, run: str, started: datetime, status: str) -> None:
    session.add(
        CrawlRun(
            run_id=run,
            source_id=sid,
            started_at=started,
            finished_at=started + timedelta(minutes=5),
            status=status,
        )
    )


def _seed(session: Session, now: datetime) -> None:
    store.sync_sources(
        session,
        [_source(s) for s in ("steady", "dropped", "stale", "refused", "quiet", "fresh")]
        + [_source("off", enabled=False)],
    )
    history = range(1, 31)  # yesterday and the 29 days before it
    for sid in ("steady", "stale", "refused"):
        store.upsert_articles(session, _articles(sid, now, history, PER_DAY))
    store.upsert_articles(session, _articles("dropped", now, range(2, 31), PER_DAY))
    store.upsert_articles(session, _articles("quiet", now, range(3, 31, 7), 1))
    store.upsert_articles(session, _articles("fresh", now, range(0, 2), 1))
    for sid in ("steady", "dropped", "stale", "refused", "quiet"):
        _run(session, sid, "r-first", now - timedelta(days=30), "ok")
    for sid in ("steady", "dropped", "refused", "quiet"):
        _run(session, sid, "r-last", now - timedelta(hours=1), "ok")
    _run(session, "stale", "r-ok", now - timedelta(days=3), "ok")
    _run(session, "stale", "r-last", now - timedelta(hours=1), "failed")
    _run(session, "fresh", "r-last", now - timedelta(hours=20), "ok")
    session.add(
        FeedState(
            feed_url="https://stale.example/rss",
            source_id="stale",
            last_status="http_404",
            last_error="HTTP 404",
        )
    )
    session.add(
        FeedState(feed_url="https://steady.example/rss", source_id="steady", last_status="ok")
    )
    session.add(
        FeedState(
            feed_url="https://steady.example/old.xml", source_id="steady", last_status="timeout"
        )
    )
    store.quarantine_items(
        session,
        [
            QuarantineRecord(
                url=f"https://refused.example/q/{i}",
                source_id="refused",
                reasons=["not_listing_page"],
                fetched_at=now,
            )
            for i in range(40)
        ],
    )
    session.commit()


def test_feed_health(session: Session) -> None:
    now = datetime.now(UTC)
    _seed(session, now)
    by_id = {h.source_id: h for h in feed_health(session, now=now)}

    steady = by_id["steady"]
    assert steady.healthy, steady.reasons
    assert steady.articles_last_day == PER_DAY
    assert steady.baseline_per_day == PER_DAY
    assert steady.feeds_total == 2 and steady.feeds_failing == 1
    assert any("1 of 2 feeds failing" in w for w in steady.warnings)
    assert steady.last_success is not None
    assert abs((now - steady.last_success).total_seconds() - 55 * 60) < 5

    dropped = by_id["dropped"]
    assert not dropped.healthy
    assert dropped.articles_last_day == 0
    assert "baseline of 4.0/day" in dropped.reasons[0]

    stale = by_id["stale"]
    assert not stale.healthy
    assert stale.last_run_status == "failed"
    assert any("last successful crawl" in r for r in stale.reasons)
    assert any("all 1 feeds failing" in r for r in stale.reasons)

    refused = by_id["refused"]
    assert not refused.healthy
    assert refused.quarantine_share is not None and refused.quarantine_share > 0.5
    assert any("quarantined" in r for r in refused.reasons)

    assert by_id["quiet"].healthy  # too few articles a day to judge volume
    assert by_id["fresh"].healthy  # under a week of history: volume not judged
    assert by_id["fresh"].articles_today == 1
    off = by_id["off"]
    assert off.healthy and not off.enabled and off.warnings == ["disabled: not judged"]


def test_unhealthy_and_report(session: Session) -> None:
    now = datetime.now(UTC)
    _seed(session, now)
    bad = unhealthy(session, now=now)
    assert sorted(h.source_id for h in bad) == ["dropped", "refused", "stale"]
    report = format_report(feed_health(session, now=now))
    assert report.splitlines()[0].startswith("UNHEALTHY dropped: ")
    assert report.splitlines()[-1] == "3 of 6 enabled sources unhealthy"
    rows = health_dicts(bad)
    assert rows[0]["source_id"] == "dropped" and rows[0]["healthy"] is False


def test_empty_database_is_healthy(session: Session) -> None:
    assert feed_health(session, now=datetime.now(UTC)) == []
    assert format_report([]) == "all 0 enabled sources healthy"


def test_window_counts_fetch_time_and_keep_refused_urls_apart(session: Session) -> None:
    """A backlog of old articles fetched now is this week's yield, and robots-disallowed
    URLs are neither quarantine nor stored: 135 stored + 20 refused is 0 % quarantined."""
    now = datetime.now(UTC)
    store.sync_sources(session, [_source("backlog")])
    old = [
        dataclasses.replace(a, fetched_at=now - timedelta(hours=2))
        for a in _articles("backlog", now - timedelta(days=400), range(1, 28), 5)
    ]
    store.upsert_articles(session, old)
    store.quarantine_items(
        session,
        [
            QuarantineRecord(
                f"https://backlog.example/members/{i}", "backlog", ["robots_disallowed"], now
            )
            for i in range(20)
        ],
    )
    session.execute(update(QuarantineItem).values(status=QuarantineStatus.REFUSED))
    _run(session, "backlog", "r-1", now - timedelta(hours=2), "ok")
    session.commit()
    counts = window_counts(session, now - timedelta(days=7))["backlog"]
    assert counts == WindowCounts(quarantined=0, stored=135, refused=20)
    assert counts.quarantine_share == 0.0
    (health,) = feed_health(session, now=now)
    assert health.quarantine_share == 0.0
    assert not any("quarantined" in r for r in health.reasons)

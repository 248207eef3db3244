"""Stale but reachable feeds, on both databases: the feeds answer, the newest stored
article is older than the source's limit; a warning by default, a failure when the
source's ``freshness.when_stale`` says so (judged by quality.health, run by the DAG's
``feed health`` task through narrmon.tasks.health)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from models import store
from models.records import ArticleRecord, SourceRecord
from models.schema import CrawlRun
from narrmon import tasks
from narrmon.errors import NarrmonError
from narrmon.settings import Settings
from quality.health import feed_health, format_report

FEED = "https://slow.example/rss.xml"


def seed(session: Session, now: datetime, *, age_h: float, freshness: dict[str, Any]) -> None:
    """One source crawled an hour ago, its feed answering, its newest article ``age_h`` old
    (a few older ones behind it, fetched recently: a backlog is not news)."""
    configure(session, freshness)
    articles = []
    for i in range(3):
        published = now - timedelta(hours=age_h + 24 * i)
        text = f"slow article {i}"
        articles.append(
            ArticleRecord(
                url=f"https://slow.example/{i}",
                source_id="slow",
                text=text,
                fetched_at=now - timedelta(hours=1),
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                story_id=f"st-slow-{i}",
                extractor_version="test/1",
                published_at=published,
            )
        )
    store.upsert_articles(session, articles)
    started = now - timedelta(hours=1)
    session.add(
        CrawlRun(
            run_id="r1",
            source_id="slow",
            started_at=started,
            finished_at=started + timedelta(minutes=1),
            status="ok",
        )
    )
    store.record_feed_states(session, "slow", [{"feed_url": FEED, "outcome": "not_modified"}])
    session.commit()


def configure(session: Session, freshness: dict[str, Any]) -> None:
    """(Re)load the source as the sources file gives it, with this ``freshness`` entry."""
    config = {"freshness": freshness} if freshness else {}
    store.sync_sources(
        session,
        [SourceRecord("slow", "Slow", "https://slow.example/", "en", "GB", "blog", True, config)],
    )
    session.commit()


def stale_lines(session: Session, now: datetime) -> tuple[bool, list[str], list[str]]:
    """(healthy, stale reasons, stale warnings) of the one source."""
    (health,) = feed_health(session, now=now)
    return (
        health.healthy,
        [r for r in health.reasons if r.startswith("stale")],
        [w for w in health.warnings if w.startswith("stale")],
    )


def test_a_stale_feed_is_a_warning_by_default(session: Session) -> None:
    now = datetime.now(UTC)
    seed(session, now, age_h=100, freshness={})
    healthy, reasons, warnings = stale_lines(session, now)
    assert healthy and reasons == []
    assert warnings == [
        f"stale: {FEED} answers but newest stored article published 100 h ago (limit 72 h)"
    ]
    assert format_report(feed_health(session, now=now)).splitlines() == [
        f"WARNING slow: {warnings[0]}",
        "all 1 enabled sources healthy",
    ]


def test_the_failure_policy_makes_it_unhealthy(session: Session) -> None:
    now = datetime.now(UTC)
    seed(session, now, age_h=30, freshness={"max_age_hours": 24, "when_stale": "failure"})
    healthy, reasons, warnings = stale_lines(session, now)
    assert not healthy and warnings == []
    assert reasons == [
        f"stale: {FEED} answers but newest stored article published 30 h ago (limit 24 h)"
    ]


@pytest.mark.parametrize(
    ("age_h", "freshness"),
    [
        (20, {"when_stale": "failure"}),  # fresh under the default 72 h
        (100, {"max_age_hours": 336, "when_stale": "failure"}),  # a weekly outlet's limit
    ],
)
def test_fresh_enough_is_not_stale(session: Session, age_h: float, freshness: Any) -> None:
    now = datetime.now(UTC)
    seed(session, now, age_h=age_h, freshness=freshness)
    assert stale_lines(session, now) == (True, [], [])


def test_a_failing_feed_is_not_called_stale(session: Session) -> None:
    """Stale means reachable: a feed that does not answer is reported as failing instead."""
    now = datetime.now(UTC)
    seed(session, now, age_h=100, freshness={"when_stale": "failure"})
    store.record_feed_states(session, "slow", [{"feed_url": FEED, "outcome": "error"}])
    session.commit()
    healthy, reasons, warnings = stale_lines(session, now)
    (health,) = feed_health(session, now=now)
    assert not healthy and reasons == [] and warnings == []
    assert health.reasons == [f"all 1 feeds failing: {FEED}: error"]


def test_health_task_green_with_a_warning_red_with_a_failure(
    session: Session, settings: Settings
) -> None:
    """The DAG's feed health task: green with the warning in its summary under the warning
    policy; failed with a message naming source, feed and age under the failure policy."""
    now = datetime.now(UTC)
    seed(session, now, age_h=100, freshness={"when_stale": "warning"})
    out = tasks.health(settings)
    assert out["unhealthy"] == 0
    assert out["warnings"] == [
        f"slow: stale: {FEED} answers but newest stored article published 100 h ago (limit 72 h)"
    ]

    configure(session, {"when_stale": "failure"})
    with pytest.raises(NarrmonError) as err:
        tasks.health(settings)
    assert f"UNHEALTHY slow: stale: {FEED} answers but newest stored article published" in str(
        err.value
    )
    assert "100 h ago (limit 72 h)" in str(err.value)

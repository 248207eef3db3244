"""Retry bookkeeping between runs: Retry-After waits, full feed reads, resolved retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.registry import SourceConfig
from models import store
from models.records import QuarantineRecord, SourceRecord
from models.schema import QuarantineItem
from narrmon.pipeline.crawl import write_known_urls
from narrmon.pipeline.store import record_fetch_failures
from narrmon.summary import SourceSummary

FEED = "https://herald.example/rss"
NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


class _Source:
    id = "herald"


def record(session: Session, failures: list[dict[str, object]], run: str = "r1") -> None:
    """record_fetch_failures for the herald source (it reads only the source's id)."""
    source = cast(SourceConfig, _Source())
    record_fetch_failures(session, source, failures, run, SourceSummary(source_id="herald"))


def setup_source(session: Session) -> None:
    store.sync_sources(
        session,
        [
            SourceRecord(
                "herald", "Herald", "https://herald.example/", "en", "GB", "commercial", True, {}
            )
        ],
    )
    store.record_feed_states(
        session,
        "herald",
        [{"feed_url": FEED, "outcome": "ok", "etag": '"v1"', "last_modified": None}],
    )


def failure(
    url: str,
    reason: str,
    *,
    retry_after: float | None = None,
    kind: str = "article",
    at: datetime = NOW,
) -> dict[str, object]:
    return {
        "url": url,
        "reason": reason,
        "detail": reason,
        "status": None,
        "retry_after": retry_after,
        "fetched_at": at.isoformat(),
        "kind": kind,
    }


def test_retry_after_keeps_a_url_out_of_runs_until_it_elapses(
    session: Session, tmp_path: Path
) -> None:
    setup_source(session)
    record(
        session,
        [
            failure("https://herald.example/wait", "http_429", retry_after=3600),
            failure("https://herald.example/soon", "http_5xx", retry_after=30),
            failure("https://herald.example/reset", "connection_error"),
            failure("https://herald.example/gone", "http_404"),
        ],
    )
    session.commit()
    known = tmp_path / "known.txt"

    write_known_urls(session, "herald", known, now=NOW + timedelta(minutes=5))
    skipped = set(known.read_text(encoding="utf-8").split())
    # 404 is final; the 429 asked for an hour; the 503's 30 s and the reset are over.
    assert skipped == {"https://herald.example/gone", "https://herald.example/wait"}

    write_known_urls(session, "herald", known, now=NOW + timedelta(hours=2))
    assert set(known.read_text(encoding="utf-8").split()) == {"https://herald.example/gone"}


def test_feeds_are_read_in_full_while_articles_wait_for_a_retry(session: Session) -> None:
    setup_source(session)
    session.commit()
    assert store.feed_validators(session, "herald")[FEED]["etag"] == '"v1"'
    # A failed feed is polled every run anyway: it does not turn conditional GET off.
    record(session, [failure(FEED, "http_5xx", kind="feed")])
    session.commit()
    assert store.feed_validators(session, "herald")[FEED]["etag"] == '"v1"'
    # An article waiting for a retry: a 304 would hide it, so no validators are sent.
    record(session, [failure("https://herald.example/a", "timeout")])
    session.commit()
    assert store.pending_retries(session, "herald") == 1
    assert store.feed_validators(session, "herald") == {}
    # Once stored, the retry is resolved and conditional GET comes back.
    store.resolve_quarantine(session, ["https://herald.example/a"])
    session.commit()
    row = session.scalar(
        select(QuarantineItem).where(QuarantineItem.url == "https://herald.example/a")
    )
    assert row is not None and row.status == "replayed"
    assert store.pending_retries(session, "herald") == 0
    assert store.feed_validators(session, "herald")[FEED]["etag"] == '"v1"'


def test_resolve_leaves_dropped_rows_alone(session: Session) -> None:
    setup_source(session)
    store.quarantine_items(
        session,
        [QuarantineRecord("https://herald.example/x", "herald", ["http_404"], NOW, {}, {}, "r")],
    )
    row = session.scalar(select(QuarantineItem))
    assert row is not None
    row.status = "dropped"
    session.commit()
    store.resolve_quarantine(session, ["https://herald.example/x"])
    assert session.scalar(select(QuarantineItem.status)) == "dropped"

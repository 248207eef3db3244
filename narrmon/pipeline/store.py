"""Store stage: gated, tagged and deduplicated articles in; article, tag and quarantine
rows written, their days marked for the rollups. Also the fetch failures a crawl reported.

The caller owns the transaction, so a batch is stored whole or not at all."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.registry import SourceConfig
from crawlers.urls import canonical_url
from models import store
from models.quarantine_status import QuarantineStatus
from models.records import QuarantineRecord, TagRecord
from models.rollups import mark_dirty
from models.schema import QuarantineItem
from models.story_match import WINDOW_DAYS
from narrmon.pipeline.articles import parse_time, quarantine_record
from narrmon.pipeline.dedupe import assign_stories
from narrmon.pipeline.gate import GatedBatch
from narrmon.pipeline.tag import TagOutcome, tagger_version
from narrmon.summary import SourceSummary

log = logging.getLogger(__name__)


# Fetch failures worth trying again in a later run (the URL is not marked known).
# Fetches the crawler refused on purpose (robots.txt, links off the source's hosts,
# private addresses, non-http schemes): neither errors nor quarantine.
REFUSED_REASONS = frozenset(
    {
        "robots_disallowed",
        "offsite_request",
        "offsite_redirect",
        "private_address",
        "bad_scheme",
    }
)
RETRYABLE_REASONS = frozenset(
    {
        "http_429",
        "http_5xx",
        "timeout",
        "connection_error",
        "dns_error",
        "data_loss",
        "download_error",
        "archive_unreadable",
    }
)


def store_gated(
    session: Session,
    source: SourceConfig,
    gated: GatedBatch,
    tags: Mapping[str, TagOutcome],
    run_id: str,
    summary: SourceSummary,
    *,
    taxonomy_version: str,
    window_days: int = WINDOW_DAYS,
) -> list[str]:
    """Store one gated and tagged batch; returns the URLs stored.

    A page whose tagging crashed joins the gate's quarantine with its reason; the rest
    get their story ids (dedupe stage) and are upserted with their tags.
    """
    quarantine = list(gated.quarantine)
    records = []
    for url, cand in gated.passed.items():
        tagged = tags.get(url)
        if tagged is not None and tagged.error:
            quarantine.append(
                quarantine_record(
                    cand.outcome, source, url, [tagged.error], {tagged.error: tagged.detail}, run_id
                )
            )
            continue
        records.append(cand.record)
    to_store = assign_stories(session, records, summary, window_days=window_days)
    written = store.upsert_articles(session, to_store)
    tags_by_id: dict[int, list[TagRecord]] = {}
    for record in to_store:
        article_id, status = written[record.url]
        if status == "new":
            summary.new += 1
        elif status == "updated":
            summary.updated += 1
        else:
            summary.unchanged += 1
            continue
        tagged = tags.get(record.url)
        tags_by_id[article_id] = tagged.tags if tagged is not None else []
        summary.days.add(record.day)
    store.replace_tags(session, tags_by_id, taxonomy_version, tagger_version())
    mark_dirty(session, {r.day for r in to_store if written[r.url][1] != "unchanged"})
    store.resolve_quarantine(session, written)
    store.quarantine_items(session, quarantine)
    summary.quarantined += len(quarantine)
    return list(written)


def record_fetch_failures(
    session: Session,
    source: SourceConfig,
    failures: Sequence[dict[str, Any]],
    run_id: str,
    summary: SourceSummary,
) -> None:
    """Quarantine fetch failures with their reason; retryable ones are fetched next run."""
    records = []
    for failure in failures:
        reason = str(failure.get("reason") or "download_error")
        summary.failure_reasons[reason] = summary.failure_reasons.get(reason, 0) + 1
        if reason in REFUSED_REASONS:
            summary.refused += 1
        else:
            summary.errors += 1
        retry = reason in RETRYABLE_REASONS
        summary.retry_later += retry
        url = canonical_url(str(failure["url"]))
        records.append(
            QuarantineRecord(
                url=url,
                source_id=source.id,
                reasons=[reason],
                fetched_at=parse_time(failure.get("fetched_at")),
                payload={
                    "page_url": failure["url"],
                    "kind": failure.get("kind") or "article",
                    "status": failure.get("status"),
                    "retry_after": failure.get("retry_after"),
                    "retry": retry,
                },
                details={reason: failure.get("detail")},
                crawl_run_id=run_id,
            )
        )
    store.quarantine_items(session, records)
    # Refused URLs are their own category (not quarantine): known, never fetched, not judged.
    refused_urls = [r.url for r in records if r.reasons[0] in REFUSED_REASONS]
    for chunk_start in range(0, len(refused_urls), 500):  # bounded IN lists
        for row in session.scalars(
            select(QuarantineItem).where(
                QuarantineItem.url.in_(refused_urls[chunk_start : chunk_start + 500])
            )
        ):
            row.status = QuarantineStatus.REFUSED
    # Retryable failures are not "known": the next run fetches them again.
    retry_urls = [r.url for r in records if r.payload["retry"]]
    if retry_urls:
        for row in session.scalars(
            select(QuarantineItem).where(QuarantineItem.url.in_(retry_urls))
        ):
            row.status = QuarantineStatus.RETRY

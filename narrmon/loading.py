"""Gate and store one batch of processed pages: articles, tags, stories, quarantine.

The caller owns the transaction, so a batch is stored whole or not at all."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.registry import SourceConfig
from crawlers.urls import canonical_url, host_allowed
from models import store
from models.feed_health import REFUSED_STATUS
from models.records import ArticleRecord, QuarantineRecord, TagRecord
from models.rollups import mark_dirty
from models.schema import QuarantineItem
from models.stories import StoryProbe, stored_story_matches
from models.story_match import WINDOW_DAYS, BatchIndex, Indexed
from narrmon.gating import GateItem, gate_items
from narrmon.pages import PageOutcome
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

# Page dates from structured markup; others (htmldate, URL, byline) are often date-only.
STRUCTURED_DATE_SOURCES = frozenset({"json-ld", "article:published_time", "meta", "itemprop"})


def text_hash(text: str) -> str:
    """Content hash of article text, insensitive to whitespace and case."""
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def published_time(article: Any, feed: dict[str, Any]) -> datetime | None:
    """Publication time: structured page markup, else the feed's entry date, else any."""
    if article.published_at is not None and article.date_source in STRUCTURED_DATE_SOURCES:
        return article.published_at  # type: ignore[no-any-return]
    return parse_time(feed.get("published")) or article.published_at


def article_url(outcome: PageOutcome, domains: Sequence[str]) -> str:
    """The key an article is stored under: its rel=canonical when on the source's hosts."""
    art = outcome.article
    canon = getattr(art, "canonical_url", None)
    if canon and host_allowed(canon, list(domains)):
        return canonical_url(canon)
    return outcome.task.canonical_url


def _payload(outcome: PageOutcome, url: str) -> dict[str, Any]:
    """Everything needed to explain and replay a quarantined page."""
    task = outcome.task
    payload: dict[str, Any] = {
        "page_url": task.url,
        "final_url": task.final_url,
        "warc_path": task.warc_path,
        "warc_offset": task.warc_offset,
        "warc_record_id": task.warc_record_id,
        "content_type": task.content_type,
        "feed": task.feed,
        "error_detail": outcome.error_detail or None,
    }
    art = outcome.article
    if art is not None:
        payload.update(
            {
                "url": url,
                "title": art.title,
                "author": art.author,
                "published_at": art.published_at.isoformat() if art.published_at else None,
                "language": art.language,
                "word_count": art.word_count,
                "link_density": art.link_density,
                "extractor_version": art.extractor_version,
                "text": art.text,
            }
        )
    return payload


def tag_records(tags: Iterable[Any]) -> list[TagRecord]:
    return [
        TagRecord(
            narrative_id=t.id,
            score=float(t.score),
            stance=t.stance,
            evidence=[{"text": e.text, "start": e.start, "end": e.end} for e in t.evidence],
        )
        for t in tags
    ]


def load_outcomes(
    session: Session,
    source: SourceConfig,
    outcomes: Sequence[PageOutcome],
    run_id: str,
    summary: SourceSummary,
    *,
    taxonomy_version: str,
    data_dir: Path,
    window_days: int = WINDOW_DAYS,
) -> list[str]:
    """Gate and store one batch of processed pages; returns the URLs stored.

    The caller commits. Extraction errors and gate failures become quarantine rows with
    their reasons; syndicated copies are stored and share their story id (copies
    published up to ``window_days`` apart).
    """
    domains = source.domains()
    quarantine: list[QuarantineRecord] = []
    candidates: dict[str, tuple[PageOutcome, ArticleRecord, list[TagRecord]]] = {}
    for outcome in outcomes:
        fetched_at = parse_time(outcome.task.fetched_at) or store.now_utc()
        if outcome.article is None or outcome.error:
            summary.extraction_failures += 1
            url = outcome.task.canonical_url
            quarantine.append(
                QuarantineRecord(
                    url=url,
                    source_id=source.id,
                    reasons=[outcome.error or "extraction_failed"],
                    fetched_at=fetched_at,
                    payload=_payload(outcome, url),
                    details={outcome.error or "extraction_failed": outcome.error_detail},
                    crawl_run_id=run_id,
                )
            )
            continue
        art = outcome.article
        url = article_url(outcome, domains)
        published = published_time(art, outcome.task.feed)
        if published and (
            summary.newest_published_at is None or published > summary.newest_published_at
        ):
            summary.newest_published_at = published
        digest = text_hash(art.text)
        record = ArticleRecord(
            url=url,
            source_id=source.id,
            text=art.text,
            fetched_at=fetched_at,
            content_hash=digest,
            story_id="st-" + digest[:24],
            extractor_version=art.extractor_version,
            title=art.title or outcome.task.feed.get("title"),
            author=art.author,
            published_at=published,
            language=art.language,
            word_count=art.word_count,
            warc_path=outcome.task.warc_path,
            warc_offset=outcome.task.warc_offset,
            warc_record_id=outcome.task.warc_record_id,
            crawl_run_id=run_id,
            story_keys=outcome.story_keys,
            page_url=outcome.task.canonical_url if outcome.task.canonical_url != url else None,
        )
        summary.repeats += url in candidates  # two pages of one article in a batch: one kept
        candidates[url] = (outcome, record, tag_records(outcome.tags))

    # Exact copies already stored (other URL or outlet) keep the stored story id.
    stored_stories = store.story_ids_for_hashes(
        session, (r.content_hash for _, r, _ in candidates.values())
    )
    items = []
    for url, (outcome, record, _tags) in candidates.items():
        story = stored_stories.get(record.content_hash)
        items.append(
            GateItem(
                key=url,
                source=source,
                record=record,
                link_density=float(getattr(outcome.article, "link_density", 0.0)),
                duplicate_of=story,
            )
        )
    verdict = gate_items(items, data_dir=data_dir, run_id=run_id)

    to_store: list[ArticleRecord] = []
    batch = BatchIndex(window_days)  # near copies within this batch
    # Near copies among stored articles, looked up for the whole batch at once.
    stored_near = stored_story_matches(
        session,
        [
            StoryProbe(url, record.text, record.day, record.story_keys)
            for url, (_, record, _) in candidates.items()
            if record.story_keys and url not in verdict.failed
        ],
        window_days=window_days,
    )
    for url, (outcome, record, _tags) in candidates.items():
        reasons = verdict.failed.get(url)
        if reasons:
            quarantine.append(
                QuarantineRecord(
                    url=url,
                    source_id=source.id,
                    reasons=reasons,
                    fetched_at=record.fetched_at,
                    payload=_payload(outcome, url),
                    details=verdict.details.get(url, {}),
                    crawl_run_id=run_id,
                )
            )
            continue
        story = (
            stored_stories.get(record.content_hash)
            or batch.match(record.text, record.story_keys, record.day)
            or stored_near.get(url)
        )
        if story is not None:  # a copy of a story stored under another URL
            summary.syndicated += 1
            if story != record.story_id:
                record = ArticleRecord(**{**asdict(record), "story_id": story})
        stored_stories.setdefault(record.content_hash, record.story_id)
        batch.add(
            Indexed(len(to_store), record.story_id, record.day, record.text), record.story_keys
        )
        to_store.append(record)

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
        tags_by_id[article_id] = candidates[record.url][2]
        summary.days.add(record.day)
    store.replace_tags(session, tags_by_id, taxonomy_version, _tagger_version())
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
            row.status = REFUSED_STATUS
    # Retryable failures are not "known": the next run fetches them again.
    retry_urls = [r.url for r in records if r.payload["retry"]]
    if retry_urls:
        for row in session.scalars(
            select(QuarantineItem).where(QuarantineItem.url.in_(retry_urls))
        ):
            row.status = "retry"


def _tagger_version() -> str:
    """The version stamped on every tagged article (import deferred: the parent loads no model)."""
    from narratives import TAGGER_VERSION

    return TAGGER_VERSION

"""Load one source's crawl output: extract, tag, gate, store, in batch transactions.

The crawl process leaves pages (pointers into the WARC archive), failures and feed
outcomes on disk. This module turns them into stored articles, tags and quarantine
rows. Each batch is one transaction: a crash loses at most the batch in flight, whose
URLs are not yet known and so are fetched again by the next run.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawlers.job import CrawlResult
from crawlers.registry import SourceConfig
from crawlers.urls import canonical_url, host_allowed
from models import store
from models.db import session_factory
from models.records import ArticleRecord, QuarantineRecord, TagRecord
from models.rollups import dirty_days, mark_dirty, rebuild_day
from models.schema import CrawlRun, QuarantineItem
from models.stories import MAX_DISTANCE, distance, near_duplicate_story
from narrmon.gating import GateItem, batch_checks, gate_items
from narrmon.pages import PageOutcome, PageTask, batched, process_pages

log = logging.getLogger(__name__)

# Pages per load transaction: a crash re-fetches at most this many pages; 200 keeps
# each commit around a second of extraction work on two cores.
LOAD_BATCH = 200

# Fetch failures worth trying again in a later run (the URL is not marked known).
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


@dataclass
class SourceSummary:
    """Per-source outcome of one cycle: what was fetched and what became of it."""

    source_id: str
    status: str = "ok"
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    syndicated: int = 0
    quarantined: int = 0
    errors: int = 0
    retry_later: int = 0
    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_error: int = 0
    error_message: str | None = None
    crawl_seconds: float = 0.0
    ingest_seconds: float = 0.0
    extract_seconds: float = 0.0
    load_seconds: float = 0.0
    extraction_failures: int = 0
    newest_published_at: datetime | None = None
    failure_reasons: dict[str, int] = field(default_factory=dict)
    batch_checks: dict[str, Any] = field(default_factory=dict)
    days: set[date] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (days omitted)."""
        out = asdict(self)
        out.pop("days")
        out["newest_published_at"] = (
            self.newest_published_at.isoformat() if self.newest_published_at else None
        )
        return out


def text_hash(text: str) -> str:
    """Content hash of article text, insensitive to whitespace and case."""
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def write_known_urls(session: Session, source_id: str, path: Path) -> int:
    """Write the URLs the crawler must not fetch again: stored, or quarantined for good."""
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for url in store.known_urls(session, source_id):
            fh.write(url + "\n")
            count += 1
        for url in session.scalars(
            select(QuarantineItem.url).where(
                QuarantineItem.source_id == source_id, QuarantineItem.status == "pending"
            )
        ):
            fh.write(url + "\n")
            count += 1
    return count


def begin_crawl_run(engine: Engine, run_id: str, source_id: str) -> None:
    """Record that a source's crawl started (idempotent for a retried task)."""
    with session_factory(engine).begin() as session:
        row = session.scalar(
            select(CrawlRun).where(CrawlRun.run_id == run_id, CrawlRun.source_id == source_id)
        )
        if row is None:
            session.add(
                CrawlRun(
                    run_id=run_id, source_id=source_id, started_at=store.now_utc(), status="running"
                )
            )


def finish_crawl_run(
    engine: Engine, run_id: str, summary: SourceSummary, stats: dict[str, Any]
) -> None:
    """Store the source's counts and status on its crawl-run row."""
    with session_factory(engine).begin() as session:
        row = session.scalar(
            select(CrawlRun).where(
                CrawlRun.run_id == run_id, CrawlRun.source_id == summary.source_id
            )
        )
        if row is None:
            row = CrawlRun(run_id=run_id, source_id=summary.source_id, started_at=store.now_utc())
            session.add(row)
        row.finished_at = store.now_utc()
        row.status = summary.status
        row.fetched = summary.fetched
        row.new = summary.new
        row.updated = summary.updated
        row.duplicates = summary.unchanged + summary.syndicated
        row.quarantined = summary.quarantined
        row.errors = summary.errors
        row.error_message = summary.error_message
        row.stats = {**stats, "summary": summary.as_dict()}


def _page_task(page: dict[str, Any]) -> PageTask:
    return PageTask(
        url=page["url"],
        final_url=page.get("final_url") or page["url"],
        canonical_url=page.get("canonical_url") or canonical_url(page["url"]),
        warc_path=page["warc_path"],
        warc_offset=int(page["warc_offset"]),
        warc_record_id=page.get("warc_record_id"),
        content_type=page.get("content_type"),
        fetched_at=page["fetched_at"],
        feed=page.get("feed") or {},
    )


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# Page dates from structured markup; others (htmldate, URL, byline) are often date-only.
STRUCTURED_DATE_SOURCES = frozenset({"json-ld", "article:published_time", "meta", "itemprop"})


def published_time(article: Any, feed: dict[str, Any]) -> datetime | None:
    """Publication time: structured page markup, else the feed's entry date, else any."""
    if article.published_at is not None and article.date_source in STRUCTURED_DATE_SOURCES:
        return article.published_at  # type: ignore[no-any-return]
    return _parse_time(feed.get("published")) or article.published_at


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
) -> list[str]:
    """Gate and store one batch of processed pages; returns the URLs stored.

    The caller commits. Extraction errors and gate failures become quarantine rows with
    their reasons; syndicated copies are stored and share their story id.
    """
    domains = source.domains()
    quarantine: list[QuarantineRecord] = []
    candidates: dict[str, tuple[PageOutcome, ArticleRecord, list[TagRecord]]] = {}
    for outcome in outcomes:
        fetched_at = _parse_time(outcome.task.fetched_at) or store.now_utc()
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
            simhash=outcome.simhash,
            page_url=outcome.task.canonical_url if outcome.task.canonical_url != url else None,
        )
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
    batch_hashes: list[tuple[int, str]] = []  # (simhash, story id) stored in this batch
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
        story = stored_stories.get(record.content_hash) or near_story(session, record, batch_hashes)
        if story is not None:  # a copy of a story stored under another URL
            summary.syndicated += 1
            if story != record.story_id:
                record = ArticleRecord(**{**asdict(record), "story_id": story})
        stored_stories.setdefault(record.content_hash, record.story_id)
        if record.simhash is not None:
            batch_hashes.append((record.simhash, record.story_id))
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
    store.replace_tags(session, tags_by_id, taxonomy_version)
    mark_dirty(session, {r.day for r in to_store if written[r.url][1] != "unchanged"})
    store.resolve_quarantine(session, written)
    store.quarantine_items(session, quarantine)
    summary.quarantined += len(quarantine)
    return list(written)


def near_story(
    session: Session, record: ArticleRecord, batch: Sequence[tuple[int, str]]
) -> str | None:
    """The story a near-copy belongs to: in this batch first, else among stored articles."""
    if record.simhash is None:
        return None
    for other, story in batch:
        if distance(record.simhash, other) <= MAX_DISTANCE:
            return story
    return near_duplicate_story(session, record.simhash, record.day, exclude_urls=[record.url])


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
        summary.errors += 1
        retry = reason in RETRYABLE_REASONS
        summary.retry_later += retry
        url = canonical_url(str(failure["url"]))
        records.append(
            QuarantineRecord(
                url=url,
                source_id=source.id,
                reasons=[reason],
                fetched_at=_parse_time(failure.get("fetched_at")),
                payload={
                    "page_url": failure["url"],
                    "status": failure.get("status"),
                    "retry_after": failure.get("retry_after"),
                    "retry": retry,
                },
                details={reason: failure.get("detail")},
                crawl_run_id=run_id,
            )
        )
    store.quarantine_items(session, records)
    # Retryable failures are not "known": the next run fetches them again.
    retry_urls = [r.url for r in records if r.payload["retry"]]
    if retry_urls:
        for row in session.scalars(
            select(QuarantineItem).where(QuarantineItem.url.in_(retry_urls))
        ):
            row.status = "retry"


def ingest_crawl(
    engine: Engine,
    source: SourceConfig,
    result: CrawlResult,
    run_id: str,
    pool: Executor | None,
    *,
    taxonomy_version: str,
    data_dir: Path,
) -> SourceSummary:
    """Load everything one source's crawl left behind; rollups are the caller's job."""
    summary = SourceSummary(source_id=source.id)
    summary.feeds_ok = result.feeds_ok
    summary.feeds_not_modified = result.feeds_not_modified
    summary.feeds_error = result.feeds_error
    if not result.ok:
        summary.status = "failed"
        tail = result.stderr_tail.strip().splitlines()[-1:] if result.stderr_tail else []
        summary.error_message = (
            "crawl timed out"
            if result.timed_out
            else f"crawl process exited {result.exit_code}: {' '.join(tail)}"
        )
    pages = [_page_task(p) for p in result.read_pages()]
    summary.fetched = len(pages)
    factory = session_factory(engine)
    unique = list({p.canonical_url: p for p in pages}.values())
    started = time.perf_counter()
    for outcomes in batched(process_pages(unique, pool), LOAD_BATCH):
        summary.extract_seconds += sum(o.seconds for o in outcomes)
        load_started = time.perf_counter()
        with factory.begin() as session:
            load_outcomes(
                session,
                source,
                outcomes,
                run_id,
                summary,
                taxonomy_version=taxonomy_version,
                data_dir=data_dir,
            )
        summary.load_seconds += time.perf_counter() - load_started
    with factory.begin() as session:
        record_fetch_failures(session, source, result.read_failures(), run_id, summary)
        store.record_feed_states(session, source.id, result.read_feeds())
    summary.ingest_seconds = time.perf_counter() - started
    summary.batch_checks = batch_checks(
        source_id=source.id,
        run_id=run_id,
        fetched=summary.fetched,
        extracted=summary.fetched - summary.extraction_failures,
        extraction_failures=summary.extraction_failures,
        quarantined=summary.quarantined,
        duplicates=summary.unchanged + summary.syndicated,
        feeds=result.read_feeds(),
        newest_published_at=summary.newest_published_at,
    )
    if (
        summary.status == "ok"
        and summary.feeds_error
        and not (summary.feeds_ok or summary.feeds_not_modified)
    ):
        summary.status = "failed"
        summary.error_message = summary.error_message or "every feed failed"
    return summary


def rebuild_dirty(engine: Engine) -> int:
    """Rebuild the rollups of every day marked dirty, one small transaction per day.

    Days are marked in the same transaction as the articles and tags that changed them,
    so after a crash the next call still finds every stale day.
    """
    total = 0
    factory = session_factory(engine)
    with factory() as session:
        days = dirty_days(session)
    for day in days:
        with factory.begin() as session:
            total += rebuild_day(session, day)
    return total

"""From an extracted page to the records the later stages take: the article record under
its canonical URL, or the quarantine record that explains and can replay the page."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from crawlers.registry import SourceConfig
from crawlers.urls import canonical_url, host_allowed
from models import store
from models.records import ArticleRecord, QuarantineRecord
from narrmon.pipeline.extract import PageOutcome

# Page dates from structured markup; others (htmldate, URL, byline) are often date-only.
STRUCTURED_DATE_SOURCES = frozenset({"json-ld", "article:published_time", "meta", "itemprop"})


def text_hash(text: str) -> str:
    """Content hash of article text, insensitive to whitespace and case."""
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def own_story(content_hash: str) -> str:
    """The story id of an article that copies no other one."""
    return "st-" + content_hash[:24]


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; None when absent or unreadable."""
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
    """The key an article is stored under: its rel=canonical when on the source's hosts,
    else the page's canonical URL (computed once, when the page task was built)."""
    canon = getattr(outcome.article, "canonical_url", None)
    if canon and host_allowed(canon, list(domains)):
        return canonical_url(canon)
    return outcome.task.canonical_url


def quarantine_payload(outcome: PageOutcome, url: str) -> dict[str, Any]:
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


def quarantine_record(
    outcome: PageOutcome,
    source: SourceConfig,
    url: str,
    reasons: list[str],
    details: dict[str, Any],
    run_id: str,
) -> QuarantineRecord:
    """The quarantine row of a page that failed a stage, with its reasons."""
    return QuarantineRecord(
        url=url,
        source_id=source.id,
        reasons=reasons,
        fetched_at=parse_time(outcome.task.fetched_at) or store.now_utc(),
        payload=quarantine_payload(outcome, url),
        details=details,
        crawl_run_id=run_id,
    )


def article_record(
    outcome: PageOutcome, source: SourceConfig, run_id: str, domains: Sequence[str]
) -> ArticleRecord:
    """The article record of a successfully extracted page (its own story until dedupe)."""
    art = outcome.article
    assert art is not None, "only an extracted page has an article record"
    task = outcome.task
    url = article_url(outcome, domains)
    digest = text_hash(art.text)
    return ArticleRecord(
        url=url,
        source_id=source.id,
        text=art.text,
        fetched_at=parse_time(task.fetched_at) or store.now_utc(),
        content_hash=digest,
        story_id=own_story(digest),
        extractor_version=art.extractor_version,
        title=art.title or task.feed.get("title"),
        author=art.author,
        published_at=published_time(art, task.feed),
        language=art.language,
        word_count=art.word_count,
        warc_path=task.warc_path,
        warc_offset=task.warc_offset,
        warc_record_id=task.warc_record_id,
        crawl_run_id=run_id,
        story_keys=outcome.story_keys,
        page_url=task.canonical_url if task.canonical_url != url else None,
    )

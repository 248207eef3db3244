"""The source spider: feeds and sitemaps in, article responses out.

One spider class serves every source: it reads the feed list from the job,
fetches each feed with conditional-GET validators, follows the article links
that stay on the allowed hosts and were not stored before, and yields items
for the output pipeline. It never extracts article text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urljoin

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.failures import classify, is_binary_type, retry_after_seconds, status_reason
from crawlers.feeds import MAX_XML_BYTES, FeedEntry, FeedError, parse_feed
from crawlers.items import FailureItem, FeedItem, PageItem
from crawlers.job import CrawlJob
from crawlers.urls import canonical_url, host_allowed, is_http_url

# Statuses handed to our callbacks rather than dropped by HttpErrorMiddleware
# (3xx stay with RedirectMiddleware; 304 answers a conditional GET).
HANDLED_STATUSES = [304, 400, 401, 403, 404, 405, 406, 410, 429, 451, 500, 502, 503, 504]
# Feeds are fetched before articles so the per-run cap sees feeds first.
FEED_PRIORITY = 10
# Feeds and sitemaps may be larger than article pages: a sitemap may hold 50 MB
# uncompressed (the protocol's limit), so their cap is at least that.
FEED_MAXSIZE = MAX_XML_BYTES
# Follow at most the 100 newest child sitemaps of an index per run: news sites
# keep years of monthly or daily archives there, and new articles sit in the newest.
MAX_CHILD_SITEMAPS = 100


def now_iso() -> str:
    """The current time, ISO 8601 UTC with a Z suffix."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _newest_first(entry: FeedEntry) -> tuple[bool, str]:
    """Sort key: dated entries newest first, undated ones last (stable otherwise)."""
    return (entry.published is None, _invert(entry.published or ""))


def _invert(iso: str) -> str:
    # ISO 8601 UTC strings sort chronologically; invert digits for a descending sort.
    return iso.translate(_INVERT_DIGITS)


_INVERT_DIGITS = str.maketrans("0123456789", "9876543210")


def first_url(request: Request) -> str:
    """The URL as discovered, before any redirect."""
    return str((request.meta.get("redirect_urls") or [request.url])[0])


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class SourceSpider(Spider):
    """Crawl one source: its feeds/sitemaps, then the articles they list."""

    name = "source"

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(name=f"source-{job.source['id']}", **kwargs)
        self.job = job
        self.allowed = job.allowed_hosts()
        cap = job.source.get("max_articles_per_run")
        self.cap: int | None = int(cap) if cap is not None else None
        self.known: set[str] = set()
        if job.known_urls_file and Path(job.known_urls_file).exists():
            with open(job.known_urls_file, encoding="utf-8") as fh:
                self.known = {canonical_url(line) for line in fh if line.strip()}
        self.seen: set[str] = set()
        self.scheduled = 0
        self.feeds_seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Create the spider and skip binary article bodies as soon as headers arrive."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        return spider

    def on_headers(self, headers: Any, body_length: int, request: Request, spider: Spider) -> None:
        """Stop downloading an article whose Content-Type is not a page."""
        if request.meta.get("kind") != "article":
            return
        ctype = headers.get(b"Content-Type")
        if ctype and is_binary_type(ctype.decode("latin-1")):
            raise StopDownload(fail=True)

    def _stat(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"narrmon/{key}")

    # -- feeds -----------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """One request per configured feed or sitemap."""
        for feed in self.job.source["feeds"]:
            yield self.feed_request(feed["url"], feed["type"])

    def feed_request(self, url: str, feed_type: str, parent: str | None = None) -> Request:
        """A conditional GET for a feed, with the validators from the last run."""
        self.feeds_seen.add(url)
        headers: dict[str, str] = {}
        validators = self.job.validators.get(url) or {}
        if validators.get("etag"):
            headers["If-None-Match"] = str(validators["etag"])
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = str(validators["last_modified"])
        return Request(
            url,
            callback=self.parse_feed,
            errback=self.feed_failed,
            headers=headers,
            priority=FEED_PRIORITY,
            dont_filter=True,
            meta={
                "kind": "feed",
                "feed_url": url,
                "feed_type": feed_type,
                "parent": parent,
                "handle_httpstatus_list": HANDLED_STATUSES,
                "download_maxsize": max(self.job.download_maxsize, FEED_MAXSIZE),
            },
        )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Parse a feed/sitemap; yield child sitemap and article requests."""
        meta = response.meta
        feed_url: str = meta["feed_url"]
        old = self.job.validators.get(feed_url) or {}
        etag = _header(response, "ETag") or (old.get("etag") if response.status == 304 else None)
        last_mod = _header(response, "Last-Modified") or (
            old.get("last_modified") if response.status == 304 else None
        )

        def outcome(
            kind: str, entries: int = 0, new: int = 0, error: str | None = None
        ) -> FeedItem:
            return FeedItem(
                feed_url=feed_url,
                outcome=kind,
                status=response.status,
                etag=etag,
                last_modified=last_mod,
                entries=entries,
                new_urls=new,
                error=error,
                feed_type=meta.get("feed_type"),
                parent=meta.get("parent"),
            )

        if response.status == 304:
            yield outcome("not_modified")
            return
        if response.status >= 400:
            reason = status_reason(response.status)
            yield self.failure(response.request or Request(feed_url), reason, response, "feed")
            yield outcome("error", error=reason)
            return
        try:
            parsed = parse_feed(response.body)
        except FeedError as exc:
            self.logger.warning("feed %s refused: %s", feed_url, exc)
            yield FailureItem(
                url=feed_url,
                reason=f"feed_{exc.code}",
                detail=str(exc)[:500],
                status=response.status,
                retry_after=None,
                fetched_at=now_iso(),
                kind="feed",
            )
            yield outcome("error", error=str(exc)[:500])
            return
        # Newest first: the per-run cap then keeps the latest coverage.
        children = sorted(parsed.sitemaps, key=_newest_first)[:MAX_CHILD_SITEMAPS]
        if len(parsed.sitemaps) > MAX_CHILD_SITEMAPS:
            self._stat("skipped_child_sitemaps")
        for child in children:
            child_url = urljoin(response.url, child.url)
            if child_url in self.feeds_seen:
                continue
            if not is_http_url(child_url) or not host_allowed(child_url, self.allowed):
                self.logger.info("child sitemap %s is off the allowed hosts: skipped", child_url)
                self._stat("skipped_offsite")
                continue
            yield self.feed_request(child_url, "sitemap", parent=feed_url)
        new = 0
        for entry in sorted(parsed.entries, key=_newest_first):
            url = urljoin(response.url, entry.url)
            info = {
                "feed_url": feed_url,
                "title": entry.title,
                "published": entry.published,
                "language": entry.language or parsed.language,
            }
            request = self.article_request(url, info)
            if isinstance(request, Request):
                new += 1
            if request is not None:
                yield request
        yield outcome("ok", entries=len(parsed.entries) + len(parsed.sitemaps), new=new)

    def feed_failed(self, failure: Failure) -> Iterator[Any]:
        """A feed that could not be fetched: one failure and one feed outcome."""
        request: Request = failure.request  # type: ignore[attr-defined]
        reason, detail, status = classify(failure)
        self.logger.warning("feed %s failed: %s (%s)", request.url, reason, detail)
        yield FailureItem(
            url=first_url(request),
            reason=reason,
            detail=detail,
            status=status,
            retry_after=None,
            fetched_at=now_iso(),
            kind="feed",
        )
        yield FeedItem(
            feed_url=request.meta["feed_url"],
            outcome="error",
            status=status,
            etag=None,
            last_modified=None,
            entries=0,
            new_urls=0,
            error=f"{reason}: {detail}",
            feed_type=request.meta.get("feed_type"),
            parent=request.meta.get("parent"),
        )

    # -- articles --------------------------------------------------------

    def article_request(self, url: str, info: dict[str, Any]) -> Request | FailureItem | None:
        """A request for a discovered article, or None when it is skipped."""
        if not is_http_url(url):
            return FailureItem(
                url=url,
                reason="bad_scheme",
                detail="feed links to a non-http(s) URL",
                status=None,
                retry_after=None,
                fetched_at=now_iso(),
            )
        if not host_allowed(url, self.allowed):
            self.logger.info("not following %s: off the allowed hosts %s", url, self.allowed)
            self._stat("skipped_offsite")
            return None
        canon = canonical_url(url)
        if canon in self.known:
            self._stat("skipped_known")
            return None
        if canon in self.seen:
            self._stat("skipped_duplicate")
            return None
        if self.cap is not None and self.scheduled >= self.cap:
            self._stat("skipped_cap")
            return None
        self.seen.add(canon)
        self.scheduled += 1
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"kind": "article", "feed": info, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    def parse_article(self, response: Response) -> Iterator[Any]:
        """Yield the page for archiving, or a failure for an error status."""
        request = response.request or Request(response.url)
        if response.status >= 300:
            yield self.failure(request, status_reason(response.status), response, "article")
            return
        ctype = _header(response, "Content-Type")
        if is_binary_type(ctype):
            yield self.failure(request, "binary_content", response, "article")
            return
        discovered = first_url(request)
        final = canonical_url(response.url)
        if final in self.known:
            self._stat("skipped_known_after_redirect")
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, values in response.headers.items()
            for v in values
        ]
        yield PageItem(
            url=discovered,
            final_url=response.url,
            canonical_url=final,
            status=response.status,
            content_type=ctype,
            fetched_at=now_iso(),
            feed=request.meta["feed"],
            headers=headers,
            body=response.body,
        )

    def article_failed(self, failure: Failure) -> Iterator[FailureItem]:
        """Record an article that could not be fetched."""
        request: Request = failure.request  # type: ignore[attr-defined]
        reason, detail, status = classify(failure)
        self.logger.info("article %s failed: %s (%s)", request.url, reason, detail)
        yield FailureItem(
            url=first_url(request),
            reason=reason,
            detail=detail,
            status=status,
            retry_after=None,
            fetched_at=now_iso(),
        )

    def failure(self, request: Request, reason: str, response: Response, kind: str) -> FailureItem:
        """A failure record for an HTTP error or skipped response."""
        retry_after = None
        if response.status in (429, 503):
            retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
        return FailureItem(
            url=first_url(request),
            reason=reason,
            detail=f"HTTP {response.status} from {response.url}",
            status=response.status,
            retry_after=retry_after,
            fetched_at=now_iso(),
            kind=kind,
        )

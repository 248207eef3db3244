"""Downloader middleware: refuse bad schemes, off-host requests and redirects; retries."""

from __future__ import annotations

import time
from typing import Self
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawlers.urls import canonical_url, host_allowed, is_http_url


class RefusedRequest(IgnoreRequest):
    """A request the crawler refused on purpose; ``reason`` is a short code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


# Seconds a download may run past the source's deadline: the crawler is closing by then.
DEADLINE_GRACE_S = 1.0
# Shortest download timeout the deadline leaves a request (s): enough for a loopback answer.
MIN_DOWNLOAD_TIMEOUT_S = 1.0


class GuardMiddleware:
    """Keeps every request and redirect on the source's allowed hosts.

    Sits at 650, so it sees responses before Scrapy's RedirectMiddleware (600)
    and can refuse a redirect with a reason the errback records.
    """

    def __init__(self, allowed: list[str], deadline_s: float = 0.0) -> None:
        self.allowed = allowed
        self.deadline_s = deadline_s
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read the allowed hosts and the source's deadline from the settings."""
        return cls(
            crawler.settings.getlist("NARRMON_ALLOWED_HOSTS"),
            crawler.settings.getfloat("CLOSESPIDER_TIMEOUT"),
        )

    def process_request(self, request: Request) -> None:
        """Refuse non-http(s) schemes and hosts outside the allowed list; no download may
        outlast the source's deadline (a closing crawler waits for its downloads)."""
        if self.deadline_s > 0:
            left = self.deadline_s - (time.monotonic() - self.started) + DEADLINE_GRACE_S
            current = float(request.meta.get("download_timeout") or left)
            request.meta["download_timeout"] = max(MIN_DOWNLOAD_TIMEOUT_S, min(current, left))
        if not is_http_url(request.url):
            raise RefusedRequest("bad_scheme", f"refused non-http(s) URL {request.url}")
        if not host_allowed(request.url, self.allowed):
            raise RefusedRequest("offsite_request", f"{request.url} is not on {self.allowed}")

    def process_response(self, request: Request, response: Response) -> Response:
        """Refuse redirects to other schemes, other hosts, or back in a loop."""
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        if not is_http_url(target):
            raise RefusedRequest("bad_scheme", f"redirect from {request.url} to {target}")
        if not host_allowed(target, self.allowed):
            raise RefusedRequest(
                "offsite_redirect", f"redirect from {request.url} to off-host {target}"
            )
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if canonical_url(target) in {canonical_url(u) for u in chain}:
            raise RefusedRequest("redirect_loop", f"redirect loop via {' -> '.join(chain)}")
        return response


# First pause before an in-run retry (s); it doubles for each further retry (0.5, 1, ...).
BACKOFF_BASE_S = 0.5
# No single pause longer than this (s), whatever RETRY_TIMES is.
BACKOFF_MAX_S = 8.0


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, 408, timeouts, resets) with exponential backoff.

    A 429 or 503 that names a Retry-After is not retried in the run: the server said
    when to come back, so the failure is recorded with it and a later run asks again
    once it has elapsed (see ``narrmon.pipeline.crawl.not_yet_due``).
    """

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry a retryable status after a pause; leave Retry-After answers alone."""
        if response.status in (429, 503) and response.headers.get(b"Retry-After"):
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await pause(backoff_seconds(request))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        """Retry a failed download (timeout, reset...) after a pause."""
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await pause(backoff_seconds(request))
        return result


async def pause(seconds: float) -> None:
    """Sleep without blocking the reactor (other requests go on meanwhile)."""
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor, task

    # deferLater works on every reactor; awaiting it needs a future under asyncio.
    await maybe_deferred_to_future(task.deferLater(reactor, seconds))  # type: ignore[arg-type]


def backoff_seconds(request: Request) -> float:
    """The pause before the next try of ``request``: doubles with each retry."""
    tries = int(request.meta.get("retry_times", 0))
    return float(min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**tries))

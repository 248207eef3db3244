"""Downloader middleware: refuse bad schemes, off-host requests and redirects."""

from __future__ import annotations

from typing import Self
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawlers.urls import canonical_url, host_allowed, is_http_url


class RefusedRequest(IgnoreRequest):
    """A request the crawler refused on purpose; ``reason`` is a short code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class GuardMiddleware:
    """Keeps every request and redirect on the source's allowed hosts.

    Sits at 650, so it sees responses before Scrapy's RedirectMiddleware (600)
    and can refuse a redirect with a reason the errback records.
    """

    def __init__(self, allowed: list[str]) -> None:
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read the allowed hosts from the settings."""
        return cls(crawler.settings.getlist("NARRMON_ALLOWED_HOSTS"))

    def process_request(self, request: Request) -> None:
        """Refuse non-http(s) schemes and hosts outside the allowed list."""
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

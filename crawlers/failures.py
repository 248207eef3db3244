"""Failure reasons: map HTTP statuses and download exceptions to short codes."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_error
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawlers.middlewares import RefusedRequest
from crawlers.resolver import PRIVATE_ADDRESS, refused_reason

# Content types an article page may have; anything else is skipped unread.
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml")


def status_reason(status: int) -> str:
    """Short code for an HTTP error status (http_404, http_5xx, ...)."""
    if status in (404, 410, 429):
        return f"http_{status}"
    if 500 <= status < 600:
        return "http_5xx"
    return f"http_{status}"


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def is_binary_type(content_type: str | None) -> bool:
    """True when a Content-Type is clearly not an HTML/text page."""
    if not content_type:
        return False
    main = content_type.split(";", 1)[0].strip().lower()
    return main not in TEXT_TYPES and not main.startswith("text/")


def classify(failure: Failure) -> tuple[str, str, int | None]:
    """(reason, detail, status) for a failed request."""
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, RefusedRequest):
        return exc.reason, exc.detail, None
    if isinstance(exc, HttpError):
        status = exc.response.status
        return status_reason(status), detail, status
    if isinstance(exc, StopDownload):
        resp = getattr(exc, "response", None)
        ctype = resp.headers.get(b"Content-Type", b"").decode("latin-1") if resp else ""
        return "binary_content", f"skipped content type {ctype!r}", (resp.status if resp else None)
    if isinstance(exc, IgnoreRequest):
        msg = str(exc)
        if "robots.txt" in msg:
            return "robots_disallowed", msg, None
        if "redirection" in msg:
            return "redirect_loop", msg, None
        if "DOWNLOAD_MAXSIZE" in msg:  # HttpCompressionMiddleware: decompression bomb
            return "too_large", msg, None
        return "ignored", msg, None
    if isinstance(
        exc, DownloadTimeoutError | twisted_error.TimeoutError | twisted_error.TCPTimedOutError
    ):
        return "timeout", detail, None
    if isinstance(exc, DownloadCancelledError | CancelledError):
        return "too_large", detail, None
    if isinstance(exc, CannotResolveHostError | twisted_error.DNSLookupError):
        request = getattr(failure, "request", None)
        refused = refused_reason(urlsplit(request.url).hostname if request else None)
        if refused or PRIVATE_ADDRESS in detail:  # crawlers.resolver refused the answer
            return PRIVATE_ADDRESS, refused or detail, None
        return "dns_error", detail, None
    if isinstance(
        exc,
        DownloadConnectionRefusedError
        | DownloadFailedError
        | ResponseDataLossError
        | ResponseFailed
        | ResponseNeverReceived
        | twisted_error.ConnectError
        | twisted_error.ConnectionLost
        | twisted_error.ConnectionDone,
    ):
        return "connection_error", detail, None
    return "error", detail, None

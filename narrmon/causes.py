"""Failure reason codes (crawlers.failures) in words, for the run summary a person reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

# What each reason code means to someone who has not read the crawler's code.
REASON_WORDS: dict[str, str] = {
    "dns_error": "host name not found (DNS)",
    "connection_error": "connection refused or dropped",
    "timeout": "no answer in time (timeout)",
    "private_address": "host resolves to a private address the source does not name",
    "robots_disallowed": "disallowed by robots.txt",
    "offsite_request": "link leaves the source's allowed hosts",
    "offsite_redirect": "redirect leaves the source's allowed hosts",
    "http_404": "not found (HTTP 404)",
    "http_410": "gone (HTTP 410)",
    "http_429": "rate-limited (HTTP 429)",
    "http_5xx": "server error (HTTP 5xx)",
    "redirect_loop": "too many redirects",
    "too_large": "response too large",
    "binary_content": "not an HTML page",
}


def reason_words(code: str) -> str:
    """``code`` in words (``http_403`` -> ``refused (HTTP 403)``; unknown codes as they are)."""
    if code in REASON_WORDS:
        return REASON_WORDS[code]
    if code.startswith("http_"):
        return f"refused (HTTP {code[5:]})"
    if code.startswith("feed_"):
        return f"unreadable feed ({code[5:].replace('_', ' ')})"
    return code.replace("_", " ")


def describe_feed_failures(failures: Iterable[Mapping[str, Any]]) -> str | None:
    """The causes of a source's failed feed fetches in words, most frequent first.

    ``failures`` are the crawl's failure records; only those of kind ``feed`` count.
    Returns None when no feed fetch failed.
    """
    counts = Counter(str(f.get("reason") or "error") for f in failures if f.get("kind") == "feed")
    if not counts:
        return None
    parts = [reason_words(code) + (f" ×{n}" if n > 1 else "") for code, n in counts.most_common()]
    return "; ".join(parts)

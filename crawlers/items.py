"""Items the spider yields; the output pipeline writes them as JSON lines."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Required, TypedDict


class PageRecord(TypedDict, total=False):
    """One ``pages.jsonl`` line: a fetched page and where its response sits in the archive.

    Written by the crawl's output pipeline, read by the core's extract stage; replay and
    re-extraction build the same record from what they stored.
    """

    url: Required[str]
    final_url: str
    canonical_url: str
    status: int
    content_type: str | None
    fetched_at: Required[str]
    warc_path: Required[str]
    warc_offset: Required[int]
    warc_record_id: str | None
    feed: dict[str, Any]


@dataclass
class PageItem:
    """One fetched article response (archived to WARC, listed in pages.jsonl)."""

    url: str
    final_url: str
    canonical_url: str
    status: int
    content_type: str | None
    fetched_at: str
    feed: dict[str, Any]
    headers: list[tuple[str, str]] = field(default_factory=list, repr=False)
    body: bytes = field(default=b"", repr=False)

    def record(self, warc_path: str, warc_offset: int, warc_record_id: str) -> PageRecord:
        """The pages.jsonl line for this page once archived."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "canonical_url": self.canonical_url,
            "status": self.status,
            "content_type": self.content_type,
            "fetched_at": self.fetched_at,
            "warc_path": warc_path,
            "warc_offset": warc_offset,
            "warc_record_id": warc_record_id,
            "feed": self.feed,
        }


@dataclass
class FailureItem:
    """A URL that could not be fetched (failures.jsonl)."""

    url: str
    reason: str
    detail: str
    status: int | None
    retry_after: float | None
    fetched_at: str
    kind: str = "article"  # article | feed

    def record(self) -> dict[str, Any]:
        """The failures.jsonl line."""
        return asdict(self)


@dataclass
class FeedItem:
    """The outcome of fetching one feed or sitemap (feeds.jsonl)."""

    feed_url: str
    outcome: str  # ok | not_modified | error
    status: int | None
    etag: str | None
    last_modified: str | None
    entries: int
    new_urls: int
    error: str | None
    feed_type: str | None = None
    parent: str | None = None  # the sitemap index a child sitemap came from

    def record(self) -> dict[str, Any]:
        """The feeds.jsonl line."""
        return asdict(self)

"""Plain records the other layers hand to the store (no ORM objects cross layers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An extracted article ready to be stored under its canonical URL."""

    url: str
    source_id: str
    text: str
    fetched_at: datetime
    content_hash: str
    story_id: str
    extractor_version: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    word_count: int = 0
    warc_path: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    crawl_run_id: str | None = None
    simhash: int | None = None  # unused since issue 14 (story_keys replaced SimHash)
    page_url: str | None = None
    # MinHash LSH band keys of the text (models.story_match.story_keys); empty: none.
    story_keys: tuple[int, ...] = ()

    @property
    def day(self) -> date:
        """The day the article counts for: its publication day, else the fetch day (UTC)."""
        return (self.published_at or self.fetched_at).date()


@dataclass(frozen=True, slots=True)
class TagRecord:
    """One narrative an article carries; evidence items are {text, start, end}."""

    narrative_id: str
    score: float
    stance: str | None
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    """An item that failed a check, with the names of the failed checks and its payload."""

    url: str
    source_id: str
    reasons: list[str]
    fetched_at: datetime | None
    payload: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    crawl_run_id: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A source as stored: the columns analysts filter by and the full configuration."""

    id: str
    name: str
    homepage: str
    language: str
    country: str
    media_type: str
    enabled: bool
    config: dict[str, Any]

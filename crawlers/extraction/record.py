"""The extraction result record and the extraction error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class ExtractionError(ValueError):
    """The input cannot be turned into an article.

    ``reason`` is a short machine-readable slug, suitable as a quarantine reason:
    ``empty-input``, ``binary-input``, ``not-html``, ``bad-input-type``, or
    ``extractor-failed`` (trafilatura raised; ``detail`` holds the error).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """Clean text and metadata of one article page.

    ``text`` holds the article body, paragraphs separated by ``"\\n"``;
    ``published_at`` is timezone-aware UTC; ``language`` is ISO 639-1 as
    detected by py3langid on ``text``; ``link_density`` is the share of the
    page's visible text that sits inside links (high on listing pages).
    """

    text: str
    title: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    extractor_version: str
    url: str
    canonical_url: str | None = None
    description: str | None = None
    sitename: str | None = None
    word_count: int = 0
    link_density: float = 0.0
    encoding: str | None = None
    date_source: str | None = None

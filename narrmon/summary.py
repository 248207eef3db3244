"""Per-source counts and timings of one ingestion cycle."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


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
    repeats: int = 0
    errors: int = 0
    refused: int = 0
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

    def outcomes_total(self) -> int:
        """Fetched pages by what became of them; always equals ``fetched``.

        ``syndicated`` is not a term: those copies are stored, counted in new, updated or
        unchanged. ``errors`` (failed fetches) and ``refused`` (robots.txt, off-site,
        private addresses) never became pages, so they are outside ``fetched``.
        """
        return self.new + self.updated + self.unchanged + self.quarantined + self.repeats

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (days omitted)."""
        out = asdict(self)
        out.pop("days")
        out["newest_published_at"] = (
            self.newest_published_at.isoformat() if self.newest_published_at else None
        )
        return out


@dataclass(frozen=True)
class SourceProgress:
    """Where one source of a running cycle stands: pages fetched, extracted and stored."""

    source_id: str
    fetched: int
    extracted: int
    stored: int
    done: bool

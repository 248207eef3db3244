"""Plain records the gate takes and returns (no pandas, no Great Expectations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class GateRow:
    """One extracted article waiting for the gate's verdict.

    ``key`` is unique in the batch (the core uses the canonical URL). ``allowed_domains``
    holds hosts as the crawler uses them: ``example.com`` allows that domain and its
    subdomains on any port, ``127.0.0.1:8001`` exactly that host and port.
    ``on_source_hosts`` is whether ``url`` is on those hosts, judged by the core with the
    crawler's host rule (``crawlers.urls.host_allowed``: one rule, and parts do not import
    each other); None leaves the check unjudged.
    ``duplicate_of`` is set by the core when the same content is already stored under
    another URL: a syndicated copy, which is never a failure.
    """

    key: str
    url: str
    source_id: str
    allowed_domains: tuple[str, ...]
    expected_languages: tuple[str, ...]
    text: str
    title: str | None
    language: str | None
    published_at: datetime | None
    fetched_at: datetime
    word_count: int
    link_density: float
    duplicate_of: str | None = None
    on_source_hosts: bool | None = None


@dataclass
class GateResult:
    """The verdict on one batch.

    ``failed`` maps a key to the names of its failed checks (sorted); ``details`` maps a
    key to ``{check: {observed, threshold, ...}}`` for those checks (and
    ``syndicated_copy`` for passed copies). ``flagged`` holds checks that failed but are
    configured as flag-only (the row still passes). ``batch_checks`` summarises the batch
    (rows, failures per check, shares). ``docs_path`` is the Data Docs index.html when
    docs were built.
    """

    passed: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    batch_checks: dict[str, Any] = field(default_factory=dict)
    docs_path: str | None = None
    flagged: dict[str, list[str]] = field(default_factory=dict)
    syndicated: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchStats:
    """What one crawl run of one source produced (the core's counts).

    ``fetched``: pages downloaded; ``extracted``: pages that became articles;
    ``extraction_failures``: pages that did not; ``quarantined``: articles the gate
    refused; ``duplicates``: articles already stored or syndicated copies;
    ``feeds_total`` / ``feeds_zero_yield``: feeds read and feeds that listed no item;
    ``newest_published_at``: the newest publication time seen in the run (feed items
    included, so a quiet hour with only known items is still judged), or None.
    """

    source_id: str
    run_id: str
    fetched: int
    extracted: int
    extraction_failures: int
    quarantined: int
    duplicates: int
    feeds_total: int
    feeds_zero_yield: int
    newest_published_at: datetime | None
    now: datetime


@dataclass(frozen=True, slots=True)
class BatchFinding:
    """The outcome of one batch check: ``ok`` false means the run needs attention."""

    name: str
    ok: bool
    observed: float | int | str | None
    threshold: float | int | str | None
    message: str


@dataclass
class SourceHealth:
    """The health of one source's feeds and yield, as of ``now``."""

    source_id: str
    name: str
    enabled: bool
    last_success: datetime | None
    last_run_status: str | None
    articles_today: int
    articles_last_day: int
    baseline_per_day: float
    quarantine_share: float | None
    feeds_total: int
    feeds_failing: int
    healthy: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # When the newest stored article was published (fetched, when undated).
    newest_article: datetime | None = None

"""The crawl job contract: what the core hands a crawl, and what it gets back.

Plain dataclasses with JSON round-trips; no Scrapy import here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from crawlers.items import PageRecord
from crawlers.urls import allowed_hosts

FEED_TYPES = frozenset({"rss", "atom", "news-sitemap", "sitemap"})

# Output file names inside a job's out_dir (the contract with the core).
PAGES_FILE = "pages.jsonl"
FAILURES_FILE = "failures.jsonl"
FEEDS_FILE = "feeds.jsonl"
STATS_FILE = "stats.json"
# Scrapy's finish reason of a crawler stopped at its per-source deadline (CLOSESPIDER_TIMEOUT).
DEADLINE_REASON = "closespider_timeout"
LOG_FILE = "crawl.log"


def make_user_agent(version: str, contact_url: str, product: str = "narrmon") -> str:
    """A crawler user agent naming the product, its version and a contact URL.

    ``make_user_agent("0.1.0", "https://example.org/bot")`` gives
    ``narrmon/0.1.0 (+https://example.org/bot; media monitoring)``; robots.txt
    groups match the product token ``narrmon``.
    """
    return f"{product}/{version} (+{contact_url}; media monitoring)"


class JobError(ValueError):
    """A crawl job that cannot run (missing fields, bad URLs, bad types)."""


@dataclass
class CrawlJob:
    """One crawl of one source; serialised to JSON for the crawl subprocess."""

    run_id: str
    source: dict[str, Any]
    out_dir: str
    archive_path: str
    user_agent: str
    validators: dict[str, dict[str, str | None]] = field(default_factory=dict)
    known_urls_file: str | None = None
    # 30 s: slow news sites answer within a few seconds; longer means a stuck server.
    download_timeout: float = 30.0
    # 10 MiB: the largest article pages and news sitemaps stay well below this.
    download_maxsize: int = 10 * 1024 * 1024
    robots_obey: bool = True
    # Seconds this source's crawler may run before it stops with what it has (0: no limit),
    # so one outlet that accepts connections and never answers cannot stall a whole run.
    deadline_s: float = 0.0

    def to_json(self) -> str:
        """Serialise the job as JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def write(self, path: str | Path) -> Path:
        """Write the job JSON to ``path`` and return the path."""
        p = Path(path)
        p.write_text(self.to_json(), encoding="utf-8")
        return p

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlJob:
        """Build and validate a job from a decoded JSON object."""
        if not isinstance(data, dict):
            raise JobError("job must be a JSON object")
        required = ("run_id", "source", "out_dir", "archive_path", "user_agent")
        missing = [k for k in required if not data.get(k)]
        if missing:
            raise JobError(f"job is missing required fields: {', '.join(missing)}")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise JobError(f"job has unknown fields: {', '.join(unknown)}")
        job = cls(**data)
        job.validate()
        return job

    @classmethod
    def load(cls, path: str | Path) -> CrawlJob:
        """Read and validate a job JSON file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise JobError(f"cannot read job file {path}: {exc}") from exc
        return cls.from_dict(data)

    def validate(self) -> None:
        """Raise :class:`JobError` when the job cannot run."""
        src = self.source
        if not isinstance(src, dict) or not src.get("id"):
            raise JobError("source must be an object with an id")
        feeds = src.get("feeds")
        if not isinstance(feeds, list) or not feeds:
            raise JobError(f"source {src['id']!r} has no feeds")
        for feed in feeds:
            if not isinstance(feed, dict) or feed.get("type") not in FEED_TYPES:
                raise JobError(
                    f"source {src['id']!r}: feed type must be one of {sorted(FEED_TYPES)}"
                )
            _check_http_url(str(feed.get("url", "")), f"source {src['id']!r} feed")
        if src.get("homepage"):
            _check_http_url(str(src["homepage"]), f"source {src['id']!r} homepage")
        cap = src.get("max_articles_per_run")
        if cap is not None and (not isinstance(cap, int) or cap < 0):
            raise JobError("max_articles_per_run must be a non-negative integer or null")
        allowed = src.get("allowed_domains")
        if allowed is not None and (
            not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed)
        ):
            raise JobError("allowed_domains must be a list of host names")
        pol = src.get("politeness") or {}
        if not isinstance(pol, dict):
            raise JobError("politeness must be an object {delay, concurrency}")
        delay, conc = pol.get("delay"), pol.get("concurrency")
        if delay is not None and (not isinstance(delay, int | float) or delay < 0):
            raise JobError("politeness.delay must be a number >= 0")
        if conc is not None and (not isinstance(conc, int) or conc < 1):
            raise JobError("politeness.concurrency must be an integer >= 1")
        if self.download_timeout <= 0 or self.download_maxsize <= 0:
            raise JobError("download_timeout and download_maxsize must be positive")
        if self.deadline_s < 0:
            raise JobError("deadline_s must be >= 0 (0: no deadline)")

    def allowed_hosts(self) -> list[str]:
        """Allowed hosts: ``allowed_domains`` or the hosts of homepage and feeds.

        A host taken from a URL keeps an explicit port (``127.0.0.1:8001``), so
        outlets served on one loopback address stay apart by port.
        """
        urls = [self.source.get("homepage") or ""] + [f["url"] for f in self.source["feeds"]]
        return list(allowed_hosts(self.source.get("allowed_domains") or (), urls))


def _check_http_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise JobError(f"{what}: not an http(s) URL: {url!r}")


@dataclass
class CrawlResult:
    """What a finished (or killed) crawl left behind, parsed by :func:`run_crawl`."""

    exit_code: int
    out_dir: str
    archive_path: str
    pages_path: str
    failures_path: str
    feeds_path: str
    stats_path: str
    pages: int = 0
    failures: int = 0
    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_error: int = 0
    finish_reason: str | None = None
    timed_out: bool = False
    stderr_tail: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the crawl process completed (failed URLs do not count)."""
        return self.exit_code == 0 and not self.timed_out

    def read_pages(self) -> list[PageRecord]:
        """The page records (``pages.jsonl``)."""
        return cast(list[PageRecord], read_jsonl(self.pages_path))

    def read_failures(self) -> list[dict[str, Any]]:
        """The failure records (``failures.jsonl``)."""
        return read_jsonl(self.failures_path)

    def read_feeds(self) -> list[dict[str, Any]]:
        """The feed outcome records (``feeds.jsonl``)."""
        return read_jsonl(self.feeds_path)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file; a missing file or a torn last line is tolerated."""
    p = Path(path)
    if not p.exists():
        return []
    rows: list[dict[str, Any]] = []
    with p.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a crawl killed mid-write leaves at most one torn line
    return rows

"""Subprocess entry point: ``python -m crawlers.crawl JOB.json``.

Runs one Scrapy crawl of one source in this process (the Twisted reactor
cannot restart, so every crawl gets a fresh process) and writes
``stats.json`` beside the other outputs. Exit 0 when the crawl completed,
even with failed URLs; 2 for a bad job; 1 when the crawl could not run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from crawlers.job import STATS_FILE, CrawlJob, JobError

# Scrapy stats copied into stats.json (the rest stays in crawl.log).
STATS_KEYS_PREFIXES = (
    "downloader/request_count",
    "downloader/response_count",
    "downloader/response_status_count/",
    "downloader/exception_type_count/",
    "robotstxt/",
    "retry/",
    "narrmon/",
    "item_scraped_count",
    "log_count/ERROR",
    "log_count/WARNING",
    "start_time",
    "finish_time",
    "elapsed_time_seconds",
)


def _json_safe(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def run(job: CrawlJob) -> dict[str, Any]:
    """Run the crawl in this process and return the stats written to stats.json."""
    from scrapy.crawler import CrawlerProcess

    from crawlers.settings import build_settings
    from crawlers.spiders.source import SourceSpider

    out_dir = Path(job.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    Path(job.archive_path).parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    process = CrawlerProcess(build_settings(job))
    crawler = process.create_crawler(SourceSpider)
    process.crawl(crawler, job=job)
    process.start()
    raw = crawler.stats.get_stats() if crawler.stats is not None else {}
    subset = {
        k: _json_safe(v)
        for k, v in sorted(raw.items())
        if any(k.startswith(p) for p in STATS_KEYS_PREFIXES)
    }
    failures = int(raw.get("narrmon/failures", 0))
    stats = {
        "run_id": job.run_id,
        "source_id": job.source["id"],
        "finish_reason": raw.get("finish_reason"),
        "pages": int(raw.get("narrmon/pages", 0)),
        "failures": failures,
        "feeds_ok": int(raw.get("narrmon/feeds/ok", 0)),
        "feeds_not_modified": int(raw.get("narrmon/feeds/not_modified", 0)),
        "feeds_error": int(raw.get("narrmon/feeds/error", 0)),
        "elapsed_s": round(time.monotonic() - started, 3),
        "scrapy": subset,
    }
    (out_dir / STATS_FILE).write_text(json.dumps(stats, indent=2), encoding="utf-8")
    return stats


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: run the job file given as the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawlers.crawl JOB.json", file=sys.stderr)
        return 2
    try:
        job = CrawlJob.load(args[0])
    except JobError as exc:
        print(f"crawlers.crawl: bad job: {exc}", file=sys.stderr)
        return 2
    try:
        stats = run(job)
    except Exception as exc:  # a crash before or outside the crawl is fatal
        print(f"crawlers.crawl: crawl of {job.source.get('id')} failed: {exc!r}", file=sys.stderr)
        return 1
    if stats.get("finish_reason") is None:
        print(
            f"crawlers.crawl: crawl of {job.source['id']} did not finish "
            f"(see {Path(job.out_dir) / 'crawl.log'})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

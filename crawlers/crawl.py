"""Subprocess entry point: ``python -m crawlers.crawl [--log FILE] JOB.json [JOB.json ...]``.

Runs one Scrapy crawler per job, all in this process on one reactor (the Twisted
reactor cannot restart, so every crawl process is fresh), and writes each job's
``stats.json`` beside its other outputs. Scrapy keeps politeness per host, so the
sources of a run crawl concurrently without any of them going faster than its own
settings allow. Exit 0 when every crawl completed, even with failed URLs; 2 for a
bad job; 1 when a crawl could not run or did not finish.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
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
    """Run one job's crawl in this process and return the stats written to stats.json."""
    return run_many([job])[0]


def process_settings(jobs: list[CrawlJob], log_path: Path) -> dict[str, Any]:
    """Settings of the crawl process itself: logging and the DNS resolver.

    The resolver serves every crawler of the process, so it may let through the
    private addresses that any of the jobs' sources name; each crawler still keeps
    requests on its own source's hosts (``crawlers.middlewares.GuardMiddleware``).
    """
    from crawlers.settings import build_settings

    settings = build_settings(jobs[0])
    named: list[str] = []
    for job in jobs:
        named.extend(h for h in job.allowed_hosts() if h not in named)
    settings.update(
        {"NARRMON_ALLOWED_HOSTS": named, "LOG_FILE": str(log_path), "LOG_FILE_APPEND": False}
    )
    return settings


def run_many(jobs: list[CrawlJob], log_path: Path | None = None) -> list[dict[str, Any]]:
    """Crawl every job concurrently in this process; return each job's stats, in order.

    One crawler per job, each with its own settings (politeness, limits, allowed
    hosts, output files); the log of all of them goes to ``log_path`` (default: the
    first job's ``crawl.log``).
    """
    from scrapy import signals
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.settings import Settings

    from crawlers.job import LOG_FILE
    from crawlers.settings import build_settings
    from crawlers.spiders.source import SourceSpider

    log = log_path or Path(jobs[0].out_dir) / LOG_FILE
    for job in jobs:
        Path(job.out_dir).mkdir(parents=True, exist_ok=True)
        Path(job.archive_path).parent.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    process = CrawlerProcess(process_settings(jobs, log))
    crawlers = []
    written: dict[int, dict[str, Any]] = {}
    for i, job in enumerate(jobs):
        own = build_settings(job)
        # Every crawler logs to the process's file (Scrapy's root log handler is global).
        own.update({"LOG_FILE": str(log), "LOG_FILE_APPEND": True})
        settings = Settings()
        # "spider" priority: the process's settings, merged in as defaults, never win.
        settings.setdict(own, priority="spider")
        crawler = Crawler(SourceSpider, settings, init_reactor=i == 0)
        process.crawl(crawler, job=job)
        # stats.json as soon as this crawler closes (its outputs are complete then), so
        # the caller can load a finished source while slower ones still crawl.
        crawler.signals.connect(
            _on_closed(i, job, crawler, started, written), signal=signals.spider_closed, weak=False
        )
        crawlers.append(crawler)
    process.start()
    for i, (job, crawler) in enumerate(zip(jobs, crawlers, strict=True)):
        if i not in written:  # never closed (the process was stopped first)
            written[i] = _write_stats(job, crawler, started, None)
    return [written[i] for i in range(len(jobs))]


def _on_closed(
    index: int, job: CrawlJob, crawler: Any, started: float, written: dict[int, dict[str, Any]]
) -> Callable[..., None]:
    def closed(reason: str | None = None) -> None:
        written[index] = _write_stats(job, crawler, started, reason)

    return closed


def _write_stats(job: CrawlJob, crawler: Any, started: float, reason: str | None) -> dict[str, Any]:
    """Write the job's stats.json atomically (a reader never sees half a file)."""
    raw = crawler.stats.get_stats() if crawler.stats is not None else {}
    subset = {
        k: _json_safe(v)
        for k, v in sorted(raw.items())
        if any(k.startswith(p) for p in STATS_KEYS_PREFIXES)
    }
    seconds = raw.get("elapsed_time_seconds")
    stats = {
        "run_id": job.run_id,
        "source_id": job.source["id"],
        "finish_reason": raw.get("finish_reason") or reason,
        "pages": int(raw.get("narrmon/pages", 0)),
        "failures": int(raw.get("narrmon/failures", 0)),
        "feeds_ok": int(raw.get("narrmon/feeds/ok", 0)),
        "feeds_not_modified": int(raw.get("narrmon/feeds/not_modified", 0)),
        "feeds_error": int(raw.get("narrmon/feeds/error", 0)),
        "elapsed_s": round(
            float(seconds) if seconds is not None else time.monotonic() - started, 3
        ),
        "scrapy": subset,
    }
    path = Path(job.out_dir) / STATS_FILE
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(stats, indent=2), encoding="utf-8")
    os.replace(partial, path)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: run the job files given as arguments in one process."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.crawl", add_help=True)
    parser.add_argument("--log", type=Path, default=None, help="log file of the whole process")
    parser.add_argument("jobs", nargs="*", type=Path)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.jobs:
        print(
            "usage: python -m crawlers.crawl [--log FILE] JOB.json [JOB.json ...]", file=sys.stderr
        )
        return 2
    try:
        jobs = [CrawlJob.load(p) for p in args.jobs]
    except JobError as exc:
        print(f"crawlers.crawl: bad job: {exc}", file=sys.stderr)
        return 2
    names = ", ".join(str(j.source.get("id")) for j in jobs)
    try:
        all_stats = run_many(jobs, args.log)
    except Exception as exc:  # a crash before or outside the crawl is fatal
        print(f"crawlers.crawl: crawl of {names} failed: {exc!r}", file=sys.stderr)
        return 1
    log = args.log or Path(jobs[0].out_dir) / "crawl.log"
    code = 0
    for job, stats in zip(jobs, all_stats, strict=True):
        if stats.get("finish_reason") is None:
            print(
                f"crawlers.crawl: crawl of {job.source['id']} did not finish (see {log})",
                file=sys.stderr,
            )
            code = 1
    return code


if __name__ == "__main__":
    sys.exit(main())

"""Scrapy settings for one crawl job (politeness, limits, components)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawlers.job import LOG_FILE, CrawlJob

# Open-web politeness: one request per ~1.5 s per site, the delay most news
# sites' robots.txt Crawl-delay lines ask for.
DEFAULT_DELAY_S = 1.5
# ±50 % random jitter on that delay (0.75–2.25 s), so requests do not tick like a clock.
DELAY_JITTER = 0.5
# Two parallel requests per site: the common courtesy limit for crawlers.
DEFAULT_CONCURRENCY = 2
# AutoThrottle never waits longer than 30 s between requests to one site; a
# slower site is better retried on the next scheduled run.
AUTOTHROTTLE_MAX_DELAY_S = 30.0
# Aim for one request in flight per site on average when AutoThrottle is on.
AUTOTHROTTLE_TARGET = 1.0
# Retry transient server errors twice, with backoff (crawlers.middlewares); 429, and
# 503 with Retry-After, are not retried in-run (Retry-After is usually minutes: it is
# recorded and a later run tries again once it has elapsed).
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
# Five hops is more than any legitimate article redirect chain needs.
REDIRECT_MAX_TIMES = 5
# Warn in the log on responses above 2 MiB (or the cap if smaller).
WARN_SIZE = 2 * 1024 * 1024
# Global request cap across all hosts of one source crawl.
CONCURRENT_REQUESTS = 16
# Spider outputs processed at once per response. Scrapy starts this many asyncio tasks for
# every response (default 100: ~15% of a crawl's CPU on loopback); our only pipeline
# writes to local files synchronously, so parallel item processing gains nothing.
CONCURRENT_ITEMS = 4


def robots_token(user_agent: str) -> str:
    """The product token of a user agent (``narrmon/1.0 (+url)`` -> ``narrmon``)."""
    token = user_agent.strip().split(" ", 1)[0].split("/", 1)[0]
    return token or user_agent


def build_settings(job: CrawlJob) -> dict[str, Any]:
    """Scrapy settings for ``job``; components read them in ``from_crawler``."""
    politeness = job.source.get("politeness") or {}
    raw_delay = politeness.get("delay")
    raw_conc = politeness.get("concurrency")
    delay = DEFAULT_DELAY_S if raw_delay is None else float(raw_delay)
    concurrency = DEFAULT_CONCURRENCY if raw_conc is None else int(raw_conc)
    polite = delay > 0
    out_dir = Path(job.out_dir)
    return {
        "BOT_NAME": "narrmon",
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": job.robots_obey,
        # robots.txt groups name the product token ("narrmon"), not the full string.
        "ROBOTSTXT_USER_AGENT": robots_token(job.user_agent),
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": DELAY_JITTER if polite else 0.0,
        "AUTOTHROTTLE_ENABLED": polite,
        "AUTOTHROTTLE_START_DELAY": delay,
        "AUTOTHROTTLE_MAX_DELAY": AUTOTHROTTLE_MAX_DELAY_S,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": AUTOTHROTTLE_TARGET,
        "CONCURRENT_REQUESTS": CONCURRENT_REQUESTS,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_ITEMS": CONCURRENT_ITEMS,
        "DOWNLOAD_TIMEOUT": job.download_timeout,
        # Scrapy's CloseSpider extension stops this crawler (finish reason
        # "closespider_timeout") at the source's deadline; 0 disables it.
        "CLOSESPIDER_TIMEOUT": job.deadline_s,
        "DOWNLOAD_MAXSIZE": job.download_maxsize,
        "DOWNLOAD_WARNSIZE": min(WARN_SIZE, job.download_maxsize),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": RETRY_TIMES,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        "REDIRECT_MAX_TIMES": REDIRECT_MAX_TIMES,
        "METAREFRESH_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Refuses DNS answers pointing at private addresses the source does not name.
        "TWISTED_DNS_RESOLVER": "crawlers.resolver.GuardedResolver",
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(out_dir / LOG_FILE),
        "LOG_FILE_APPEND": False,
        "STATS_DUMP": True,
        "DOWNLOADER_MIDDLEWARES": {
            # Scrapy's offsite filter compares host names only; ours also
            # compares ports (outlets on one loopback address) and records reasons.
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawlers.middlewares.GuardMiddleware": 650,
            # No source logs in with HTTP auth: one middleware fewer on every request.
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
            # Scrapy's retry slot (550), with backoff and Retry-After respected.
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.middlewares.BackoffRetryMiddleware": 550,
        },
        # Components a crawl never uses, disabled by name so they are not even imported
        # (the remote-control extension alone imports aiohttp: ~5% of a crawl's CPU on
        # loopback, where start-up weighs as much as fetching).
        "EXTENSIONS": {
            "scrapy.extensions.telnet.TelnetConsole": None,
            "scrapy.extensions.remote_control.RemoteControl": None,
        },
        "SPIDER_MIDDLEWARES": {
            # Request depth is neither limited nor used (no DEPTH_LIMIT): skip its pass
            # over every spider output.
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.OutputPipeline": 300},
        "NARRMON_OUT_DIR": str(out_dir),
        "NARRMON_ARCHIVE_PATH": job.archive_path,
        "NARRMON_ALLOWED_HOSTS": job.allowed_hosts(),
    }

"""Crawlers: one Scrapy crawl of one source, run in its own process.

Importing this package stays light: it never imports Scrapy or lxml. The
Scrapy side lives in :mod:`crawlers.crawl` (the subprocess entry point),
:mod:`crawlers.spiders`, :mod:`crawlers.middlewares` and
:mod:`crawlers.pipelines`; the core talks to it through :func:`run_crawl`
and the files it leaves in the job's ``out_dir``.
"""

from crawlers.job import CrawlJob, CrawlResult, JobError, make_user_agent
from crawlers.runner import run_crawl

__all__ = ["CrawlJob", "CrawlResult", "JobError", "make_user_agent", "run_crawl"]

"""The output pipeline: WARC archive plus the JSON-lines files of the contract."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.archive import WarcArchive
from crawlers.items import FailureItem, FeedItem, PageItem
from crawlers.job import FAILURES_FILE, FEEDS_FILE, PAGES_FILE


class OutputPipeline:
    """Writes pages (after archiving them), failures and feed outcomes.

    Every line is flushed as soon as it is written, so a crawl that is killed
    leaves everything it had fetched.
    """

    def __init__(self, crawler: Crawler, out_dir: str, archive_path: str) -> None:
        self.crawler = crawler
        self.out_dir = Path(out_dir)
        self.archive_path = archive_path
        self.archive: WarcArchive | None = None
        self.files: dict[str, IO[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read the output locations from the settings."""
        s = crawler.settings
        return cls(crawler, s.get("NARRMON_OUT_DIR"), s.get("NARRMON_ARCHIVE_PATH"))

    def open_spider(self) -> None:
        """Open the archive and the three output files."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.archive = WarcArchive(self.archive_path)
        for name in (PAGES_FILE, FAILURES_FILE, FEEDS_FILE):
            self.files[name] = (self.out_dir / name).open("w", encoding="utf-8")

    def close_spider(self) -> None:
        """Close everything."""
        for fh in self.files.values():
            fh.close()
        if self.archive is not None:
            self.archive.close()

    def _write(self, name: str, record: Mapping[str, Any]) -> None:
        fh = self.files[name]
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()

    def process_item(self, item: Any) -> Any:
        """Route an item to its file; pages are archived first."""
        stats = self.crawler.stats
        assert stats is not None
        if isinstance(item, PageItem):
            assert self.archive is not None
            rec = self.archive.write_response(
                item.final_url,
                item.status,
                item.headers,
                item.body,
                fetched_at=item.fetched_at,
            )
            self._write(PAGES_FILE, item.record(rec.warc_path, rec.offset, rec.record_id))
            stats.inc_value("narrmon/pages")
            item.body = b""  # the bytes live in the WARC now
        elif isinstance(item, FailureItem):
            self._write(FAILURES_FILE, item.record())
            stats.inc_value(f"narrmon/failures/{item.reason}")
            stats.inc_value("narrmon/failures")
        elif isinstance(item, FeedItem):
            self._write(FEEDS_FILE, item.record())
            stats.inc_value(f"narrmon/feeds/{item.outcome}")
        else:
            raise DropItem(f"unknown item type {type(item).__name__}")
        return item
